//! `missing-requirement`: A clarification-checklist item is absent from `requirements`.

use super::prelude::*;

declare_rule! {
    id: "missing-requirement",
    category: Requirements,
    severity: Info,
    section: 1,
    summary: "A clarification-checklist item is absent from `requirements`.",
    // answering some of the items keeps it in a baseline
    fingerprint: file,
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
    let missing: Vec<&(&str, &str, &str)> =
        CHECKLIST.iter().filter(|(f, _, _)| !present(f)).collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let names: Vec<String> = missing.iter().map(|(f, _, _)| format!("`{f}`")).collect();
    let (path, label) = match r {
        Some(_) => (
            "requirements".to_string(),
            format!(
                "{} of {} checklist items missing here",
                missing.len(),
                CHECKLIST.len()
            ),
        ),
        None => (String::new(), "no `requirements` in this file".to_string()),
    };
    let mut d = cx
        .diag(
            path,
            span,
            format!(
                "{} of the {} requirements a design review asks for {} not stated: {}",
                missing.len(),
                CHECKLIST.len(),
                if missing.len() == 1 { "is" } else { "are" },
                names.join(", ")
            ),
        )
        .label(label)
        .help(format!(
            "answer each under `requirements:`{}",
            missing
                .iter()
                .map(|(f, question, fix)| format!("\n- `{f}`: {question} e.g. {fix}"))
                .collect::<String>()
        ));
    // each item where it would go, with the question it answers
    for (f, question, _) in &missing {
        d = d.related(
            format!("requirements.{f}"),
            span,
            format!("`{f}`: {question}"),
        );
    }
    vec![d]
}

/// (field, question, what to write)
const CHECKLIST: &[(&str, &str, &str)] = &[
    (
        "functional",
        "What must the system do: which capabilities are in scope?",
        "`functional: [\"users upload photos\", \"followers see new photos in a feed\"]` (and `out_of_scope:` for what it will not do)",
    ),
    (
        "scale",
        "How many users and requests must the system serve, and how much data does it hold?",
        "`scale: { daily_active_users: 1M, requests_per_user_per_day: 20, peak_to_average: 3, data_volume: 500GB }`",
    ),
    (
        "consistency",
        "Must every read see the latest write, or is a short delay acceptable?",
        "`consistency:` with one of `strong`, `read-your-writes`, `causal`, `eventual`",
    ),
    (
        "latency",
        "How fast must a request be answered?",
        "`latency: { p50: 50ms, p99: 300ms }`",
    ),
    (
        "availability",
        "How much downtime is acceptable?",
        "`availability: 99.9%` (about 8.8 hours of downtime a year)",
    ),
    (
        "geography",
        "Where are the users: one region, several, or the whole world?",
        "`geography:` with one of `single-region`, `multi-region`, `global`",
    ),
    (
        "read_write_ratio",
        "How many reads are there for each write?",
        "`read_write_ratio: 10:1` (reads:writes)",
    ),
    (
        "retention",
        "How long must the data be kept?",
        "`retention: 1y` (or `forever`)",
    ),
    (
        "operations",
        "Who will run this: how big is the team, what infrastructure does it already operate, and what is the budget?",
        "`operations: { team_size: 5, existing: [postgresql], budget: medium }`",
    ),
];
