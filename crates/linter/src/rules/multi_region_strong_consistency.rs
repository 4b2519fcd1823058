//! `multi-region-strong-consistency`: Strong consistency across multiple regions.

use super::prelude::*;

declare_rule! {
    id: "multi-region-strong-consistency",
    category: Components,
    severity: Info,
    section: 6,
    summary: "Strong consistency across multiple regions.",
    references: [
        "Eric Brewer, *CAP Twelve Years Later: How the \"Rules\" Have Changed*, InfoQ <https://www.infoq.com/articles/cap-twelve-years-later-how-the-rules-have-changed/>",
        "Martin Kleppmann, *Designing Data-Intensive Applications* (O'Reilly, 2017), ch. 9 *Consistency and Consensus*",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let Some(r) = cx.m.requirements.as_ref() else {
        return vec![];
    };
    let (Some(geo), Some(cons)) = (&r.geography, &r.consistency) else {
        return vec![];
    };
    if geo.v == Geography::SingleRegion || cons.v != Consistency::Strong {
        return vec![];
    }
    vec![
        cx.diag("requirements.consistency", cons.span, format!(
            "strong consistency across a {} deployment: every write must be agreed across regions, adding a cross-region round trip (often 50-200ms) to writes",
            geo.v
        ))
        .label("strong consistency")
        .help("decide deliberately: keep strong consistency only for the data that needs it (payments, inventory) with a single write region or a consensus store such as Spanner, and use eventual or causal consistency elsewhere")
        .related("requirements.geography", geo.span, format!("`{}` deployment", geo.v)),
    ]
}
