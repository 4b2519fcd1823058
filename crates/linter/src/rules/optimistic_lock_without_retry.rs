//! `optimistic-lock-without-retry`: A call uses optimistic locking but has no retry.

use super::prelude::*;

declare_rule! {
    id: "optimistic-lock-without-retry",
    category: AntiPatterns,
    severity: Error,
    section: 4,
    summary: "A call uses optimistic locking but has no retry.",
    references: [
        "Martin Fowler, *Patterns of Enterprise Application Architecture*, *Optimistic Offline Lock* <https://martinfowler.com/eaaCatalog/optimisticOfflineLock.html>",
        "Martin Kleppmann, *Designing Data-Intensive Applications* (O'Reilly, 2017), ch. 7 *Transactions* (preventing lost updates)",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        for (i, call) in c.calls.iter().enumerate() {
            let Some(lock) = &call.more().locking else {
                continue;
            };
            if lock.v != Locking::Optimistic || call.retry.as_ref().is_some_and(|r| r.v.retries()) {
                continue;
            }
            let mut d = cx
                .diag(c.call_path(i), call.span, format!("`{}` writes `{}` with optimistic locking but never retries a conflict", c.id, call.to.v))
                .label("optimistic write without retry")
                .help("an optimistic write fails whenever another writer got there first; add `retry: { attempts: 3, backoff: exponential, jitter: true }` so the conflict is re-read and retried, or use `locking: pessimistic` for hot rows");
            d = d.related(c.call_path(i), lock.span, "`locking: optimistic` here");
            if let Some(r) = &call.retry
                && (matches!(r.v, Retry::None) || !r.v.retries())
            {
                d = d.related(c.call_path(i), r.span, "the retry policy never retries");
            }
            out.push(d);
        }
    }
    out
}
