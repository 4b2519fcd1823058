//! `l4-balancer-with-l7-needs`: A layer-4 load balancer is asked to route by HTTP or terminate TLS.

use super::prelude::*;

declare_rule! {
    id: "l4-balancer-with-l7-needs",
    category: Components,
    severity: Error,
    section: 4,
    summary: "A layer-4 load balancer is asked to route by HTTP or terminate TLS.",
    references: [
        "Cloudflare Learning Center, *What is load balancing?* <https://www.cloudflare.com/learning/performance/what-is-load-balancing/>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        let Some(layer) = c.more().layer.as_ref().filter(|l| l.v == 4) else {
            continue;
        };
        let mut needs = Vec::new();
        if let Some(r) = c.more().routing.as_ref().filter(|r| !r.v.is_empty()) {
            let kinds: Vec<&str> = r.v.iter().map(|x| x.as_str()).collect();
            needs.push((
                c.field_path("routing"),
                r.span,
                format!("routing by {}", kinds.join(", ")),
            ));
        }
        if let Some(t) = c.more().tls_termination.as_ref().filter(|t| t.v) {
            needs.push((
                c.field_path("tls_termination"),
                t.span,
                "TLS termination".to_string(),
            ));
        }
        if needs.is_empty() {
            continue;
        }
        let what: Vec<&str> = needs.iter().map(|(_, _, s)| s.as_str()).collect();
        let mut d = cx
            .diag(c.field_path("layer"), layer.span, format!("layer-4 balancer `{}` is asked for {}, which needs layer 7", c.id, what.join(" and ")))
            .label("layer 4 sees only TCP connections")
            .help("use a layer-7 balancer (`layer: 7`: nginx, Envoy, an ALB) for HTTP routing and TLS termination, or drop those needs from this balancer");
        for (p, s, w) in needs {
            d = d.related(p, s, format!("{w} needs HTTP"));
        }
        out.push(d);
    }
    out
}
