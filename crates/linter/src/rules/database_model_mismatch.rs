//! `database-model-mismatch`: Access patterns ask for what the database model serves badly.

use super::prelude::*;

declare_rule! {
    id: "database-model-mismatch",
    category: Components,
    severity: Warning,
    section: 5,
    summary: "Access patterns ask for what the database model serves badly.",
    references: [
        "Martin Kleppmann, *Designing Data-Intensive Applications* (O'Reilly, 2017), ch. 2 *Data Models and Query Languages* and ch. 3 *Storage and Retrieval*",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        if c.kind() != Kind::Database {
            continue;
        }
        let Some(model) = c.db_model() else { continue };
        let how = if c.more().model.is_some() {
            "model".to_string()
        } else {
            format!("model inferred from `tech: {}`", tech_name(c))
        };
        let help = |advice: &str| {
            format!(
                "{advice} ({how}); if one store is the right call at your scale, say so with `allow: {{ database-model-mismatch: \"reason\" }}`"
            )
        };
        // what is wrong; what to do instead is the help's
        let message = |p: AccessPattern| {
            format!(
                "{p} on `{}` ({}, a {model} store) is served badly by that model",
                c.id,
                tech_name(c)
            )
        };
        let mut seen = Vec::new();
        if let Some(patterns) = &c.more().access_patterns {
            for p in &patterns.v {
                seen.push(p.v);
                let Some(advice) = model_advice(p.v, model) else {
                    continue;
                };
                out.push(
                    cx.diag(c.field_path("access_patterns"), patterns.span, message(p.v))
                        .label(format!("`{}` needs what a {model} store does badly", p.v))
                        .help(help(advice))
                        .related(
                            c.field_path("access_patterns"),
                            p.span,
                            format!("`{}` asked for here", p.v),
                        ),
                );
            }
        }
        // the access patterns of the entities it stores count as its own;
        // each kind once, at the store, pointing at the entity that asks for it
        for e in
            cx.m.entities
                .iter()
                .filter(|e| e.store.as_ref().is_some_and(|s| s.v == c.id))
        {
            for (i, p) in e.access_patterns.iter().enumerate() {
                let Some(k) = &p.kind else { continue };
                if seen.contains(&k.v) {
                    continue;
                }
                seen.push(k.v);
                let Some(advice) = model_advice(k.v, model) else {
                    continue;
                };
                out.push(
                    cx.diag(c.path(), c.span, message(k.v))
                        .label(format!("`{}` needs what a {model} store does badly", k.v))
                        .help(help(advice))
                        .related(
                            format!("{}.access_patterns[{i}]", e.path()),
                            p.span,
                            format!("`{}` asked for by entity `{}`", k.v, e.name),
                        ),
                );
            }
        }
    }
    out
}
