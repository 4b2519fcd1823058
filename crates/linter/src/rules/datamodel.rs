//! Data model (SPEC §4.6): indexes for the access patterns, relationships across
//! service boundaries, and entity patterns the store's model serves badly.

use std::collections::HashSet;

use super::Ctx;
use super::components::model_advice;
use archlint_core::diag::Diagnostic;
use archlint_core::model::{Architecture, DbModel, Entity, EntityPattern, Kind};

fn store<'m>(
    m: &'m Architecture,
    e: &Entity,
) -> Option<(usize, &'m archlint_core::model::Component)> {
    let s = e.store.as_ref()?;
    m.index.get(&s.v).map(|&i| (i, &m.components[i]))
}

/// `by` (any order) then `sort`, as a reader writes it.
fn describe(p: &EntityPattern) -> String {
    let mut s = String::new();
    if !p.by.is_empty() {
        s.push_str(&format!("by {}", p.by.join(", ")));
    }
    if let Some(o) = &p.sort {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&format!("sorted by {o}"));
    }
    s
}

/// Whether `cols` (an index, or the key) serves the pattern: its first `by.len()`
/// columns are the `by` fields in any order, and the next one is `sort` when given.
fn serves(cols: &[String], p: &EntityPattern) -> bool {
    let n = p.by.len();
    if cols.len() < n {
        return false;
    }
    let head: HashSet<&str> = cols[..n].iter().map(String::as_str).collect();
    let by: HashSet<&str> = p.by.iter().map(String::as_str).collect();
    if head != by {
        return false;
    }
    match &p.sort {
        None => true,
        Some(s) => cols.get(n).is_some_and(|c| c == s),
    }
}

pub(super) fn missing_index(cx: &Ctx) -> Vec<Diagnostic> {
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

/// The application components that write `db` (a `write` or `read-write` call).
fn writers(cx: &Ctx, db: usize) -> Vec<usize> {
    let (m, g) = (cx.m, cx.g);
    let mut w: Vec<usize> = g
        .incoming(db)
        .filter(|&e| {
            g.call(m, e).is_some_and(|c| c.writes())
                && matches!(
                    m.components[g.edges[e].from].kind(),
                    Kind::Service | Kind::Worker | Kind::Gateway
                )
        })
        .map(|e| g.edges[e].from)
        .collect();
    w.sort_by_key(|&c| &m.components[c].id);
    w.dedup();
    w
}

pub(super) fn cross_service_relationship(cx: &Ctx) -> Vec<Diagnostic> {
    let m = cx.m;
    let by_name = |n: &str| m.entities.iter().find(|e| e.name == n);
    let mut out = Vec::new();
    for e in &m.entities {
        let Some((sa, da)) = store(m, e) else {
            continue;
        };
        for (i, r) in e.relationships.iter().enumerate() {
            let Some(t) = by_name(&r.to.v) else { continue };
            let Some((sb, db)) = store(m, t) else {
                continue;
            };
            if sa == sb {
                continue;
            }
            let (wa, wb) = (writers(cx, sa), writers(cx, sb));
            if wa.is_empty() || wb.is_empty() || wa.iter().any(|x| wb.contains(x)) {
                continue;
            }
            let names = |w: &[usize]| {
                w.iter()
                    .map(|&c| m.components[c].id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let via = r
                .via
                .as_ref()
                .map(|v| format!(" via `{}`", v.v))
                .unwrap_or_default();
            out.push(
                cx.diag(
                    format!("{}.relationships[{i}]", e.path()),
                    r.span,
                    format!(
                        "`{}` refers to `{}`{via} across service boundaries: `{}` is written by {} and `{}` by {}, and no service writes both",
                        e.name, t.name, da.id, names(&wa), db.id, names(&wb)
                    ),
                )
                .label("a foreign key between two services' stores")
                .help(format!(
                    "no database enforces or joins this reference: keep a copy of the `{}` data `{}` needs (fed by events), reference it by id and accept that it can dangle, or move both entities under one service",
                    t.name, e.name
                ))
                .related(da.path(), da.span, format!("`{}` lives here, written by {}", e.name, names(&wa)))
                .related(db.path(), db.span, format!("`{}` lives here, written by {}", t.name, names(&wb))),
            );
        }
    }
    out
}

pub(super) fn entity_model_mismatch(cx: &Ctx) -> Vec<Diagnostic> {
    let m = cx.m;
    let mut out = Vec::new();
    for e in &m.entities {
        let Some((_, db)) = store(m, e) else { continue };
        let Some(model) = db.db_model() else { continue };
        for (i, p) in e.access_patterns.iter().enumerate() {
            let Some(k) = &p.kind else { continue };
            let Some(advice) = model_advice(k.v, model) else {
                continue;
            };
            out.push(
                cx.diag(
                    format!("{}.access_patterns[{i}]", e.path()),
                    p.span,
                    format!(
                        "{} on entity `{}` is served badly by its store `{}`, a {model} store",
                        k.v, e.name, db.id
                    ),
                )
                .label(format!("`{}` needs what a {model} store does badly", k.v))
                .help(format!(
                    "{advice}; or, if one store is the right call at your scale, say so with `allow: {{ entity-model-mismatch: \"reason\" }}` on the file"
                ))
                .related(db.path(), db.span, format!("`{}` is {model}", db.id)),
            );
        }
    }
    out
}
