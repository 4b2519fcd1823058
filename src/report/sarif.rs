//! SARIF 2.1.0 for GitHub code scanning; rule metadata comes from the rule pages.

use serde_json::{Value, json};

use super::{locate, rule_url};
use crate::FileResult;
use crate::diag::{INVALID_INPUT, Severity};
use crate::rules::RULES;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A path relative to the working directory, with forward slashes.
fn uri(name: &str) -> String {
    let p = std::path::Path::new(name);
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(&cwd).ok().map(|r| r.to_path_buf()))
        .unwrap_or_else(|| p.to_path_buf());
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn rule_entries() -> Vec<Value> {
    let mut v: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let m = r.meta();
            json!({
                "id": r.id,
                "name": camel(r.id),
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": first_paragraph(&m.body).unwrap_or(&m.summary) },
                "help": { "text": m.body, "markdown": m.body },
                "helpUri": rule_url(r.id),
                "defaultConfiguration": { "level": level(m.severity), "enabled": m.default_enabled },
                "properties": { "tags": [m.category] },
            })
        })
        .collect();
    v.push(json!({
        "id": INVALID_INPUT,
        "name": "InvalidInput",
        "shortDescription": { "text": "The architecture file could not be read, parsed or validated." },
        "fullDescription": { "text": "YAML syntax errors, unknown keys, wrong types, bad quantities and dangling references. The file is not linted until they are fixed." },
        "defaultConfiguration": { "level": "error" },
    }));
    v
}

fn camel(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The first prose paragraph after the "What it checks" heading, else the first one.
fn first_paragraph(body: &str) -> Option<&str> {
    body.split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#') && !p.starts_with("```"))
}

pub fn build(results: &[FileResult]) -> Value {
    let rules = rule_entries();
    let index_of = |id: &str| rules.iter().position(|r| r["id"] == id);
    let mut out = Vec::new();
    for r in results {
        for d in &r.diagnostics {
            let l = locate(&r.source, d);
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            let mut res = json!({
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&r.source.name) },
                        "region": {
                            "startLine": l.line,
                            "startColumn": l.column,
                            "endLine": l.end_line,
                            "endColumn": l.end_column,
                        }
                    },
                    "logicalLocations": [{ "fullyQualifiedName": d.path, "kind": "object" }],
                }],
                "partialFingerprints": { "archlint/v1": format!("{}:{}", d.rule, d.path) },
            });
            if let Some(i) = index_of(&d.rule) {
                res["ruleIndex"] = json!(i);
            }
            if !d.related.is_empty() {
                res["relatedLocations"] = Value::Array(
                    d.related
                        .iter()
                        .enumerate()
                        .map(|(i, x)| {
                            let p = r.source.line_col(x.span.start);
                            json!({
                                "id": i,
                                "message": { "text": x.message },
                                "physicalLocation": {
                                    "artifactLocation": { "uri": uri(&r.source.name) },
                                    "region": { "startLine": p.line, "startColumn": p.column }
                                }
                            })
                        })
                        .collect(),
                );
            }
            out.push(res);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "archlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "results": out,
            "columnKind": "unicodeCodePoints",
        }]
    })
}

pub fn render(results: &[FileResult]) -> String {
    let mut s = serde_json::to_string_pretty(&build(results)).expect("SARIF serializes");
    s.push('\n');
    s
}
