//! `sync-chain-too-long`: A synchronous call chain is longer than 3 hops.

use super::prelude::*;

declare_rule! {
    id: "sync-chain-too-long",
    category: AntiPatterns,
    severity: Warning,
    section: 3,
    summary: "A synchronous call chain is longer than 3 hops.",
    options: { max_hops: 3.0 },
    references: [
        "Google, *Site Reliability Engineering*, ch. 22 *Addressing Cascading Failures* <https://sre.google/sre-book/addressing-cascading-failures/>",
        "Jeffrey Dean and Luiz André Barroso, *The Tail at Scale*, CACM 56(2), 2013 <https://research.google/pubs/the-tail-at-scale/>",
        "Martin Fowler, *MicroservicePremium* <https://martinfowler.com/bliki/MicroservicePremium.html>",
    ],
    check: check,
}

fn check(cx: &Ctx, opts: &Options) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let max = opts.max_hops;
    let weight = |e: usize| g.hop_weight(e);
    let into = g.longest_into(weight);
    let (from, _) = g.longest_from(weight, |_| 0.0);
    let mut out = Vec::new();
    for (e, ed) in g.edges.iter().enumerate() {
        if !ed.sync || g.same_scc(ed.from, ed.to) {
            continue;
        }
        let w = weight(e);
        // report each chain once: at the call whose hop takes it past the limit
        if w == 0.0 || into.value[ed.from] > max || into.value[ed.from] + w <= max {
            continue;
        }
        let mut chain = g.chain_into(&into, e);
        let crossing = chain.len() - 1;
        chain.extend(g.follow(&from, ed.to));
        let hops: f64 = chain.iter().map(|&c| weight(c)).sum();
        let desc = g.describe(m, &chain);
        let caller = &m.components[ed.from];
        let mut d = cx
            .diag(
                g.edge_path(m, e),
                g.edge_span(m, e),
                format!("synchronous chain of {} hops (more than {}): {desc}", Num(hops), Num(max)),
            )
            .label(format!("hop {}: {} -> {} goes past the limit of {}", Num(into.value[ed.from] + w), caller.id, m.components[ed.to].id, Num(max)))
            .help(format!(
                "each synchronous hop adds its latency and its failure rate to the request; make a call on this chain asynchronous (publish an event or a job), merge services that always call each other, or let {} keep a copy of the data it needs",
                m.components[g.edges[chain[0]].from].id
            ))
            .in_sequence(crossing);
        let mut hop = 0.0;
        for (i, &ce) in chain.iter().enumerate() {
            let hw = weight(ce);
            hop += hw;
            if i == crossing {
                continue;
            }
            let ced = g.edges[ce];
            let label = if hw > 0.0 {
                format!(
                    "hop {}: {} -> {}",
                    Num(hop),
                    m.components[ced.from].id,
                    m.components[ced.to].id
                )
            } else {
                format!(
                    "{} -> {} (not a hop: {} is transparent)",
                    m.components[ced.from].id,
                    m.components[ced.to].id,
                    m.components[ced.from].kind()
                )
            };
            d = d.related(g.edge_path(m, ce), g.edge_span(m, ce), label);
        }
        out.push(d);
    }
    out
}
