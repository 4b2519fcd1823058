//! Custom rules: an organisation's own rules, written in `.archlint.yaml`
//! (`custom_rules:`) or in rule packs (`rule_packs:`), checked without recompiling.
//!
//! A definition is parsed strictly from the YAML tree of its file ([`parse_rules`]:
//! every problem is a located `invalid-input`), then evaluated like a built-in rule
//! ([`CustomRule::check`]) over the model and graph. The five forms:
//!
//! - `match` + `require`: matching components must satisfy every condition;
//! - `forbid_call`: a direct call or consume between matching components;
//! - `forbid_path`: a path of any length, optionally only synchronous, unless it runs
//!   through an `unless_via` component; one breadth-first search per source;
//! - `limit`: `fan_out`, `fan_in` or `sync_depth` of matching components;
//! - `layers`: calls may only go to the same or a lower layer.
//!
//! Every graph form is linear in components plus calls (per source, for
//! `forbid_path`, with at most [`MAX_PATH_SOURCES`] sources searched one by one).

use std::collections::{HashSet, VecDeque};
use std::fmt::Write as _;

use crate::graph::{Origin, SystemGraph};
use archlint_core::diag::{Diagnostic, Severity, suggest};
use archlint_core::model::quantity::{self as q};
use archlint_core::model::yaml::Node;
use archlint_core::model::{Architecture, Component, Kind};
use archlint_core::source::{SourceFile, Span};

use super::Meta;

/// Sources of a `forbid_path` searched one by one (exact pairs); beyond this many, one
/// multi-source search reports each target once, from its nearest source.
pub const MAX_PATH_SOURCES: usize = 64;

/// The keys a selector matches components by.
pub const SELECTOR_KEYS: &[&str] = &[
    "kind", "tech", "id", "tags", "owner", "domain", "public", "not", "any",
];

/// How deep `not:` and `any:` may nest: deeper is surely a mistake, and a bound keeps
/// a hostile configuration from recursing without end.
const MAX_SELECTOR_DEPTH: usize = 16;

/// Values a selector key may take: any of them matches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selector {
    pub kind: Vec<Kind>,
    pub tech: Vec<String>,
    pub id: Vec<String>,
    pub tags: Vec<String>,
    pub owner: Vec<String>,
    /// `other` means "a different domain from the caller's" in a call's `to`.
    pub domain: Vec<String>,
    pub public: Option<bool>,
    /// `not:`: components this selector matches are left out.
    pub not: Option<Box<Selector>>,
    /// `any:`: at least one of these selectors matches too.
    pub any: Vec<Selector>,
}

/// A comparison operator of a condition or limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Op {
    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Eq => (a - b).abs() < 1e-9,
            Op::Ne => (a - b).abs() >= 1e-9,
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }
}

/// How a field's numbers are written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Count,
    Duration,
    Size,
    Percent,
}

/// What `require` asks of one field.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Present,
    Absent,
    /// Equal to this value (strings compared without case).
    Is(String),
    In(Vec<String>),
    Cmp(Op, f64, String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Metric {
    FanOut,
    FanIn,
    SyncDepth,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Form {
    Require {
        select: Selector,
        conds: Vec<(String, Cond)>,
    },
    ForbidCall {
        from: Selector,
        to: Selector,
        sync: Option<bool>,
        access: Option<String>,
    },
    ForbidPath {
        from: Selector,
        to: Selector,
        sync_only: bool,
        unless_via: Option<Selector>,
    },
    Limit {
        select: Selector,
        metric: Metric,
        op: Op,
        bound: f64,
        text: String,
    },
    Layers(Vec<Selector>),
}

/// One custom rule: its metadata (as a built-in's page gives it) and its form.
#[derive(Debug, Clone)]
pub struct CustomRule {
    pub meta: Meta,
    pub help: String,
    pub message: Option<String>,
    pub form: Form,
    /// `tests:`: designs it must fire in (at these paths) and must not.
    pub tests: Vec<RuleTest>,
}

/// One entry of a rule's `tests:`: a design file (relative to the file that defines
/// the rule) and the path prefixes its findings must be at; none means it must not
/// fire there.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleTest {
    pub file: String,
    pub fires_at: Vec<String>,
    /// The file that defines the rule, and where the entry is in it.
    pub defined_in: String,
    pub line: usize,
    pub column: usize,
}

// ---- parsing ------------------------------------------------------------------------

struct P<'e> {
    errors: &'e mut Vec<Diagnostic>,
}

impl P<'_> {
    fn err(&mut self, path: &str, span: Span, msg: String, help: Option<String>) {
        let mut d = Diagnostic::invalid(path, span, msg).label("invalid rule definition");
        if let Some(h) = help {
            d = d.help(h);
        }
        self.errors.push(d);
    }
    fn unknown_key(&mut self, path: &str, k: &Node, valid: &[&str], what: &str) {
        let key = k.as_scalar().unwrap_or("?");
        let help = match suggest(key, valid.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("valid keys: {}", list(valid)),
        };
        self.err(
            &format!("{path}.{key}"),
            k.span,
            format!("unknown key `{key}` in {what}"),
            Some(help),
        );
    }
}

fn list(v: &[&str]) -> String {
    v.iter()
        .map(|x| format!("`{x}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn strings(n: &Node) -> Option<Vec<String>> {
    if let Some(s) = n.as_scalar().filter(|_| !n.is_null()) {
        return Some(vec![s.trim().to_string()]);
    }
    n.as_seq()?
        .iter()
        .map(|x| x.as_scalar().map(|s| s.trim().to_string()))
        .collect()
}

/// `"<= 8"`, `">= 2"`, `"< 500ms"`: the operator and the rest.
fn split_cmp(s: &str) -> Option<(Op, &str)> {
    let s = s.trim();
    for (p, op) in [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("<", Op::Lt),
        (">", Op::Gt),
    ] {
        if let Some(rest) = s.strip_prefix(p) {
            return Some((op, rest.trim()));
        }
    }
    None
}

fn parse_num(unit: Unit, s: &str) -> Result<f64, String> {
    match unit {
        Unit::Count => q::parse_count(s),
        Unit::Duration => q::parse_duration(s),
        Unit::Size => q::parse_size(s),
        Unit::Percent => q::parse_percent(
            if s.ends_with('%') {
                s.to_string()
            } else {
                format!("{s}%")
            }
            .as_str(),
        ),
    }
}

/// The fields `require` can test, with how their numbers are written (`None`: not a
/// number).
/// Whether custom rules can read a component field, and the unit its comparisons
/// are written in: from the file format's one table (`model::fields::COMPONENT`).
/// Every component field is readable but the lists of calls, consumes and allows.
fn field_unit(name: &str) -> Option<Option<Unit>> {
    use archlint_core::model::fields::{self, FieldType};
    let d = fields::component_field(name)?;
    Some(match d.ty {
        FieldType::Calls | FieldType::Consumes | FieldType::Allow => return None,
        FieldType::Int(..) | FieldType::Qty(q::QuantityKind::Count) => Some(Unit::Count),
        FieldType::Qty(q::QuantityKind::Duration) | FieldType::DurationOrNone => {
            Some(Unit::Duration)
        }
        FieldType::Qty(q::QuantityKind::Size) => Some(Unit::Size),
        FieldType::Qty(q::QuantityKind::Percent) => Some(Unit::Percent),
        _ => None,
    })
}

fn selector(p: &mut P, path: &str, n: &Node, in_call_to: bool) -> Selector {
    nested_selector(p, path, n, in_call_to, 0)
}

fn nested_selector(p: &mut P, path: &str, n: &Node, in_call_to: bool, depth: usize) -> Selector {
    let mut s = Selector::default();
    if depth > MAX_SELECTOR_DEPTH {
        p.err(
            path,
            n.span,
            format!("selectors nest more than {MAX_SELECTOR_DEPTH} deep"),
            Some("write the condition with fewer `not:` and `any:` levels".into()),
        );
        return s;
    }
    let Some(map) = n.as_map() else {
        p.err(
            path,
            n.span,
            format!("a selector must be a mapping, found {}", n.type_name()),
            Some(format!(
                "e.g. `{{ kind: service, domain: payments }}`; keys: {}",
                list(SELECTOR_KEYS)
            )),
        );
        return s;
    };
    for (k, v) in map {
        let key = k.as_scalar().unwrap_or("");
        let kp = format!("{path}.{key}");
        if !SELECTOR_KEYS.contains(&key) {
            p.unknown_key(path, k, SELECTOR_KEYS, "a selector");
            continue;
        }
        if key == "not" {
            s.not = Some(Box::new(nested_selector(p, &kp, v, in_call_to, depth + 1)));
            continue;
        }
        if key == "any" {
            match v.as_seq() {
                Some(items) if !items.is_empty() => {
                    for (i, it) in items.iter().enumerate() {
                        s.any.push(nested_selector(
                            p,
                            &format!("{kp}[{i}]"),
                            it,
                            in_call_to,
                            depth + 1,
                        ));
                    }
                }
                _ => p.err(
                    &kp,
                    v.span,
                    "`any` must be a non-empty list of selectors".into(),
                    Some("e.g. `any: [{ kind: service }, { tags: [edge] }]`".into()),
                ),
            }
            continue;
        }
        if key == "public" {
            match v.as_bool() {
                Some(b) => s.public = Some(b),
                None => p.err(&kp, v.span, "`public` must be true or false".into(), None),
            }
            continue;
        }
        let Some(vals) = strings(v) else {
            p.err(
                &kp,
                v.span,
                format!("`{key}` must be a string or a list of strings"),
                Some(format!("e.g. `{key}: [a, b]` (any of them matches)")),
            );
            continue;
        };
        match key {
            "kind" => {
                for x in &vals {
                    match Kind::parse(x) {
                        Some(k) => s.kind.push(k),
                        None => p.err(
                            &kp,
                            v.span,
                            format!("unknown kind `{x}`"),
                            Some(match suggest(x, Kind::NAMES.iter().copied()) {
                                Some(m) => format!("did you mean `{m}`?"),
                                None => format!("kinds: {}", list(Kind::NAMES)),
                            }),
                        ),
                    }
                }
            }
            "tech" => s.tech = vals,
            "id" => s.id = vals,
            "tags" => s.tags = vals,
            "owner" => s.owner = vals,
            _ => {
                if !in_call_to && vals.iter().any(|x| x == "other") {
                    p.err(
                        &kp,
                        v.span,
                        "`domain: other` only means something in the `to` of a call or path".into(),
                        Some("name the domain here, e.g. `domain: payments`".into()),
                    );
                }
                s.domain = vals;
            }
        }
    }
    s
}

fn condition(p: &mut P, path: &str, field: &str, v: &Node) -> Option<Cond> {
    let unit = field_unit(field)?;
    if let Some(m) = v.as_map() {
        let Some((k, x)) = m.first() else {
            p.err(
                path,
                v.span,
                "an empty condition".into(),
                Some("write `{ in: [a, b] }`".into()),
            );
            return None;
        };
        if m.len() > 1 || k.as_scalar() != Some("in") {
            let bad = m
                .iter()
                .find(|(k, _)| k.as_scalar() != Some("in"))
                .map_or(k, |(k, _)| k);
            p.unknown_key(path, bad, &["in"], "a condition");
            return None;
        }
        return match strings(x) {
            Some(vals) => Some(Cond::In(vals)),
            None => {
                p.err(
                    path,
                    x.span,
                    "`in` takes a list of values".into(),
                    Some("e.g. `{ in: [postgresql, mysql] }`".into()),
                );
                None
            }
        };
    }
    let Some(text) = v.as_scalar().filter(|_| !v.is_null()) else {
        p.err(
            path,
            v.span,
            format!("the condition on `{field}` must be a value, `present`, `absent`, `{{ in: [...] }}` or a comparison"),
            None,
        );
        return None;
    };
    let text = text.trim();
    match text {
        "present" => return Some(Cond::Present),
        "absent" => return Some(Cond::Absent),
        _ => {}
    }
    if let Some((op, rest)) = split_cmp(text) {
        let Some(unit) = unit else {
            p.err(
                path,
                v.span,
                format!("`{field}` is not a number, so `{text}` cannot compare it"),
                Some(format!(
                    "compare numeric fields (`replicas`, `latency`, `availability`, ...); for `{field}` use a value or `{{ in: [...] }}`"
                )),
            );
            return None;
        };
        return match parse_num(unit, rest) {
            Ok(x) => Some(Cond::Cmp(op, x, text.to_string())),
            Err(e) => {
                p.err(
                    path,
                    v.span,
                    format!("the comparison `{text}` does not parse: {e}"),
                    Some(format!(
                        "write it as `\"{} N\"` with N as `{field}` is written",
                        op.as_str()
                    )),
                );
                None
            }
        };
    }
    Some(Cond::Is(text.to_string()))
}

fn cmp_limit(p: &mut P, path: &str, v: &Node) -> Option<(Op, f64, String)> {
    let text = v.as_scalar().unwrap_or("").trim().to_string();
    match split_cmp(&text).map(|(op, rest)| (op, q::parse_count(rest))) {
        Some((op, Ok(x))) => Some((op, x, text)),
        _ => {
            p.err(
                path,
                v.span,
                format!("the limit `{text}` does not parse"),
                Some("write a comparison with a count, e.g. `\"<= 8\"`".into()),
            );
            None
        }
    }
}

pub const RULE_KEYS: &[&str] = &[
    "id",
    "severity",
    "summary",
    "help",
    "message",
    "match",
    "require",
    "forbid_call",
    "forbid_path",
    "limit",
    "layers",
    "tests",
];
pub const FORMS: &[&str] = &["match", "forbid_call", "forbid_path", "limit", "layers"];

/// Parse the `custom_rules:` (or a pack's `rules:`) list at `path` of `src`. Problems
/// go to `errors`, located in `src`; `builtin` ids cannot be reused, nor `taken` ones.
pub fn parse_rules(
    src: &SourceFile,
    list_node: &Node,
    path: &str,
    builtin: &[&str],
    taken: &mut HashSet<String>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<CustomRule> {
    let mut p = P { errors };
    let mut out = Vec::new();
    let Some(items) = list_node.as_seq() else {
        p.err(
            path,
            list_node.span,
            format!("`{path}` must be a list of rules"),
            Some("write each rule as `- id: acme-...` with a form (`match` + `require`, `forbid_call`, `forbid_path`, `limit` or `layers`)".into()),
        );
        return out;
    };
    for (i, item) in items.iter().enumerate() {
        let ip = format!("{path}[{i}]");
        if let Some(r) = one_rule(&mut p, src, &ip, item, builtin, taken) {
            out.push(r);
        }
    }
    out
}

/// The category of every custom rule (`--select custom` runs them all).
pub const CATEGORY: &str = "custom";

mod check;
mod definition;
#[cfg(test)]
mod tests;

pub use check::glob;
#[cfg(test)]
use definition::placeholders;
use definition::{describe_cond, one_rule};
