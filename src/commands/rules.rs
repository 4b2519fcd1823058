//! `archlint rules`: every rule, built-in and custom.

use std::path::Path;

use archlint_linter::rules::{self, RULES};

use super::ListFormat;
use crate::configs::Configs;
use crate::exit::Exit;
use crate::terminal::out;

pub(crate) fn run(format: ListFormat) -> Exit {
    let cfg = match Configs::discovered().for_dir_or_exit(Path::new(".")) {
        Ok(c) => c,
        Err(e) => return e,
    };
    if format == ListFormat::Json {
        let mut v: Vec<_> = RULES
            .iter()
            .map(|r| {
                let m = r.meta();
                serde_json::json!({
                    "id": r.id, "category": m.category, "severity": m.severity,
                    "summary": m.summary, "default_enabled": m.default_enabled,
                    "options": r.options().iter().map(|(n, v)| (n.to_string(), *v)).collect::<std::collections::BTreeMap<_, _>>(),
                })
            })
            .collect();
        v.extend(cfg.custom.iter().map(|c| {
            serde_json::json!({
                "id": c.meta.id, "category": c.meta.category, "severity": c.meta.severity,
                "summary": c.meta.summary, "default_enabled": true, "options": {},
                "defined_in": c.meta.defined_in,
            })
        }));
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).expect("serializes")
        ));
        return Exit::Clean;
    }
    let mut t = rules::table();
    if !cfg.custom.is_empty() {
        let w = cfg
            .custom
            .iter()
            .map(|c| c.meta.id.len())
            .max()
            .unwrap_or(0);
        t.push_str("\ncustom (from the configuration)\n");
        for c in &cfg.custom {
            t.push_str(&format!(
                "  {:w$}  {:7}  {}  ({})\n",
                c.meta.id,
                c.meta.severity.as_str(),
                c.meta.summary,
                c.meta.defined_in.as_deref().unwrap_or("")
            ));
        }
    }
    out(&t);
    Exit::Clean
}
