//! `public-api-without-rate-limit`: A service or gateway is reachable from an entry point by a path with no rate limit.

use super::prelude::*;

declare_rule! {
    id: "public-api-without-rate-limit",
    category: AntiPatterns,
    severity: Error,
    section: 3,
    summary: "A service or gateway is reachable from an entry point by a path with no rate limit.",
    references: [
        "Microsoft Azure Architecture Center, *Rate Limiting pattern* <https://learn.microsoft.com/en-us/azure/architecture/patterns/rate-limiting-pattern>",
        "Paul Tarjan, *Scaling your API with rate limiters*, Stripe <https://stripe.com/blog/rate-limiters>",
        "Google, *Site Reliability Engineering*, ch. 21 *Handling Overload* <https://sre.google/sre-book/handling-overload/>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let n = m.components.len();
    let mut seen = vec![false; n];
    let mut parent: Vec<Option<usize>> = vec![None; n];
    let mut queue = VecDeque::new();
    let mut hits = Vec::new();
    for phase in g.entry_phases(m) {
        for v in phase {
            // a client inside the trust boundary is not the public internet
            if m.components[v].is_internal() {
                continue;
            }
            if !m.components[v].has_rate_limit() && !seen[v] {
                seen[v] = true;
                queue.push_back(v);
            }
        }
        while let Some(u) = queue.pop_front() {
            let c = &m.components[u];
            if matches!(c.kind(), Kind::Service | Kind::Gateway) {
                hits.push(u);
                continue; // the first service/gateway of this path is the one reported
            }
            if matches!(
                c.kind(),
                Kind::Queue | Kind::Database | Kind::Cache | Kind::ObjectStore
            ) {
                continue;
            }
            for e in g.outgoing(u) {
                if !matches!(g.edges[e].origin, Origin::Call(_)) {
                    continue;
                }
                let w = g.edges[e].to;
                if !seen[w] && !m.components[w].has_rate_limit() {
                    seen[w] = true;
                    parent[w] = Some(e);
                    queue.push_back(w);
                }
            }
        }
    }
    hits.sort_unstable();
    hits.into_iter()
        .map(|v| {
            let c = &m.components[v];
            let path = g.path_to(&parent, v);
            let route = if path.is_empty() {
                format!("{} is itself public", c.id)
            } else {
                format!("reachable by {}", g.describe(m, &path))
            };
            let mut d = cx
                .diag(c.path(), c.span, format!("{} `{}` is reachable from outside with no rate limit on the way ({route})", c.kind(), c.id))
                .label("no rate limit on any component of this path")
                .help(format!(
                    "add `rate_limit: {{ requests_per_second: 100, per: client }}` to `{}` or to the gateway or load balancer in front of it, so one client cannot exhaust it",
                    c.id
                ));
            for &e in &path {
                d = d.related(g.edge_path(m, e), g.edge_span(m, e), format!("{} -> {}: not rate limited", m.components[g.edges[e].from].id, m.components[g.edges[e].to].id));
            }
            d
        })
        .collect()
}
