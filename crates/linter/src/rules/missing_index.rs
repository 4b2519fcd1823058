//! `missing-index`: An entity's access pattern has no index on its relational or document store.

use super::prelude::*;

declare_rule! {
    id: "missing-index",
    category: DataModel,
    severity: Warning,
    section: 5,
    summary: "An entity's access pattern has no index on its relational or document store.",
    references: [
        "Markus Winand, *Use The Index, Luke!*, \"The Where Clause\" and \"Sorting and Grouping\" <https://use-the-index-luke.com/>",
        "Martin Kleppmann, *Designing Data-Intensive Applications* (O'Reilly, 2017), ch. 3 *Storage and Retrieval*",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let m = cx.m;
    let mut out = Vec::new();
    for e in &m.entities {
        let Some((_, db)) = store(m, e) else { continue };
        let Some(model) = db.db_model() else { continue };
        if !matches!(model, DbModel::Relational | DbModel::Document) {
            continue;
        }
        let key: Vec<String> = e.key.as_ref().map(|k| k.v.clone()).unwrap_or_default();
        for (i, p) in e.access_patterns.iter().enumerate() {
            if p.by.is_empty() && p.sort.is_none() {
                continue; // a scan or a full-text search: no B-tree serves it
            }
            if p.kind
                .as_ref()
                .is_some_and(|k| k.v == archlint_core::model::AccessPattern::FullText)
            {
                continue;
            }
            // the key alone serves an equality lookup on exactly its fields
            let by: HashSet<&str> = p.by.iter().map(String::as_str).collect();
            let key_set: HashSet<&str> = key.iter().map(String::as_str).collect();
            if !key.is_empty() && by == key_set {
                continue;
            }
            if (!key.is_empty() && serves(&key, p)) || e.indexes.iter().any(|ix| serves(&ix.v, p)) {
                continue;
            }
            let mut want: Vec<&str> = p.by.iter().map(String::as_str).collect();
            if let Some(s) = &p.sort {
                want.push(s);
            }
            let rate = p
                .rate
                .map(|r| format!(" at {} rps", archlint_core::model::quantity::fmt_count(r)))
                .unwrap_or_default();
            let mut d = cx
                .diag(
                    format!("{}.access_patterns[{i}]", e.path()),
                    p.span,
                    format!(
                        "the access to `{}` {}{rate} has no index on `{}` ({model}): every such query scans",
                        e.name,
                        describe(p),
                        db.id
                    ),
                )
                .label("no index serves this pattern")
                .help(format!(
                    "add `indexes: [[{}]]` to `{}` (equality fields first, then the sort field), or look it up by the key",
                    want.join(", "),
                    e.name
                ))
                .related(e.path(), e.span, format!("entity `{}`, stored in `{}`", e.name, db.id));
            if let Some(k) = &e.indexes.first() {
                d = d.related(
                    format!("{}.indexes[0]", e.path()),
                    k.span,
                    "the indexes it has do not start with these fields",
                );
            }
            out.push(d);
        }
    }
    out
}
