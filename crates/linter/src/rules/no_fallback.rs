//! `no-fallback`: A synchronous call to an external system, or an optional call, has no fallback.

use super::prelude::*;

declare_rule! {
    id: "no-fallback",
    category: Resilience,
    severity: Warning,
    section: 7,
    summary: "A synchronous call to an external system, or an optional call, has no fallback.",
    references: [
        "Michael Nygard, *Release It!* (2nd ed., Pragmatic Bookshelf, 2018), ch. 5 *Stability Patterns* (Fail Fast, Handshaking)",
        "AWS Builders' Library, *Avoiding fallback in distributed systems* <https://aws.amazon.com/builders-library/avoiding-fallback-in-distributed-systems/>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let mut out = Vec::new();
    for (e, ed) in g.edges.iter().enumerate() {
        let Origin::Call(i) = ed.origin else { continue };
        if ed.startup {
            continue; // made once at start-up: not on any request path
        }
        let caller = &m.components[ed.from];
        let callee = &m.components[ed.to];
        let call = &caller.calls[i];
        let optional = call.more().optional.as_ref().is_some_and(|o| o.v);
        let external = ed.sync && callee.kind() == Kind::External && !caller.kind().is_outside();
        if !(optional || external) || has_fallback(call) {
            continue;
        }
        let why = if optional {
            "is optional"
        } else {
            "goes to an external system"
        };
        let mut d = cx
            .diag(
                g.edge_path(m, e),
                call.span,
                format!(
                    "the call from `{}` to `{}` {why} but has no fallback: nothing says what the user gets when it fails",
                    caller.id, callee.id
                ),
            )
            .label("no fallback")
            .help(
                "say how the request degrades: `fallback: cache` (serve the last good answer), `default` (a safe default), `queue` (accept now, do it later), `skip` (leave that part out), or a sentence; if failing the request is right, say so with `allow: { no-fallback: \"reason\" }`",
            );
        if let Some(f) = &call.more().fallback {
            d = d.related(
                format!("{}.fallback", g.edge_path(m, e)),
                f.span,
                "`fallback: none`",
            );
        }
        out.push(d);
    }
    out
}
