//! The defaults the reference documents are the loader's and the rules': stating a
//! field at its documented default changes no finding and no estimate.

use crate::common::*;
use archlint_core::model::Kind;
use archlint_core::model::fields::{self, FieldDef};
use archlint_core::source::SourceFile;

/// A design with one component of most kinds, written in block style so a field can
/// be added under any component, call, consume or retry policy.
const BASE: &str = "name: t
stage: growth
requirements:
  scale:
    daily_active_users: 1M
    requests_per_user_per_day: 20
  consistency: strong
  latency: { p99: 300ms }
  availability: 99.95%
components:
  web:
    kind: client
    calls:
      - to: cdn
      - to: lb
  cdn:
    kind: cdn
  lb:
    kind: load-balancer
    calls:
      - to: gw
  gw:
    kind: gateway
    calls:
      - to: api
      - to: search
  api:
    kind: service
    calls:
      - to: cache
        timeout: 50ms
      - to: orders-db
        timeout: 200ms
        retry:
          backoff: exponential
      - to: jobs
      - to: pay
        timeout: 2s
  search:
    kind: service
    calls:
      - to: index
  index:
    kind: database
    tech: elasticsearch
  pay:
    kind: external
  cache:
    kind: cache
    tech: redis
    caches: orders-db
  orders-db:
    kind: database
    tech: postgresql
  blobs:
    kind: object-store
  jobs:
    kind: queue
    tech: sqs
  worker:
    kind: worker
    consumes:
      - from: jobs
    calls:
      - to: orders-db
      - to: blobs
";

/// The numbers of a JSON document, by path: what an estimate computes, without the
/// text that explains it (which says when a default decided a number).
fn numbers(v: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Number(n) => out.push(format!("{at}={n}")),
        serde_json::Value::Bool(b) => out.push(format!("{at}={b}")),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                numbers(x, &format!("{at}[{i}]"), out);
            }
        }
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                numbers(x, &format!("{at}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// What a linted design says: each finding by rule and the part it is about (a
/// finding that points at the stated field instead of its component is the same
/// finding), and the estimate's numbers.
fn outcome(text: &str, field: &str) -> (Vec<(String, String)>, Vec<String>) {
    let r = lint_text_all(text);
    assert!(
        errors_of(&r).is_empty(),
        "{:?}\n{text}",
        errors_of(&r).iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    let mut found: Vec<(String, String)> = r
        .diagnostics
        .iter()
        .map(|d| {
            let path = d.path.strip_suffix(&format!(".{field}")).unwrap_or(&d.path);
            (d.rule.clone(), path.to_string())
        })
        .collect();
    found.sort();
    let a = archlint_linter::analyse(&SourceFile::new("t.arch.yaml", text)).unwrap();
    let e = archlint_linter::estimate::estimate(&a.model, &a.graph);
    let mut n = Vec::new();
    numbers(&serde_json::to_value(&e).unwrap(), "", &mut n);
    (found, n)
}

/// Every place in BASE a field of `table` may go: the line after which to insert it and
/// the insertion's indent, for the kinds it applies to.
fn places(table: &str) -> Vec<(usize, usize, Option<Kind>)> {
    let lines: Vec<&str> = BASE.lines().collect();
    let mut out = Vec::new();
    let mut kind = None;
    for (i, l) in lines.iter().enumerate() {
        if let Some(k) = l.strip_prefix("    kind: ") {
            kind = Kind::parse(k.trim());
            if table == "component" {
                out.push((i, 4, kind));
            }
        }
        match table {
            "call" if l.starts_with("      - to: ") => out.push((i, 8, kind)),
            "consume" if l.starts_with("      - from: ") => out.push((i, 8, kind)),
            "retry" if l.starts_with("        retry:") => out.push((i, 10, kind)),
            "scale" if l.starts_with("  scale:") => out.push((i, 4, None)),
            _ => {}
        }
    }
    out
}

/// A plain default: a value, not a sentence.
fn plain(d: &FieldDef) -> Option<&'static str> {
    d.default.filter(|x| !x.contains(' '))
}

#[test]
fn stating_a_documented_default_changes_nothing() {
    let base = outcome(BASE, "");
    assert!(
        base.0.len() > 5,
        "the base design exercises the rules: {:?}",
        base.0
    );
    let tables: [(&str, &[FieldDef]); 5] = [
        ("component", fields::COMPONENT),
        ("call", fields::CALL),
        ("consume", fields::CONSUME),
        ("retry", fields::RETRY),
        ("scale", fields::SCALE),
    ];
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (table, defs) in tables {
        for d in defs {
            let Some(value) = plain(d) else { continue };
            for (line, indent, kind) in places(table) {
                if let (Some(kinds), Some(k)) = (d.kinds, kind)
                    && !kinds.contains(&k)
                {
                    continue;
                }
                let mut lines: Vec<String> = BASE.lines().map(str::to_string).collect();
                // a field the place already states is not added twice
                let next = lines
                    .get(line + 1)
                    .map(|l| l.trim_start().to_string())
                    .unwrap_or_default();
                if next.starts_with(&format!("{}:", d.name)) {
                    continue;
                }
                lines.insert(
                    line + 1,
                    format!("{}{}: {value}", " ".repeat(indent), d.name),
                );
                let text = lines.join("\n") + "\n";
                checked += 1;
                if outcome(&text, d.name) != base {
                    wrong.push(format!(
                        "{table} `{}: {value}` at line {}",
                        d.name,
                        line + 2
                    ));
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} variants");
    assert!(
        wrong.is_empty(),
        "stating these defaults changed the outcome:\n{}",
        wrong.join("\n")
    );
}
