//! `grpc-on-public-api`: A client calls a component over gRPC.

use super::prelude::*;

declare_rule! {
    id: "grpc-on-public-api",
    category: Components,
    severity: Info,
    section: 4,
    summary: "A client calls a component over gRPC.",
    references: [
        "gRPC blog, *The state of gRPC in the browser* <https://grpc.io/blog/state-of-grpc-web/>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        // a client inside the trust boundary may speak gRPC
        if c.kind() != Kind::Client || c.is_internal() {
            continue;
        }
        for (i, call) in c.calls.iter().enumerate() {
            if call.protocol() != Some("grpc") {
                continue;
            }
            out.push(
                cx.diag(c.call_path(i), call.span, format!("client `{}` calls `{}` over gRPC", c.id, call.to.v))
                    .label("gRPC from a client")
                    .help("browsers cannot speak gRPC directly and many proxies, CDNs and partners do not either; expose REST/JSON or GraphQL (or gRPC-Web through a proxy) at the edge and keep gRPC between internal services"),
            );
        }
    }
    out
}
