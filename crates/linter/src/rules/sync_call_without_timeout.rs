//! `sync-call-without-timeout`: A synchronous call made by a gateway, service or worker has no timeout.

use super::prelude::*;

declare_rule! {
    id: "sync-call-without-timeout",
    category: Resilience,
    severity: Warning,
    section: 7,
    summary: "A synchronous call made by a gateway, service or worker has no timeout.",
    references: [
        "AWS Builders' Library, *Timeouts, retries, and backoff with jitter* <https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/>",
        "Michael Nygard, *Release It!* (2nd ed., Pragmatic Bookshelf, 2018), ch. 5 *Stability Patterns*",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let mut out = Vec::new();
    for (e, ed) in g.edges.iter().enumerate() {
        let Origin::Call(i) = ed.origin else { continue };
        let c = &m.components[ed.from];
        if !ed.sync || !c.kind().counts_as_hop() || g.is_local_call(m, e) {
            continue;
        }
        let call = &c.calls[i];
        if call.timeout.is_some() {
            continue;
        }
        out.push(
            cx.diag(g.edge_path(m, e), call.span, format!("synchronous call from `{}` to `{}` has no timeout", c.id, call.to.v))
                .label("waits forever if the callee hangs")
                .help("set `timeout:` a little above the callee's p99 (e.g. `timeout: 200ms`), so a slow dependency fails fast instead of exhausting this component's threads and connections"),
        );
    }
    out
}
