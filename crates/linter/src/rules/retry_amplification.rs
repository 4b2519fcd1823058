//! `retry-amplification`: Two or more calls on one synchronous chain retry, multiplying load.

use super::prelude::*;

declare_rule! {
    id: "retry-amplification",
    category: Resilience,
    severity: Warning,
    section: 7,
    summary: "Two or more calls on one synchronous chain retry, multiplying load.",
    options: { max_retrying_calls: 1.0 },
    references: [
        "AWS Builders' Library, *Timeouts, retries, and backoff with jitter* <https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/>",
        "Google, *Site Reliability Engineering*, ch. 22 *Addressing Cascading Failures* <https://sre.google/sre-book/addressing-cascading-failures/>",
    ],
    check: check,
}

fn check(cx: &Ctx, opts: &Options) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let max = opts.max_retrying_calls;
    // each edge's weight once, in edge order: the walks below visit edges in
    // topological order, and looking the call up there missed the cache on large designs
    let weights: Vec<f64> = (0..g.edges.len())
        .map(|e| {
            if g.edges[e].sync && attempts(m, g, e) > 1.0 {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let count = |e: usize| weights[e];
    let into = g.longest_into(count);
    let (from, _) = g.longest_from(count, |_| 0.0);
    let mut out = Vec::new();
    for (e, ed) in g.edges.iter().enumerate() {
        if count(e) == 0.0 || g.same_scc(ed.from, ed.to) {
            continue;
        }
        // the last retrying call of a chain with more than `max` of them
        if into.value[ed.from] + 1.0 <= max || from.value[ed.to] > 0.0 {
            continue;
        }
        let chain = g.chain_into(&into, e);
        let retrying: Vec<usize> = chain.iter().copied().filter(|&c| count(c) > 0.0).collect();
        let factors: Vec<f64> = retrying.iter().map(|&c| attempts(m, g, c)).collect();
        let product: f64 = factors.iter().product();
        let arithmetic = factors
            .iter()
            .map(|f| format!("{f}"))
            .collect::<Vec<_>>()
            .join(" × ");
        let mut d = cx
            .diag(g.edge_path(m, e), g.edge_span(m, e), format!(
                "{} calls retry on one synchronous chain ({}), so one request can become {arithmetic} = {product} calls to `{}`",
                retrying.len(),
                g.describe(m, &chain),
                m.components[ed.to].id
            ))
            .label(format!("up to {} attempts, inside retries upstream", attempts(m, g, e)))
            .help("retry at one layer only (usually the outermost, or the one closest to the failure), make the others fail fast, and add a retry budget or circuit breaker so retries cannot multiply during an outage")
            .in_sequence(retrying.len() - 1);
        for &c in &retrying[..retrying.len() - 1] {
            let ced = g.edges[c];
            d = d.related(
                g.edge_path(m, c),
                g.edge_span(m, c),
                format!(
                    "{} -> {}: up to {} attempts",
                    m.components[ced.from].id,
                    m.components[ced.to].id,
                    attempts(m, g, c)
                ),
            );
        }
        out.push(d);
    }
    out
}
