//! `in-process-cache-with-replicas`: An in-process cache lives in a component with more than 1 replica.

use super::prelude::*;

declare_rule! {
    id: "in-process-cache-with-replicas",
    category: Components,
    severity: Warning,
    section: 5,
    summary: "An in-process cache lives in a component with more than 1 replica.",
    references: [
        "Microsoft Azure Architecture Center, *Caching guidance* <https://learn.microsoft.com/en-us/azure/architecture/best-practices/caching>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let mut out = Vec::new();
    for (i, c) in m.components.iter().enumerate() {
        if c.kind() != Kind::Cache
            || !c
                .more()
                .scope
                .as_ref()
                .is_some_and(|s| s.v == CacheScope::InProcess)
        {
            continue;
        }
        let callers: Vec<usize> = g
            .incoming(i)
            .filter(|&e| matches!(g.edges[e].origin, Origin::Call(_)))
            .collect();
        if callers.is_empty()
            || !callers
                .iter()
                .all(|&e| m.components[g.edges[e].from].replicas() > 1)
        {
            continue;
        }
        let host = &m.components[g.edges[callers[0]].from];
        let mut d = cx
            .diag(c.path(), c.span, format!(
                "in-process cache `{}` lives inside `{}`, which runs {} replicas: each replica holds its own copy, so they disagree after a write",
                c.id, host.id, host.replicas()
            ))
            .label("one copy per replica")
            .help("use a shared cache (Redis, Memcached) with `scope: shared`, or keep the in-process cache only for immutable data with a short `ttl`");
        for e in callers {
            let caller = &m.components[g.edges[e].from];
            d = d.related(
                g.edge_path(m, e),
                g.edge_span(m, e),
                format!("{} ({} replicas) uses it", caller.id, caller.replicas()),
            );
        }
        out.push(d);
    }
    out
}
