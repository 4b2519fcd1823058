//! `undocumented-choice`: A database, queue, cache or load balancer has no rationale or no rejected alternative.

use super::prelude::*;

declare_rule! {
    id: "undocumented-choice",
    category: Tradeoffs,
    severity: Info,
    section: 6,
    summary: "A database, queue, cache or load balancer has no rationale or no rejected alternative.",
    default: off,
    references: [
        "Michael Nygard, *Documenting Architecture Decisions* <https://cognitect.com/blog/2011/11/15/documenting-architecture-decisions>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        if !matches!(
            c.kind(),
            Kind::Database | Kind::Queue | Kind::Cache | Kind::LoadBalancer
        ) {
            continue;
        }
        let no_rationale = c.more().rationale.is_none();
        let no_alternatives = c
            .more()
            .alternatives
            .as_ref()
            .is_none_or(|a| a.v.is_empty());
        let missing = match (no_rationale, no_alternatives) {
            (true, true) => "no `rationale` and no rejected `alternatives`",
            (true, false) => "no `rationale`",
            (false, true) => "no rejected `alternatives`",
            (false, false) => continue,
        };
        let what = c
            .tech()
            .map_or_else(|| c.kind().to_string(), |t| format!("{t} {}", c.kind()));
        out.push(
            cx.diag(c.path(), c.span, format!("the choice of {what} for `{}` is undocumented: {missing}", c.id))
                .label("why this choice?")
                .help("add `rationale:` (why this fits the requirements) and `alternatives: { option: why it was rejected }`, so reviewers and successors see the trade-off"),
        );
    }
    out
}
