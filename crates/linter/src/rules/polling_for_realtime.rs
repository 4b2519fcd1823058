//! `polling-for-realtime`: A call that needs live updates uses request/response HTTP.

use super::prelude::*;

declare_rule! {
    id: "polling-for-realtime",
    category: Components,
    severity: Warning,
    section: 4,
    summary: "A call that needs live updates uses request/response HTTP.",
    references: [
        "MDN, *The WebSocket API* <https://developer.mozilla.org/en-US/docs/Web/API/WebSockets_API>",
        "MDN, *Server-sent events* <https://developer.mozilla.org/en-US/docs/Web/API/Server-sent_events>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        for (i, call) in c.calls.iter().enumerate() {
            if !Call::flag(&call.more().realtime) || Call::flag(&call.more().streaming) {
                continue;
            }
            let proto = call.protocol().unwrap_or("");
            let request_response = matches!(
                proto,
                "" | "http"
                    | "https"
                    | "rest"
                    | "http/1.1"
                    | "http2"
                    | "graphql"
                    | "grpc"
                    | "soap"
                    | "json-rpc"
            );
            if !request_response {
                continue;
            }
            let shown = if proto.is_empty() {
                "request/response (no protocol given)".to_string()
            } else {
                format!("request/response `{proto}`")
            };
            out.push(
                cx.diag(c.call_path(i), call.span, format!("`{}` needs live updates from `{}` but calls it with {shown}, so it has to poll", c.id, call.to.v))
                    .label("realtime over polling")
                    .help("push the updates: use `protocol: websocket` or server-sent events (`protocol: sse`), or a stream (`streaming: true`); polling trades staleness against a flood of empty requests"),
            );
        }
    }
    out
}
