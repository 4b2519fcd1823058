//! `archlint diff OLD NEW`: what changed between two versions of a design,
//! and which findings the change introduces and resolves.
//!
//! The design is compared on the YAML trees (after merge keys), so every field is
//! compared whether or not a rule reads it: components by id, calls by their endpoints
//! (`api -> orders-db`, so inserting a call does not show the ones below it as
//! changed), requirements and the other top-level fields by dotted path. Findings are
//! compared by fingerprint, computed for both versions under the same file name.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use archlint_core::diag::{Diagnostic, Severity};
use archlint_core::model::yaml::Node;
use archlint_linter::input::FileResult;

/// One field that differs; `old` or `new` is absent when the field was added or removed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    pub field: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ComponentRef {
    pub id: String,
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ComponentChange {
    pub id: String,
    pub fields: Vec<Change>,
}

/// A call (`via: calls`) or a consume (`via: consumes`, from the queue to the consumer).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CallRef {
    pub from: String,
    pub to: String,
    pub via: &'static str,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CallChange {
    pub from: String,
    pub to: String,
    pub via: &'static str,
    pub fields: Vec<Change>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Components {
    pub added: Vec<ComponentRef>,
    pub removed: Vec<ComponentRef>,
    pub changed: Vec<ComponentChange>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Calls {
    pub added: Vec<CallRef>,
    pub removed: Vec<CallRef>,
    pub changed: Vec<CallChange>,
}

/// What changed in the design itself.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct DesignDiff {
    pub components: Components,
    pub calls: Calls,
    pub requirements: Vec<Change>,
    /// The other top-level fields: `name`, `description`, `stage`, `allow`, ...
    pub system: Vec<Change>,
}

impl DesignDiff {
    pub fn is_empty(&self) -> bool {
        *self == DesignDiff::default()
    }
}

/// Flatten a mapping to dotted paths of leaves (lists and empty mappings below the
/// top are leaves; the top mapping itself never is, so an item left with no field has
/// no change to show).
fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(m) if !m.is_empty() || prefix.is_empty() => {
            for (k, x) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, x, out);
            }
        }
        _ => {
            out.insert(prefix.to_string(), v.clone());
        }
    }
}

/// Field-by-field changes between two mappings, by dotted path.
fn changes(old: &Value, new: &Value) -> Vec<Change> {
    let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
    flatten("", old, &mut a);
    flatten("", new, &mut b);
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| Change {
            field: k.clone(),
            old: a.get(k).cloned(),
            new: b.get(k).cloned(),
        })
        .collect()
}

/// The mapping entries of `node` (empty when it is not a mapping), in file order.
fn entries<'n, 'a>(node: Option<&'n Node<'a>>) -> Vec<(&'n str, &'n Node<'a>)> {
    node.and_then(Node::as_map)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| k.as_scalar().map(|k| (k, v)))
                .collect()
        })
        .unwrap_or_default()
}

/// The edges a component declares: key `from -> to` (`#2` for a repeat), the ref, and
/// the item's fields other than its endpoint.
fn edges_of(id: &str, comp: &Node) -> Vec<(String, CallRef, Value)> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (field, via, end) in [("calls", "calls", "to"), ("consumes", "consumes", "from")] {
        let Some(items) = comp.get(field).and_then(Node::as_seq) else {
            continue;
        };
        for it in items {
            let (other, rest) = match it.as_scalar() {
                Some(s) => (s.to_string(), Value::Object(Default::default())),
                None => {
                    let mut j = it.to_json();
                    let other = j
                        .get(end)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    if let Value::Object(m) = &mut j {
                        m.remove(end);
                    }
                    (other, j)
                }
            };
            let (from, to) = if via == "calls" {
                (id.to_string(), other)
            } else {
                (other, id.to_string())
            };
            let arrow = if via == "calls" { "->" } else { "=>" };
            let base = format!("{from} {arrow} {to}");
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let key = if *n == 1 {
                base
            } else {
                format!("{base} #{n}")
            };
            out.push((key, CallRef { from, to, via }, rest));
        }
    }
    out
}

/// Compare two designs' YAML trees.
pub fn design_diff(old: &Node, new: &Node) -> DesignDiff {
    let mut d = DesignDiff::default();
    let oc = entries(old.get("components"));
    let nc = entries(new.get("components"));
    let kind = |n: &Node| n.get("kind").and_then(Node::as_scalar).map(str::to_string);
    let old_ids: HashSet<&str> = oc.iter().map(|(k, _)| *k).collect();
    let new_ids: HashSet<&str> = nc.iter().map(|(k, _)| *k).collect();
    for (id, n) in &nc {
        if !old_ids.contains(id) {
            d.components.added.push(ComponentRef {
                id: id.to_string(),
                kind: kind(n),
            });
        }
    }
    for (id, n) in &oc {
        if !new_ids.contains(id) {
            d.components.removed.push(ComponentRef {
                id: id.to_string(),
                kind: kind(n),
            });
        }
    }
    // fields of components in both, calls and consumes apart
    let without_edges = |n: &Node| {
        let mut j = n.to_json();
        if let Value::Object(m) = &mut j {
            m.remove("calls");
            m.remove("consumes");
        }
        j
    };
    let old_map: BTreeMap<&str, &Node> = oc.iter().copied().collect();
    for (id, n) in &nc {
        if let Some(o) = old_map.get(id) {
            let fields = changes(&without_edges(o), &without_edges(n));
            if !fields.is_empty() {
                d.components.changed.push(ComponentChange {
                    id: id.to_string(),
                    fields,
                });
            }
        }
    }
    // edges, by their endpoints
    let old_edges: BTreeMap<String, (CallRef, Value)> = oc
        .iter()
        .flat_map(|(id, n)| edges_of(id, n))
        .map(|(k, r, v)| (k, (r, v)))
        .collect();
    let new_edges: BTreeMap<String, (CallRef, Value)> = nc
        .iter()
        .flat_map(|(id, n)| edges_of(id, n))
        .map(|(k, r, v)| (k, (r, v)))
        .collect();
    for (k, (r, v)) in &new_edges {
        match old_edges.get(k) {
            None => d.calls.added.push(r.clone()),
            Some((_, ov)) => {
                let fields = changes(ov, v);
                if !fields.is_empty() {
                    d.calls.changed.push(CallChange {
                        from: r.from.clone(),
                        to: r.to.clone(),
                        via: r.via,
                        fields,
                    });
                }
            }
        }
    }
    for (k, (r, _)) in &old_edges {
        if !new_edges.contains_key(k) {
            d.calls.removed.push(r.clone());
        }
    }
    let req = |n: &Node| n.get("requirements").map_or(Value::Null, Node::to_json);
    d.requirements = changes(&wrap(req(old)), &wrap(req(new)));
    let top = |n: &Node| {
        let mut j = n.to_json();
        if let Value::Object(m) = &mut j {
            m.remove("components");
            m.remove("requirements");
            m.retain(|k, _| !k.starts_with("x-"));
        }
        j
    };
    d.system = changes(&top(old), &top(new));
    d
}

/// A null (absent) section compares as an empty mapping.
fn wrap(v: Value) -> Value {
    if v.is_null() {
        Value::Object(Default::default())
    } else {
        v
    }
}

/// Findings of NEW that OLD does not have, and the other way round, by fingerprint.
pub struct FindingsDiff<'a> {
    pub introduced: Vec<&'a Diagnostic>,
    pub resolved: Vec<&'a Diagnostic>,
    pub unchanged: usize,
}

pub fn findings_diff<'a>(old: &'a FileResult, new: &'a FileResult) -> FindingsDiff<'a> {
    let before: HashSet<&str> = old
        .diagnostics
        .iter()
        .map(|d| d.fingerprint.as_str())
        .collect();
    let after: HashSet<&str> = new
        .diagnostics
        .iter()
        .map(|d| d.fingerprint.as_str())
        .collect();
    let introduced: Vec<&Diagnostic> = new
        .diagnostics
        .iter()
        .filter(|d| !before.contains(d.fingerprint.as_str()))
        .collect();
    let resolved: Vec<&Diagnostic> = old
        .diagnostics
        .iter()
        .filter(|d| !after.contains(d.fingerprint.as_str()))
        .collect();
    let unchanged = new.diagnostics.len() - introduced.len();
    FindingsDiff {
        introduced,
        resolved,
        unchanged,
    }
}

/// A JSON value as a reader writes it: `3`, `99.9%`, `[a, b]`, `{ p99: 300ms }`.
pub fn show(v: &Option<Value>) -> String {
    fn go(v: &Value, out: &mut String) {
        match v {
            Value::Null => out.push('~'),
            Value::String(s) => out.push_str(s),
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    go(x, out);
                }
                out.push(']');
            }
            Value::Object(m) => {
                out.push_str("{ ");
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{k}: ");
                    go(x, out);
                }
                out.push_str(" }");
            }
            other => out.push_str(&other.to_string()),
        }
    }
    match v {
        None => "(absent)".into(),
        Some(v) => {
            let mut s = String::new();
            go(v, &mut s);
            s
        }
    }
}

fn change_line(c: &Change) -> String {
    match (&c.old, &c.new) {
        (None, _) => format!("`{}` added: {}", c.field, show(&c.new)),
        (_, None) => format!("`{}` removed (was {})", c.field, show(&c.old)),
        _ => format!("`{}`: {} → {}", c.field, show(&c.old), show(&c.new)),
    }
}

fn arrow(via: &str) -> &'static str {
    if via == "calls" { "->" } else { "=>" }
}

fn kind_of(r: &ComponentRef) -> String {
    r.kind
        .as_deref()
        .map(|k| format!(" ({k})"))
        .unwrap_or_default()
}

/// The design changes as lines of text (`+` added, `-` removed, `~` changed).
pub fn design_lines(d: &DesignDiff) -> Vec<String> {
    let mut out = Vec::new();
    for r in &d.components.added {
        out.push(format!("+ component `{}`{}", r.id, kind_of(r)));
    }
    for r in &d.components.removed {
        out.push(format!("- component `{}`{}", r.id, kind_of(r)));
    }
    for c in &d.components.changed {
        for f in &c.fields {
            out.push(format!("~ component `{}`: {}", c.id, change_line(f)));
        }
    }
    for r in &d.calls.added {
        out.push(format!(
            "+ {} `{} {} {}`",
            via_name(r.via),
            r.from,
            arrow(r.via),
            r.to
        ));
    }
    for r in &d.calls.removed {
        out.push(format!(
            "- {} `{} {} {}`",
            via_name(r.via),
            r.from,
            arrow(r.via),
            r.to
        ));
    }
    for c in &d.calls.changed {
        for f in &c.fields {
            out.push(format!(
                "~ {} `{} {} {}`: {}",
                via_name(c.via),
                c.from,
                arrow(c.via),
                c.to,
                change_line(f)
            ));
        }
    }
    // a requirement or a top-level field is itself what was added or removed
    let mark = |c: &Change| match (&c.old, &c.new) {
        (None, _) => '+',
        (_, None) => '-',
        _ => '~',
    };
    for c in &d.requirements {
        out.push(format!("{} requirement {}", mark(c), change_line(c)));
    }
    for c in &d.system {
        out.push(format!("{} {}", mark(c), change_line(c)));
    }
    out
}

fn via_name(via: &str) -> &'static str {
    if via == "calls" { "call" } else { "consume" }
}

/// The one-line summary: `1 finding introduced, 2 resolved, 18 unchanged`.
pub fn findings_summary(f: &FindingsDiff) -> String {
    format!(
        "{} introduced, {} resolved, {} unchanged",
        crate::plural(f.introduced.len(), "finding"),
        f.resolved.len(),
        f.unchanged
    )
}

fn badge(s: Severity) -> &'static str {
    match s {
        Severity::Error => "🛑 error",
        Severity::Warning => "⚠️ warning",
        Severity::Info => "ℹ️ info",
    }
}

/// Markdown for a pull-request comment: the introduced findings first (a short
/// table), then the resolved ones, then the design changes.
pub fn markdown(
    old_name: &str,
    new: &FileResult,
    old: &FileResult,
    d: &DesignDiff,
    f: &FindingsDiff,
) -> String {
    let mut s = format!(
        "### archlint: `{old_name}` → `{}`\n\n**{}**.\n\n",
        new.source.name,
        findings_summary(f)
    );
    let cell = |t: &str| t.replace('|', "\\|").replace('\n', " ");
    if !f.introduced.is_empty() {
        s.push_str("| severity | rule | where | finding |\n|---|---|---|---|\n");
        for d in &f.introduced {
            let l = crate::locate(&new.source, d);
            let _ = writeln!(
                s,
                "| {} | {} | `{}` (line {}) | {} |",
                badge(d.severity),
                crate::rule_link(&d.rule),
                cell(&d.path),
                l.line,
                cell(&d.message)
            );
        }
        s.push('\n');
    }
    if !f.resolved.is_empty() {
        let _ = writeln!(
            s,
            "<details><summary>Resolved ({})</summary>\n",
            f.resolved.len()
        );
        for d in &f.resolved {
            let l = crate::locate(&old.source, d);
            let _ = writeln!(
                s,
                "- ~~`{}`~~ at `{}` (was line {}): {}",
                d.rule,
                cell(&d.path),
                l.line,
                cell(&d.message)
            );
        }
        s.push_str("\n</details>\n\n");
    }
    s.push_str("#### Design changes\n\n");
    let lines = design_lines(d);
    if lines.is_empty() {
        s.push_str("None: the two versions describe the same design.\n");
    } else {
        for l in lines {
            let (mark, rest) = l.split_at(1);
            let word = match mark {
                "+" => "**added**",
                "-" => "**removed**",
                _ => "changed",
            };
            let _ = writeln!(s, "- {word} {}", rest.trim_start());
        }
    }
    s
}

/// The JSON document of `diff --format json`: both names, the design changes and the
/// findings introduced and resolved (each as in `check --format json`).
pub fn json(old: &FileResult, new: &FileResult, d: &DesignDiff, f: &FindingsDiff) -> String {
    let as_json = |r: &FileResult, ds: &[&Diagnostic]| {
        let only = [FileResult {
            source: r.source.clone(),
            diagnostics: ds.iter().map(|d| (*d).clone()).collect(),
            input_error: false,
            linted: true,
            held_back: 0,
        }];
        serde_json::to_value(crate::json::build(&only).diagnostics).expect("findings serialize")
    };
    let v = serde_json::json!({
        "old": old.source.name,
        "new": new.source.name,
        "components": d.components,
        "calls": d.calls,
        "requirements": d.requirements,
        "system": d.system,
        "findings": {
            "introduced": as_json(new, &f.introduced),
            "resolved": as_json(old, &f.resolved),
            "unchanged": f.unchanged,
        },
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&v).expect("serializes")
    )
}

/// The terminal's view: the design changes, then the introduced findings drawn as
/// `check` draws them and the resolved ones a line each.
pub fn human(
    old: &FileResult,
    new: &FileResult,
    d: &DesignDiff,
    f: &FindingsDiff,
    style: crate::human::Style,
) -> String {
    let head = format!("Comparing {} → {}", old.source.name, new.source.name);
    let mut t = format!("{}\n\n", crate::text::fill(&head, style.width, 0, 2));
    let lines = design_lines(d);
    if lines.is_empty() {
        t.push_str("Design changes: none\n");
    } else {
        t.push_str("Design changes:\n");
        for l in lines {
            // `  ~ call `a -> b`: …`, continued under the text after the mark
            let _ = writeln!(t, "  {}", crate::text::fill(&l, style.width, 2, 4));
        }
    }
    let _ = writeln!(t, "\nFindings: {}", findings_summary(f));
    if !f.introduced.is_empty() {
        t.push_str("\nIntroduced:\n");
        for d in &f.introduced {
            t.push('\n');
            t.push_str(&crate::human::render_one(&new.source, d, style));
        }
    }
    if !f.resolved.is_empty() {
        t.push_str("\nResolved:\n");
        for d in &f.resolved {
            let l = crate::locate(&old.source, d);
            let line = format!(
                "{}:{}:{}: {}[{}] {}",
                old.source.name,
                l.line,
                l.column,
                d.severity.as_str(),
                d.rule,
                d.message
            );
            let _ = writeln!(t, "  {}", crate::text::fill(&line, style.width, 2, 4));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use archlint_core::model::yaml::parse;
    use archlint_core::source::SourceFile;

    fn tree(text: &str) -> SourceFile {
        SourceFile::new("t.yaml", text)
    }

    #[test]
    fn components_calls_and_requirements() {
        let a = tree(
            "name: x\nrequirements: { availability: 99.9% }\ncomponents:\n  api: { kind: service, replicas: 2, calls: [db, { to: cache, timeout: 1s }] }\n  db: { kind: database }\n  cache: { kind: cache }\n  old: { kind: worker }\n",
        );
        let b = tree(
            "name: x\nrequirements: { availability: 99.99%, latency: { p99: 300ms } }\ncomponents:\n  api: { kind: service, replicas: 3, calls: [{ to: search, timeout: 1s }, db, { to: cache, timeout: 2s }] }\n  db: { kind: database }\n  cache: { kind: cache }\n  search: { kind: database, tech: opensearch }\n",
        );
        let arena = archlint_core::model::yaml::Arena::new();
        let (pa, pb) = (
            parse(&a, &arena, Default::default()).unwrap(),
            parse(&b, &arena, Default::default()).unwrap(),
        );
        let d = design_diff(&pa.root, &pb.root);
        assert_eq!(d.components.added[0].id, "search");
        assert_eq!(d.components.removed[0].id, "old");
        assert_eq!(d.components.changed[0].fields[0].field, "replicas");
        assert_eq!(d.calls.added.len(), 1);
        assert_eq!(d.calls.added[0].to, "search");
        // the call to db moved down a place: not a change
        assert_eq!(d.calls.changed.len(), 1);
        assert_eq!(d.calls.changed[0].to, "cache");
        assert_eq!(d.calls.changed[0].fields[0].field, "timeout");
        let fields: Vec<&str> = d.requirements.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["availability", "latency.p99"]);
        assert!(d.system.is_empty());
        assert!(design_diff(&pa.root, &pa.root).is_empty());
    }
}
