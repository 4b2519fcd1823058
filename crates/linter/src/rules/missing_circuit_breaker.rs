//! `missing-circuit-breaker`: A synchronous call to an external system has no circuit breaker.

use super::prelude::*;

declare_rule! {
    id: "missing-circuit-breaker",
    category: Resilience,
    severity: Warning,
    section: 7,
    summary: "A synchronous call to an external system has no circuit breaker.",
    references: [
        "Martin Fowler, *CircuitBreaker* <https://martinfowler.com/bliki/CircuitBreaker.html>",
        "Michael Nygard, *Release It!* (2nd ed., Pragmatic Bookshelf, 2018), ch. 5 *Stability Patterns*",
        "Microsoft Azure Architecture Center, *Circuit Breaker pattern* <https://learn.microsoft.com/en-us/azure/architecture/patterns/circuit-breaker>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let mut out = Vec::new();
    for (e, ed) in g.edges.iter().enumerate() {
        let Origin::Call(i) = ed.origin else { continue };
        let caller = &m.components[ed.from];
        let callee = &m.components[ed.to];
        if !ed.sync || callee.kind() != Kind::External || caller.kind().is_outside() {
            continue;
        }
        let call = &caller.calls[i];
        if Call::flag(&call.more().circuit_breaker) {
            continue;
        }
        out.push(
            cx.diag(g.edge_path(m, e), call.span, format!("synchronous call from `{}` to external `{}` has no circuit breaker", caller.id, callee.id))
                .label("no circuit breaker")
                .help("set `circuit_breaker: true` and a fallback: when the third party is down or slow, stop calling it for a while instead of tying up every request waiting on it"),
        );
    }
    out
}
