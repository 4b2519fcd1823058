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
        if writers.is_empty()
            || writers
                .iter()
                .any(|&e| fed_from_primary(m, g, g.edges[e].from, i))
        {
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
/// another (non-search) database, or consumes a queue fed by a component that does.
fn fed_from_primary(
    m: &Architecture,
    g: &crate::graph::SystemGraph,
    w: usize,
    search: usize,
) -> bool {
    let touches_primary = |v: usize| {
        g.outgoing(v).any(|e| {
            let to = g.edges[e].to;
            to != search
                && m.components[to].kind() == Kind::Database
                && m.components[to].db_model() != Some(DbModel::Search)
        })
    };
    if touches_primary(w) {
        return true;
    }
    g.incoming(w).any(|e| {
        let q = g.edges[e].from;
        matches!(g.edges[e].origin, Origin::Consume(_))
            && g.incoming(q).any(|pe| touches_primary(g.edges[pe].from))
    })
}
