//! `archlint rules`: every rule, built-in and custom.

use std::path::Path;

use archlint_linter::rules::{self, RULES};

use super::ListFormat;
use crate::configs::Configs;
use crate::exit::Exit;
use crate::terminal::{out, stdout_width};
use archlint_outputs::text::fill;

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
    let width = stdout_width();
    let mut idw = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    idw = idw.max(
        cfg.custom
            .iter()
            .map(|c| c.meta.id.len())
            .max()
            .unwrap_or(0),
    );
    let mut t = String::new();
    for cat in rules::CATEGORIES {
        let rs: Vec<_> = RULES.iter().filter(|r| r.meta().category == *cat).collect();
        if rs.is_empty() {
            continue;
        }
        t.push_str(&format!("{cat}\n"));
        for r in rs {
            let m = r.meta();
            let off = if m.default_enabled {
                ""
            } else {
                " (off by default)"
            };
            row(
                &mut t,
                (r.id, m.severity.as_str()),
                &format!("{}{off}", m.summary),
                idw,
                width,
            );
        }
        t.push('\n');
    }
    if !cfg.custom.is_empty() {
        t.push_str("custom (from the configuration)\n");
        for c in &cfg.custom {
            let from = c.meta.defined_in.as_deref().unwrap_or("");
            row(
                &mut t,
                (&c.meta.id, c.meta.severity.as_str()),
                &format!("{} ({from})", c.meta.summary),
                idw,
                width,
            );
        }
        t.push('\n');
    }
    t.push_str("`archlint explain ID` prints a rule's page.\n");
    out(&t);
    Exit::Clean
}

/// One rule: id, severity and summary in columns when the summary has room beside
/// them (30 columns or more), else the summary wrapped under the id.
fn row(t: &mut String, (id, severity): (&str, &str), summary: &str, idw: usize, width: usize) {
    let col = 2 + idw + 2 + 7 + 2;
    if width.saturating_sub(col) >= 30 {
        t.push_str(&format!(
            "  {id:idw$}  {severity:7}  {}\n",
            fill(summary, width, col, col)
        ));
    } else {
        t.push_str(&format!(
            "  {id}  {severity}\n      {}\n",
            fill(summary, width, 6, 6)
        ));
    }
}
