//! `cross-service-relationship`: A relationship joins entities whose stores are written by different services.

use super::prelude::*;

declare_rule! {
    id: "cross-service-relationship",
    category: DataModel,
    severity: Warning,
    section: 5,
    summary: "A relationship joins entities whose stores are written by different services.",
    references: [
        "Chris Richardson, *Pattern: Database per service* <https://microservices.io/patterns/data/database-per-service.html>",
        "Martin Fowler, *Microservices*, \"Decentralized Data Management\" <https://martinfowler.com/articles/microservices.html>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
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
