//! `shared-database`: Two or more services, workers or gateways write to the same database.

use super::prelude::*;

declare_rule! {
    id: "shared-database",
    category: AntiPatterns,
    severity: Warning,
    section: 5,
    summary: "Two or more services, workers or gateways write to the same database.",
    options: { max_writers: 1.0 },
    references: [
        "Chris Richardson, *Pattern: Shared database* <https://microservices.io/patterns/data/shared-database.html>",
        "Chris Richardson, *Pattern: Database per service* <https://microservices.io/patterns/data/database-per-service.html>",
    ],
    check: check,
}

fn check(cx: &Ctx, opts: &Options) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let max = opts.max_writers as usize;
    let mut out = Vec::new();
    for (i, db) in m.components.iter().enumerate() {
        if db.kind() != Kind::Database {
            continue;
        }
        let mut writers: Vec<(usize, usize)> = Vec::new(); // (component, edge)
        let mut seen = HashSet::new();
        for e in g.incoming(i) {
            let ed = g.edges[e];
            let Some(call) = g.call(m, e) else { continue };
            if call.writes() && is_app(m.components[ed.from].kind()) && seen.insert(ed.from) {
                writers.push((ed.from, e));
            }
        }
        if writers.len() <= max {
            continue;
        }
        let mut names: Vec<&str> = writers
            .iter()
            .map(|&(w, _)| m.components[w].id.as_str())
            .collect();
        names.sort_unstable();
        writers.sort_by_key(|&(_, e)| g.edge_span(m, e).start());
        let mut d = cx
            .diag(db.path(), db.span, format!("database `{}` is written by {} components: {}", db.id, writers.len(), names.join(", ")))
            .label("shared by several writers")
            .help(format!(
                "give the data one owner: let one component write `{}` and have the others call its API or react to its events; if they only read, mark their calls `access: read`",
                db.id
            ));
        for &(w, e) in &writers {
            d = d.related(
                g.edge_path(m, e),
                g.edge_span(m, e),
                format!("{} writes here", m.components[w].id),
            );
        }
        out.push(d);
    }
    out
}
