//! `search-as-primary-store`: A search engine is the only place its data is stored.

use super::prelude::*;

declare_rule! {
    id: "search-as-primary-store",
    category: Components,
    severity: Warning,
    section: 5,
    summary: "A search engine is the only place its data is stored.",
    references: [
        "Martin Kleppmann, *Designing Data-Intensive Applications* (O'Reilly, 2017), ch. 11 *Stream Processing* and ch. 12 (derived data and systems of record)",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let mut out = Vec::new();
    for (i, c) in m.components.iter().enumerate() {
        if c.kind() != Kind::Database || c.db_model() != Some(DbModel::Search) {
            continue;
        }
        let writers: Vec<usize> = g
            .incoming(i)
            .filter(|&e| g.call(m, e).is_some_and(Call::writes))
            .filter(|&e| {
                matches!(
                    m.components[g.edges[e].from].kind(),
                    Kind::Service | Kind::Worker | Kind::Gateway
                )
            })
            .collect();
        // silent when what reaches the index also reaches a non-search database: every
        // writer writes one, or is reached from a component that does
        let writers: Vec<usize> = writers
            .into_iter()
            .filter(|&e| !fed_from_primary(m, g, g.edges[e].from, i))
            .collect();
        if writers.is_empty() {
            continue;
        }
        let mut d = cx
            .diag(c.path(), c.span, format!(
                "search index `{}` ({}) is the only place its data is stored: no other database holds what its writers write",
                c.id, tech_name(c)
            ))
            .label("search engine used as the primary store")
            .help("keep the source of truth in a durable primary database and feed the index from it (dual write, change data capture or a queue), so the index can be rebuilt after a mapping change or data loss");
        for e in writers {
            d = d.related(
                g.edge_path(m, e),
                g.edge_span(m, e),
                format!("{} writes only here", m.components[g.edges[e].from].id),
            );
        }
        out.push(d);
    }
    out
}

/// Does `w` get its data from somewhere other than the search store? It writes or reads
/// another (non-search) database, or a component upstream of it (by calls or through a
/// queue, at any distance) writes one: the write API stores the record in SQL, then
/// calls the service that indexes it.
fn fed_from_primary(
    m: &Architecture,
    g: &crate::graph::SystemGraph,
    w: usize,
    search: usize,
) -> bool {
    let primary = |to: usize| {
        to != search
            && m.components[to].kind() == Kind::Database
            && m.components[to].db_model() != Some(DbModel::Search)
    };
    if g.outgoing(w).any(|e| primary(g.edges[e].to)) {
        return true;
    }
    // upstream, breadth first: anything that writes a primary database
    let mut seen = vec![false; m.components.len()];
    seen[w] = true;
    let mut queue = std::collections::VecDeque::from([w]);
    while let Some(v) = queue.pop_front() {
        for e in g.incoming(v) {
            let u = g.edges[e].from;
            if seen[u] || g.edges[e].startup {
                continue;
            }
            seen[u] = true;
            let writes_primary = g
                .outgoing(u)
                .any(|oe| primary(g.edges[oe].to) && g.call(m, oe).is_some_and(Call::writes));
            if writes_primary {
                return true;
            }
            queue.push_back(u);
        }
    }
    false
}
