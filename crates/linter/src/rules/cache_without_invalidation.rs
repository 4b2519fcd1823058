//! `cache-without-invalidation`: A cache has neither a TTL nor an invalidation strategy.

use super::prelude::*;

declare_rule! {
    id: "cache-without-invalidation",
    category: AntiPatterns,
    severity: Warning,
    section: 5,
    summary: "A cache has neither a TTL nor an invalidation strategy.",
    references: [
        "Microsoft Azure Architecture Center, *Caching guidance* <https://learn.microsoft.com/en-us/azure/architecture/best-practices/caching>",
        "Martin Fowler, *TwoHardThings* <https://martinfowler.com/bliki/TwoHardThings.html>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        if c.kind() != Kind::Cache {
            continue;
        }
        let has_ttl = c.more().ttl.as_ref().is_some_and(|t| t.v.is_some());
        let has_inval = c
            .more()
            .invalidation
            .as_ref()
            .is_some_and(|i| i.v != Invalidation::None);
        if has_ttl || has_inval {
            continue;
        }
        let scope = if c
            .more()
            .scope
            .as_ref()
            .is_some_and(|s| s.v == CacheScope::InProcess)
        {
            "in-process "
        } else {
            ""
        };
        let mut d = cx
            .diag(c.path(), c.span, format!("{scope}cache `{}` has no TTL and no invalidation, so its entries never change after they are written", c.id))
            .label("entries never expire")
            .help("set `ttl:` (e.g. `ttl: 5m`) to bound how stale an entry can be, and `invalidation: on-write` or `event` where stale reads are not acceptable");
        if let Some(t) = &c.more().ttl {
            d = d.related(c.field_path("ttl"), t.span, "`ttl: none`");
        }
        if let Some(i) = &c.more().invalidation {
            d = d.related(c.field_path("invalidation"), i.span, "`invalidation: none`");
        }
        out.push(d);
    }
    out
}
