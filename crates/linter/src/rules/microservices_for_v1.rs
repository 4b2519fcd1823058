//! `microservices-for-v1`: A prototype or v1 system is split into more than 3 services, workers and gateways.

use super::prelude::*;

declare_rule! {
    id: "microservices-for-v1",
    category: AntiPatterns,
    severity: Warning,
    section: 3,
    summary: "A prototype or v1 system is split into more than 3 services, workers and gateways.",
    options: { max_services: 3.0 },
    references: [
        "Martin Fowler, *MonolithFirst* <https://martinfowler.com/bliki/MonolithFirst.html>",
        "Martin Fowler, *MicroservicePremium* <https://martinfowler.com/bliki/MicroservicePremium.html>",
    ],
    check: check,
}

fn check(cx: &Ctx, opts: &Options) -> Vec<Diagnostic> {
    let Some(stage) = &cx.m.stage else {
        return vec![];
    };
    if !matches!(stage.v, Stage::Prototype | Stage::V1) {
        return vec![];
    }
    let max = opts.max_services as usize;
    let apps: Vec<_> =
        cx.m.components
            .iter()
            .filter(|c| is_app(c.kind()))
            .collect();
    if apps.len() <= max {
        return vec![];
    }
    // named in id order (independent of the file's order), labelled in file order
    let mut names: Vec<&str> = apps.iter().map(|c| c.id.as_str()).collect();
    names.sort_unstable();
    let mut d = cx
        .diag(
            "stage",
            stage.span,
            format!(
                "a {} system with {} deployable services, workers and gateways (more than {max}): {}",
                stage.v,
                apps.len(),
                names.join(", ")
            ),
        )
        .label(format!("stage is `{}`", stage.v))
        .help("start with a modular monolith (one deployable with clear internal modules) and split out a service only when a team or a scaling need demands it");
    for c in apps.iter().take(12) {
        d = d.related(
            c.path(),
            c.span,
            format!("{} is a separate deployable", c.display()),
        );
    }
    vec![d]
}
