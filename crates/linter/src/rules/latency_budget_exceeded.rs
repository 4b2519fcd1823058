//! `latency-budget-exceeded`: The sum of latencies along a synchronous path exceeds the p99 target.

use super::prelude::*;

declare_rule! {
    id: "latency-budget-exceeded",
    category: Resilience,
    severity: Warning,
    section: 7,
    summary: "The sum of latencies along a synchronous path exceeds the p99 target.",
    references: [
        "Jeffrey Dean and Luiz André Barroso, *The Tail at Scale*, CACM 56(2), 2013 <https://research.google/pubs/the-tail-at-scale/>",
        "Google, *Site Reliability Engineering*, ch. 4 *Service Level Objectives* <https://sre.google/sre-book/service-level-objectives/>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = latency_of_entries(cx);
    out.extend(latency_of_journeys(cx));
    out
}

fn latency_of_entries(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let Some(req) = m.requirements.as_ref().and_then(|r| r.latency.as_ref()) else {
        return vec![];
    };
    let Some(p99) = req.v.p99 else { return vec![] };
    let lat = |v: usize| m.components[v].latency.as_ref().map_or(0.0, |l| l.v);
    let (worst, _) = g.longest_from(|e| lat(g.edges[e].to), |_| 0.0);
    let mut out = Vec::new();
    let mut reported = std::collections::HashSet::new();
    for root in g.root_entry_points(m) {
        let total = lat(root) + worst.value[root];
        if total <= p99 + 1e-12 {
            continue;
        }
        let path = g.follow(&worst, root);
        let nodes = if path.is_empty() {
            vec![root]
        } else {
            g.nodes_of(&path)
        };
        let slowest = *nodes
            .iter()
            .max_by(|&&a, &&b| lat(a).total_cmp(&lat(b)))
            .expect("non-empty");
        if !reported.insert(slowest) {
            continue;
        }
        let parts: Vec<String> = nodes
            .iter()
            .filter(|&&v| lat(v) > 0.0)
            .map(|&v| format!("{} {}", m.components[v].id, fmt_duration(lat(v))))
            .collect();
        let s = &m.components[slowest];
        let mut d = cx
            .diag(s.path(), s.span, format!(
                "synchronous path {} takes {} = {} at p99, over the {} budget",
                g.describe(m, &path).if_empty(&m.components[root].id),
                parts.join(" + "),
                fmt_duration(total),
                fmt_duration(p99)
            ))
            .label(format!("slowest step: {}", fmt_duration(lat(slowest))))
            .help("take work off the synchronous path (do it asynchronously, cache, or precompute), call independent dependencies in parallel, or make the slowest step faster")
            .related("requirements.latency", req.span, format!("p99 budget {}", fmt_duration(p99)));
        for &v in &nodes {
            if v != slowest && lat(v) > 0.0 {
                let c = &m.components[v];
                d = d.related(
                    c.field_path("latency"),
                    c.latency.as_ref().map_or(c.span, |l| l.span),
                    format!("{} takes {}", c.id, fmt_duration(lat(v))),
                );
            }
        }
        out.push(d);
    }
    out
}

/// Each journey against its own p99: the sum of its steps' `latency` (unset counts 0).
fn latency_of_journeys(cx: &Ctx) -> Vec<Diagnostic> {
    let m = cx.m;
    let lat = |v: usize| m.components[v].latency.as_ref().map_or(0.0, |l| l.v);
    let mut out = Vec::new();
    for j in &m.journeys {
        let Some(p99) = &j.p99 else { continue };
        let nodes = journey_nodes(m, j);
        let total: f64 = nodes.iter().map(|&v| lat(v)).sum();
        if total <= p99.v + 1e-12 {
            continue;
        }
        let parts: Vec<String> = nodes
            .iter()
            .filter(|&&v| lat(v) > 0.0)
            .map(|&v| format!("{} {}", m.components[v].id, fmt_duration(lat(v))))
            .collect();
        let mut d = cx
            .diag(
                j.path(),
                j.span,
                format!(
                    "journey `{}` ({}) takes {} = {} at p99, over its {} budget",
                    j.name,
                    journey_route(m, &nodes),
                    parts.join(" + "),
                    fmt_duration(total),
                    fmt_duration(p99.v)
                ),
            )
            .label(format!("{} over budget", fmt_duration(total - p99.v)))
            .help("take work off the journey's synchronous steps (asynchronous, cached or precomputed), call independent steps in parallel, make the slowest step faster, or relax the journey's target")
            .related(format!("{}.p99", j.path()), p99.span, format!("p99 budget {}", fmt_duration(p99.v)));
        for (i, s) in j.steps.iter().enumerate() {
            let v = m.index[&s.v];
            if lat(v) > 0.0 {
                d = d.related(
                    format!("{}.steps[{i}]", j.path()),
                    s.span,
                    format!("{} takes {}", s.v, fmt_duration(lat(v))),
                );
            }
        }
        out.push(d);
    }
    out
}
