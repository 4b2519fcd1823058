//! `cache-consistency-mismatch`: Strong consistency is required but a cache uses cache-aside or write-behind.

use super::prelude::*;

declare_rule! {
    id: "cache-consistency-mismatch",
    category: Components,
    severity: Warning,
    section: 5,
    summary: "Strong consistency is required but a cache uses cache-aside or write-behind.",
    references: [
        "Microsoft Azure Architecture Center, *Cache-Aside pattern* <https://learn.microsoft.com/en-us/azure/architecture/patterns/cache-aside>",
        "Martin Kleppmann, *Designing Data-Intensive Applications* (O'Reilly, 2017), ch. 5 *Replication* (reading your own writes)",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let Some(cons) =
        cx.m.requirements
            .as_ref()
            .and_then(|r| r.consistency.as_ref())
    else {
        return vec![];
    };
    if cons.v != Consistency::Strong {
        return vec![];
    }
    let mut out = Vec::new();
    for c in &cx.m.components {
        let Some(p) = &c.more().pattern else { continue };
        let why = match p.v {
            CachePattern::CacheAside => {
                "a cache-aside entry can be read after the database changed and before it is invalidated"
            }
            CachePattern::WriteBehind => {
                "a write-behind cache acknowledges writes before the database has them, so the database and other readers lag behind"
            }
            _ => continue,
        };
        out.push(
            cx.diag(c.field_path("pattern"), p.span, format!("cache `{}` uses {} but the system requires strong consistency: {why}", c.id, p.v))
                .label(format!("`{}` can serve stale data", p.v))
                .help("use `write-through` with invalidation on write, keep strongly consistent reads off the cache, or relax `consistency` to `read-your-writes` or `eventual` where the product allows")
                .related("requirements.consistency", cons.span, "strong consistency required here"),
        );
    }
    out
}
