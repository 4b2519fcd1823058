//! `optional-call-on-critical-path`: An optional call without a fallback is on an entry point's critical path.

use super::prelude::*;

declare_rule! {
    id: "optional-call-on-critical-path",
    category: Resilience,
    severity: Warning,
    section: 7,
    summary: "An optional call without a fallback is on an entry point's critical path.",
    references: [
        "Google, *Site Reliability Engineering*, ch. 22 *Addressing Cascading Failures* <https://sre.google/sre-book/addressing-cascading-failures/>",
        "Jeffrey Dean and Luiz André Barroso, *The Tail at Scale*, CACM 56(2), 2013 <https://research.google/pubs/the-tail-at-scale/>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let crit = g.critical_paths();
    let mut on_path: Vec<(usize, usize)> = Vec::new(); // (edge, entry point)
    let mut seen = std::collections::HashSet::new();
    for entry in g.entry_points(m) {
        for e in g.follow(&crit, entry) {
            if seen.insert(e) {
                on_path.push((e, entry));
            }
        }
    }
    let mut out = Vec::new();
    for (e, entry) in on_path {
        let Some(call) = g.call(m, e) else { continue };
        if !call.more().optional.as_ref().is_some_and(|o| o.v) || has_fallback(call) {
            continue;
        }
        let ed = g.edges[e];
        let (caller, callee) = (&m.components[ed.from], &m.components[ed.to]);
        let path = g.follow(&crit, entry);
        out.push(
            cx.diag(
                g.edge_path(m, e),
                call.span,
                format!(
                    "the optional call from `{}` to `{}` is on the critical path of `{}` ({}) and has no fallback, so its failure still fails the request",
                    caller.id,
                    callee.id,
                    m.components[entry].id,
                    g.describe(m, &path)
                ),
            )
            .label("optional, but nothing catches its failure")
            .help(format!(
                "give it a `fallback:` (cache, default, queue, skip) and a short `timeout:`, or make it asynchronous; `optional: true` alone does not stop `{}` from failing when `{}` does",
                caller.id, callee.id
            )),
        );
    }
    out
}
