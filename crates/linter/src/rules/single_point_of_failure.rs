//! `single-point-of-failure`: A component on a synchronous path from an entry point has one replica, and availability needs 99.9% or more.

use super::prelude::*;

declare_rule! {
    id: "single-point-of-failure",
    category: Resilience,
    severity: Warning,
    section: 7,
    summary: "A component on a synchronous path from an entry point has one replica, and availability needs 99.9% or more.",
    options: { min_availability: 99.9 },
    references: [
        "Google, *Site Reliability Engineering*, ch. 3 *Embracing Risk* <https://sre.google/sre-book/embracing-risk/>",
        "AWS Well-Architected Framework, *Reliability Pillar* <https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/welcome.html>",
    ],
    check: check,
}

fn check(cx: &Ctx, opts: &Options) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let Some(target) = availability_target(m) else {
        return vec![];
    };
    if target.v * 100.0 + 1e-9 < opts.min_availability {
        return vec![];
    }
    let (reached, parent) = g.sync_reach(&g.entry_phases(m));
    let target_text = fmt_percent(target.v);
    let mut out = Vec::new();
    for (i, c) in m.components.iter().enumerate() {
        if !reached[i] || c.kind().is_outside() || effective_replicas(m, g, i) > 1 {
            continue;
        }
        let path = g.path_to(&parent, i);
        let route = if path.is_empty() {
            format!("{} is an entry point", c.id)
        } else {
            format!("on the synchronous path {}", g.describe(m, &path))
        };
        let count = if c.replicas.is_some() {
            "1 replica".to_string()
        } else {
            "no `replicas` (so 1)".to_string()
        };
        let mut d = cx
            .diag(c.path(), c.span, format!("`{}` has {count} and is {route}: when it fails, requests fail, against a {target_text} availability target", c.id))
            .label("single point of failure")
            .help(match c.kind() {
                Kind::Database => "run a standby replica with automatic failover (`replicas: 2` or more), or `allow` this with the managed service's failover as the reason",
                Kind::Cache => "run the cache replicated (`replicas: 2` or more), or make callers fall back to the store when it is down",
                _ => "run at least 2 replicas behind a load balancer (`replicas: 2`), ideally in different zones",
            })
            .related("requirements.availability", target.span, format!("{target_text} required"));
        if let Some(r) = &c.replicas {
            d = d.related(c.field_path("replicas"), r.span, "only one replica");
        }
        // an in-process cache has its host's replicas: the host decides
        if c.more()
            .scope
            .as_ref()
            .is_some_and(|s| s.v == CacheScope::InProcess)
        {
            for e in g
                .incoming(i)
                .filter(|&e| matches!(g.edges[e].origin, Origin::Call(_)))
            {
                let host = &m.components[g.edges[e].from];
                d = d.related(
                    host.path(),
                    host.span,
                    format!(
                        "runs inside `{}`, which has {} replica{}",
                        host.id,
                        host.replicas(),
                        if host.replicas() == 1 { "" } else { "s" }
                    ),
                );
            }
        }
        out.push(d);
    }
    out
}
