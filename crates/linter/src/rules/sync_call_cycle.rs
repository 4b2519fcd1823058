//! `sync-call-cycle`: Components call each other synchronously in a cycle.

use super::prelude::*;

declare_rule! {
    id: "sync-call-cycle",
    category: AntiPatterns,
    severity: Error,
    section: 3,
    summary: "Components call each other synchronously in a cycle.",
    references: [
        "Google, *Site Reliability Engineering*, ch. 22 *Addressing Cascading Failures* <https://sre.google/sre-book/addressing-cascading-failures/>",
        "Martin Fowler, *MicroservicePremium* <https://martinfowler.com/bliki/MicroservicePremium.html>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let mut out = Vec::new();
    for members in g.cycles() {
        // start at the smallest id, so the report does not depend on the file's order
        let Some(&start) = members.iter().min_by_key(|&&v| &m.components[v].id) else {
            continue;
        };
        let cycle = g.cycle_through(start);
        let Some(&first) = cycle.first() else {
            continue;
        };
        let desc = g.describe(m, &cycle);
        let mut d = cx
            .diag(g.edge_path(m, first), g.edge_span(m, first), format!("components call each other synchronously in a cycle: {desc}"))
            .label(format!("{} calls {}", m.components[start].id, m.components[g.edges[first].to].id))
            .help("a synchronous cycle can deadlock and turns one slow component into an outage of all of them; break it by making one call asynchronous (an event or a queue), or by moving the shared logic into one component")
            .in_sequence(0);
        for &e in &cycle[1..] {
            let ed = g.edges[e];
            d = d.related(
                g.edge_path(m, e),
                g.edge_span(m, e),
                format!(
                    "{} calls {}",
                    m.components[ed.from].id, m.components[ed.to].id
                ),
            );
        }
        if members.len() > cycle.len() {
            let mut others: Vec<&str> = members
                .iter()
                .map(|&v| m.components[v].id.as_str())
                .collect();
            others.sort_unstable();
            d.message.push_str(&format!(
                " (the cycle joins {} components: {})",
                members.len(),
                others.join(", ")
            ));
        }
        out.push(d);
    }
    out
}
