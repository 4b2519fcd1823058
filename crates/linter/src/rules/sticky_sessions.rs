//! `sticky-sessions`: Sticky sessions, or in-memory session state in a replicated service.

use super::prelude::*;

declare_rule! {
    id: "sticky-sessions",
    category: Components,
    severity: Warning,
    section: 4,
    summary: "Sticky sessions, or in-memory session state in a replicated service.",
    references: [
        "Adam Wiggins, *The Twelve-Factor App*, VI. Processes <https://12factor.net/processes>",
        "Microsoft Azure Architecture Center, *Caching guidance* <https://learn.microsoft.com/en-us/azure/architecture/best-practices/caching>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        if let Some(s) = c.more().sticky_sessions.as_ref().filter(|s| s.v) {
            out.push(
                cx.diag(c.field_path("sticky_sessions"), s.span, format!("load balancer `{}` pins each client to one backend", c.id))
                    .label("sticky sessions")
                    .help("keep session state out of the servers (a shared store such as Redis, or a signed token) so any replica can serve any request; sticky sessions unbalance load and lose sessions when a replica dies"),
            );
        }
        if let Some(s) = c.stateful.as_ref().filter(|s| s.v)
            && c.replicas() > 1
            && !matches!(
                c.kind(),
                Kind::Database | Kind::Cache | Kind::Queue | Kind::ObjectStore
            )
        {
            out.push(
                    cx.diag(c.field_path("stateful"), s.span, format!("`{}` keeps session state in memory and runs {} replicas, so requests must stick to one replica", c.id, c.replicas()))
                        .label("stateful with several replicas")
                        .help("move the session state to a shared store (Redis) or into a signed token, and make the service stateless"),
                );
        }
    }
    out
}
