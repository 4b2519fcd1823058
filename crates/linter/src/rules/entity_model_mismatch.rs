//! `entity-model-mismatch`: An entity's access patterns ask for what its store's model serves badly.

use super::prelude::*;

declare_rule! {
    id: "entity-model-mismatch",
    category: DataModel,
    severity: Warning,
    section: 5,
    summary: "An entity's access patterns ask for what its store's model serves badly.",
    references: [
        "Martin Kleppmann, *Designing Data-Intensive Applications* (O'Reilly, 2017), ch. 2 *Data Models and Query Languages*",
        "Alex DeBrie, *The DynamoDB Book* (2020), ch. 1-3 on access-pattern-first modelling <https://www.dynamodbbook.com/>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
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
