//! `missing-requirement`: A clarification-checklist item is absent from `requirements`.

use super::prelude::*;

declare_rule! {
    id: "missing-requirement",
    category: Requirements,
    severity: Info,
    section: 1,
    summary: "A clarification-checklist item is absent from `requirements`.",
    references: [
        "Malte Ubl, *Design Docs at Google* <https://www.industrialempathy.com/posts/design-docs-at-google/>",
        "Google, *Site Reliability Engineering*, ch. 4 *Service Level Objectives* <https://sre.google/sre-book/service-level-objectives/>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let r = cx.m.requirements.as_ref();
    let span = r.map_or(Span::new(0, 0), |r| r.span);
    let present = |f: &str| -> bool {
        let Some(r) = r else { return false };
        match f {
            "functional" => r.functional.is_some(),
            "scale" => r.scale.is_some(),
            "consistency" => r.consistency.is_some(),
            "latency" => r.latency.is_some(),
            "availability" => r.availability.is_some(),
            "geography" => r.geography.is_some(),
            "read_write_ratio" => r.read_write_ratio.is_some(),
            "retention" => r.retention.is_some(),
            "operations" => r.operations.is_some(),
            _ => true,
        }
    };
    CHECKLIST
        .iter()
        .filter(|(f, _, _)| !present(f))
        .map(|(f, question, fix)| {
            cx.diag(
                format!("requirements.{f}"),
                span,
                format!("requirement `{f}` is not stated: {question}"),
            )
            .label(if r.is_some() {
                format!("no `{f}` here")
            } else {
                "no `requirements` in this file".into()
            })
            .help(format!("answer it under `requirements:`: {fix}"))
        })
        .collect()
}

/// (field, question, what to write)
const CHECKLIST: &[(&str, &str, &str)] = &[
    (
        "functional",
        "What must the system do: which capabilities are in scope?",
        "add `functional: [\"users upload photos\", \"followers see new photos in a feed\"]` (and `out_of_scope:` for what it will not do)",
    ),
    (
        "scale",
        "How many users and requests must the system serve, and how much data does it hold?",
        "add `scale: { daily_active_users: 1M, requests_per_user_per_day: 20, peak_to_average: 3, data_volume: 500GB }`",
    ),
    (
        "consistency",
        "Must every read see the latest write, or is a short delay acceptable?",
        "add `consistency:` with one of `strong`, `read-your-writes`, `causal`, `eventual`",
    ),
    (
        "latency",
        "How fast must a request be answered?",
        "add `latency: { p50: 50ms, p99: 300ms }`",
    ),
    (
        "availability",
        "How much downtime is acceptable?",
        "add `availability: 99.9%` (about 8.8 hours of downtime a year)",
    ),
    (
        "geography",
        "Where are the users: one region, several, or the whole world?",
        "add `geography:` with one of `single-region`, `multi-region`, `global`",
    ),
    (
        "read_write_ratio",
        "How many reads are there for each write?",
        "add `read_write_ratio: 10:1` (reads:writes)",
    ),
    (
        "retention",
        "How long must the data be kept?",
        "add `retention: 1y` (or `forever`)",
    ),
    (
        "operations",
        "Who will run this: how big is the team, what infrastructure does it already operate, and what is the budget?",
        "add `operations: { team_size: 5, existing: [postgresql], budget: medium }`",
    ),
];
