//! Custom rules (SPEC §4.5): an organisation's own rules, written in `.archlint.yaml`
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

use crate::diag::{Diagnostic, Severity, suggest};
use crate::graph::{Origin, SystemGraph};
use crate::model::quantity::{self as q};
use crate::model::yaml::Node;
use crate::model::{Architecture, Component, Kind};
use crate::source::{SourceFile, Span};

use super::Meta;

/// Sources of a `forbid_path` searched one by one (exact pairs); beyond this many, one
/// multi-source search reports each target once, from its nearest source.
pub const MAX_PATH_SOURCES: usize = 64;

/// Selector keys (SPEC §4.5).
const SELECTOR_KEYS: &[&str] = &["kind", "tech", "id", "tags", "owner", "domain", "public"];

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
const FIELDS: &[(&str, Option<Unit>)] = &[
    ("kind", None),
    ("tech", None),
    ("description", None),
    ("public", None),
    ("replicas", Some(Unit::Count)),
    ("owner", None),
    ("tags", None),
    ("domain", None),
    ("stateful", None),
    ("rate_limit", None),
    ("latency", Some(Unit::Duration)),
    ("availability", Some(Unit::Percent)),
    ("capacity", Some(Unit::Count)),
    ("rationale", None),
    ("alternatives", None),
    ("model", None),
    ("data_volume", Some(Unit::Size)),
    ("write_rps", Some(Unit::Count)),
    ("replication", None),
    ("sharded", None),
    ("pattern", None),
    ("ttl", Some(Unit::Duration)),
    ("invalidation", None),
    ("scope", None),
    ("caches", None),
    ("delivery", None),
    ("ordering", None),
    ("replay", None),
    ("dead_letter", None),
    ("throughput", Some(Unit::Count)),
    ("layer", Some(Unit::Count)),
    ("sticky_sessions", None),
    ("tls_termination", None),
    ("routing", None),
];

fn field_unit(name: &str) -> Option<Option<Unit>> {
    FIELDS.iter().find(|(n, _)| *n == name).map(|(_, u)| *u)
}

fn selector(p: &mut P, path: &str, n: &Node, in_call_to: bool) -> Selector {
    let mut s = Selector::default();
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

const RULE_KEYS: &[&str] = &[
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
];
const FORMS: &[&str] = &["match", "forbid_call", "forbid_path", "limit", "layers"];

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

fn one_rule(
    p: &mut P,
    src: &SourceFile,
    ip: &str,
    item: &Node,
    builtin: &[&str],
    taken: &mut HashSet<String>,
) -> Option<CustomRule> {
    let Some(map) = item.as_map() else {
        p.err(
            ip,
            item.span,
            format!("a rule must be a mapping, found {}", item.type_name()),
            None,
        );
        return None;
    };
    let before = p.errors.len();
    for (k, _) in map {
        if !RULE_KEYS.contains(&k.as_scalar().unwrap_or("")) {
            p.unknown_key(ip, k, RULE_KEYS, "a custom rule");
        }
    }
    let get = |k: &str| item.entry(k);
    let text = |k: &str| {
        get(k)
            .and_then(|(_, v)| v.as_scalar().filter(|_| !v.is_null()))
            .map(|s| s.trim().to_string())
    };
    // id: kebab-case, not a built-in, unique
    let id = match get("id") {
        None => {
            p.err(
                ip,
                item.span,
                "a custom rule has no `id`".into(),
                Some("add `id: acme-...` (kebab-case, not a built-in id)".into()),
            );
            None
        }
        Some((_, v)) => {
            let id = v.as_scalar().unwrap_or("").trim().to_string();
            let kebab = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !id.starts_with('-')
                && !id.ends_with('-')
                && !id.contains("--");
            if !kebab {
                p.err(
                    &format!("{ip}.id"),
                    v.span,
                    format!("the id `{id}` is not kebab-case"),
                    Some("use lowercase words joined by `-`, e.g. `acme-service-owner`".into()),
                );
                None
            } else if builtin.contains(&id.as_str()) || id == crate::diag::INVALID_INPUT {
                p.err(&format!("{ip}.id"), v.span, format!("`{id}` is a built-in rule id"), Some("give your rule its own id, e.g. with your organisation's prefix (`acme-...`); to change a built-in, use `rules:` in .archlint.yaml".into()));
                None
            } else if !taken.insert(id.clone()) {
                p.err(
                    &format!("{ip}.id"),
                    v.span,
                    format!("the id `{id}` is defined twice"),
                    Some(
                        "rule ids must be unique across `custom_rules` and every rule pack".into(),
                    ),
                );
                None
            } else {
                Some(id)
            }
        }
    };
    let severity = match get("severity") {
        None => Severity::Warning,
        Some((_, v)) => match v.as_scalar().and_then(Severity::parse) {
            Some(s) => s,
            None => {
                p.err(
                    &format!("{ip}.severity"),
                    v.span,
                    "`severity` must be `error`, `warning` or `info`".into(),
                    None,
                );
                Severity::Warning
            }
        },
    };
    let summary = text("summary");
    if summary.is_none() {
        p.err(ip, item.span, "a custom rule has no `summary`".into(), Some("add `summary:` with one sentence: what the rule asks for (`archlint rules` and `explain` show it)".into()));
    }
    let help = text("help").unwrap_or_default();
    if help.is_empty() {
        p.err(
            ip,
            item.span,
            "a custom rule has no `help`".into(),
            Some("add `help:` saying what to do instead; every finding shows it".into()),
        );
    }
    let message = text("message");
    if let Some((_, v)) = get("message")
        && let Some(m) = &message
    {
        for name in placeholders(m) {
            if !PLACEHOLDERS.contains(&name.as_str()) {
                p.err(
                    &format!("{ip}.message"),
                    v.span,
                    format!("unknown placeholder `{{{name}}}`"),
                    Some(format!(
                        "placeholders: {}",
                        PLACEHOLDERS
                            .iter()
                            .map(|x| format!("`{{{x}}}`"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    )),
                );
            }
        }
    }
    // exactly one form
    let present: Vec<&str> = FORMS.iter().copied().filter(|f| get(f).is_some()).collect();
    if present.len() != 1 {
        let msg = if present.is_empty() {
            "a custom rule has no form".to_string()
        } else {
            format!(
                "a custom rule has {} forms ({}); it takes exactly one",
                present.len(),
                list(&present)
            )
        };
        p.err(ip, item.span, msg, Some("use one of `match` + `require`, `forbid_call`, `forbid_path`, `limit`, `layers`; split the rule in two if you need both".into()));
        return None;
    }
    if present[0] != "match" && get("require").is_some() {
        let (k, _) = get("require").unwrap();
        p.err(
            &format!("{ip}.require"),
            k.span,
            "`require` goes with `match`".into(),
            None,
        );
    }
    let form = parse_form(p, ip, item, present[0]);
    if p.errors.len() > before {
        return None;
    }
    let (id, summary, form) = (id?, summary?, form?);
    let at = src.line_col(item.span.start());
    let defined_in = format!("{}:{}", src.name, at.line);
    // the definition as written, dedented to its own column (the `- ` dropped)
    let (ls, _) = src.line_bounds(item.span.start());
    let raw = src.text.get(ls..item.span.end()).unwrap_or("");
    let col = at.column - 1;
    let definition: String = raw
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.chars().skip(col).collect::<String>()
            } else {
                let cut = l.chars().take(col).take_while(|c| *c == ' ').count();
                l.chars().skip(cut).collect()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let definition = definition.trim_end();
    let body = page(
        &id,
        severity,
        &summary,
        &help,
        &defined_in,
        &form,
        definition,
    );
    Some(CustomRule {
        meta: Meta {
            id,
            category: CATEGORY.to_string(),
            severity,
            summary,
            default_enabled: true,
            section: 3,
            options: Vec::new(),
            references: Vec::new(),
            defined_in: Some(defined_in),
            body,
        },
        help,
        message,
        form,
    })
}

/// The category of every custom rule (`--select custom` runs them all).
pub const CATEGORY: &str = "custom";

fn parse_form(p: &mut P, ip: &str, item: &Node, form: &str) -> Option<Form> {
    let (_, v) = item.entry(form)?;
    let fp = format!("{ip}.{form}");
    match form {
        "match" => {
            let select = selector(p, &fp, v, false);
            let Some((rk, rv)) = item.entry("require") else {
                p.err(
                    ip,
                    item.span,
                    "`match` needs `require`: the conditions matching components must meet".into(),
                    Some("e.g. `require: { owner: present, replicas: \">= 2\" }`".into()),
                );
                return None;
            };
            let rp = format!("{ip}.require");
            let Some(map) = rv.as_map().filter(|m| !m.is_empty()) else {
                p.err(
                    &rp,
                    rk.span,
                    "`require` must map fields to conditions".into(),
                    Some("e.g. `require: { owner: present, replicas: \">= 2\" }`".into()),
                );
                return None;
            };
            let mut conds = Vec::new();
            let names: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
            for (k, c) in map {
                let field = k.as_scalar().unwrap_or("");
                if field_unit(field).is_none() {
                    p.unknown_key(&rp, k, &names, "`require` (a component field)");
                    continue;
                }
                if let Some(cond) = condition(p, &format!("{rp}.{field}"), field, c) {
                    conds.push((field.to_string(), cond));
                }
            }
            Some(Form::Require { select, conds })
        }
        "forbid_call" | "forbid_path" => {
            let keys: &[&str] = if form == "forbid_call" {
                &["from", "to", "mode", "access"]
            } else {
                &["from", "to", "sync_only", "unless_via"]
            };
            let Some(map) = v.as_map() else {
                p.err(
                    &fp,
                    v.span,
                    format!("`{form}` must be a mapping with `from` and `to`"),
                    None,
                );
                return None;
            };
            for (k, _) in map {
                if !keys.contains(&k.as_scalar().unwrap_or("")) {
                    p.unknown_key(&fp, k, keys, &format!("`{form}`"));
                }
            }
            let (Some(f), Some(t)) = (v.get("from"), v.get("to")) else {
                p.err(
                    &fp,
                    v.span,
                    format!("`{form}` needs both `from` and `to` selectors"),
                    Some("e.g. `{ from: { kind: client }, to: { kind: database } }`".into()),
                );
                return None;
            };
            let from = selector(p, &format!("{fp}.from"), f, false);
            let to = selector(p, &format!("{fp}.to"), t, true);
            if form == "forbid_call" {
                let sync = match v.entry("mode") {
                    None => None,
                    Some((_, m)) => match m.as_scalar() {
                        Some("sync") => Some(true),
                        Some("async") => Some(false),
                        _ => {
                            p.err(
                                &format!("{fp}.mode"),
                                m.span,
                                "`mode` must be `sync` or `async`".into(),
                                None,
                            );
                            None
                        }
                    },
                };
                let access = match v.entry("access") {
                    None => None,
                    Some((_, a)) => match a.as_scalar() {
                        Some(x @ ("read" | "write")) => Some(x.to_string()),
                        _ => {
                            p.err(
                                &format!("{fp}.access"),
                                a.span,
                                "`access` must be `read` or `write`".into(),
                                None,
                            );
                            None
                        }
                    },
                };
                Some(Form::ForbidCall {
                    from,
                    to,
                    sync,
                    access,
                })
            } else {
                let sync_only = match v.entry("sync_only") {
                    None => false,
                    Some((_, b)) => b.as_bool().unwrap_or_else(|| {
                        p.err(
                            &format!("{fp}.sync_only"),
                            b.span,
                            "`sync_only` must be true or false".into(),
                            None,
                        );
                        false
                    }),
                };
                let unless_via = v
                    .get("unless_via")
                    .map(|u| selector(p, &format!("{fp}.unless_via"), u, false));
                Some(Form::ForbidPath {
                    from,
                    to,
                    sync_only,
                    unless_via,
                })
            }
        }
        "limit" => {
            let keys = ["match", "fan_out", "fan_in", "sync_depth"];
            let Some(map) = v.as_map() else {
                p.err(
                    &fp,
                    v.span,
                    "`limit` must be a mapping".into(),
                    Some("e.g. `limit: { match: { kind: service }, fan_out: \"<= 8\" }`".into()),
                );
                return None;
            };
            for (k, _) in map {
                if !keys.contains(&k.as_scalar().unwrap_or("")) {
                    p.unknown_key(&fp, k, &keys, "`limit`");
                }
            }
            let select = match v.get("match") {
                Some(m) => selector(p, &format!("{fp}.match"), m, false),
                None => Selector::default(),
            };
            let metrics: Vec<(&str, &Node)> = ["fan_out", "fan_in", "sync_depth"]
                .into_iter()
                .filter_map(|m| v.get(m).map(|n| (m, n)))
                .collect();
            if metrics.len() != 1 {
                p.err(
                    &fp,
                    v.span,
                    "`limit` takes exactly one of `fan_out`, `fan_in`, `sync_depth`".into(),
                    Some("write one limit per rule".into()),
                );
                return None;
            }
            let (name, node) = metrics[0];
            let (op, bound, text) = cmp_limit(p, &format!("{fp}.{name}"), node)?;
            let metric = match name {
                "fan_out" => Metric::FanOut,
                "fan_in" => Metric::FanIn,
                _ => Metric::SyncDepth,
            };
            Some(Form::Limit {
                select,
                metric,
                op,
                bound,
                text,
            })
        }
        _ => {
            let Some(items) = v.as_seq().filter(|s| s.len() >= 2) else {
                p.err(
                    &fp,
                    v.span,
                    "`layers` must list two or more selectors, top layer first".into(),
                    Some(
                        "e.g. `layers: [{ kind: gateway }, { kind: service }, { kind: database }]`"
                            .into(),
                    ),
                );
                return None;
            };
            Some(Form::Layers(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, n)| selector(p, &format!("{fp}[{i}]"), n, false))
                    .collect(),
            ))
        }
    }
}

const PLACEHOLDERS: &[&str] = &["id", "kind", "tech", "from", "to", "path"];

fn placeholders(m: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = m;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) if !after[..j].contains(' ') && !after[..j].is_empty() => {
                out.push(after[..j].to_string());
                rest = &after[j + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// The page `archlint explain` prints for a custom rule.
fn page(
    id: &str,
    severity: Severity,
    summary: &str,
    help: &str,
    defined_in: &str,
    form: &Form,
    definition: &str,
) -> String {
    let mut s = format!(
        "# {id}\n\n*custom* · default severity **{}** · defined in `{defined_in}`\n\n{summary}\n\n## What it checks\n\n{}\n\n## The fix\n\n{help}\n\n## Definition\n\n```yaml\n{definition}\n```\n",
        severity.as_str(),
        describe_form(form)
    );
    let _ = write!(
        s,
        "\n## Suppressing\n\nSay why on the component or call: `allow: {{ {id}: \"reason\" }}`, or add it to `ignore:` in `.archlint.yaml`.\n"
    );
    s
}

fn describe_form(f: &Form) -> String {
    match f {
        Form::Require { conds, .. } => format!(
            "Components matching the selector must satisfy: {}.",
            conds
                .iter()
                .map(|(k, c)| format!("`{k}` {}", describe_cond(c)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Form::ForbidCall { .. } => "A direct call or consume from a component matching `from` to one matching `to` is reported at the call.".into(),
        Form::ForbidPath { sync_only, unless_via, .. } => format!(
            "A path of {} calls of any length from a component matching `from` to one matching `to`{} is reported once per pair, at the first call of the shortest such path.",
            if *sync_only { "synchronous" } else { "any" },
            if unless_via.is_some() { ", unless it runs through a component matching `unless_via`," } else { "" }
        ),
        Form::Limit { metric, text, .. } => format!(
            "{} of each matching component must be {text}.",
            match metric {
                Metric::FanOut => "The number of distinct components it calls (fan-out)",
                Metric::FanIn => "The number of distinct components calling it (fan-in)",
                Metric::SyncDepth => "The hops of the longest synchronous chain starting at it",
            }
        ),
        Form::Layers(ls) => format!(
            "{} layers, top first; a call may only go to the same or a lower layer. A component belongs to the first layer it matches.",
            ls.len()
        ),
    }
}

fn describe_cond(c: &Cond) -> String {
    match c {
        Cond::Present => "present".into(),
        Cond::Absent => "absent".into(),
        Cond::Is(v) => format!("= {v}"),
        Cond::In(v) => format!("in [{}]", v.join(", ")),
        Cond::Cmp(_, _, t) => t.clone(),
    }
}

// ---- matching -----------------------------------------------------------------------

/// `*` and `?` globs, without case.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn any_glob(pats: &[String], text: &str) -> bool {
    pats.iter().any(|p| glob(p, text))
}

impl Selector {
    /// Whether component `c` matches; `caller` is the component a call starts at (for
    /// `domain: other`).
    pub fn matches(
        &self,
        m: &Architecture,
        g: &SystemGraph,
        c: usize,
        caller: Option<usize>,
    ) -> bool {
        let comp = &m.components[c];
        if !self.kind.is_empty() && !self.kind.contains(&comp.kind()) {
            return false;
        }
        if !self.tech.is_empty() {
            let Some(t) = comp.tech.as_ref().map(|t| t.v.as_str()) else {
                return false;
            };
            let first = t.split_whitespace().next().unwrap_or(t);
            if !any_glob(&self.tech, t) && !any_glob(&self.tech, first) {
                return false;
            }
        }
        if !self.id.is_empty() && !any_glob(&self.id, &comp.id) {
            return false;
        }
        if !self.tags.is_empty() {
            let tags = comp.tags.as_ref().map_or(&[][..], |t| t.v.as_slice());
            if !self
                .tags
                .iter()
                .any(|want| tags.iter().any(|t| glob(want, t)))
            {
                return false;
            }
        }
        if !self.owner.is_empty() {
            match &comp.owner {
                Some(o) if any_glob(&self.owner, &o.v) => {}
                _ => return false,
            }
        }
        if !self.domain.is_empty() {
            let mine = comp.domain.as_ref().map(|d| d.v.as_str());
            let ok = self.domain.iter().any(|want| {
                if want == "other" {
                    let theirs = caller
                        .and_then(|u| m.components[u].domain.as_ref())
                        .map(|d| d.v.as_str());
                    matches!((mine, theirs), (Some(a), Some(b)) if a != b)
                } else {
                    mine.is_some_and(|d| glob(want, d))
                }
            });
            if !ok {
                return false;
            }
        }
        if let Some(p) = self.public
            && g.is_public(m, c) != p
        {
            return false;
        }
        true
    }
}

// ---- evaluation ---------------------------------------------------------------------

/// What a finding's message placeholders are filled with.
struct Fill<'a> {
    id: &'a str,
    kind: &'a str,
    tech: &'a str,
    from: &'a str,
    to: &'a str,
    path: String,
}

impl<'a> Fill<'a> {
    /// For a finding on a call (or path) from `u` to `v`.
    fn call(u: &'a Component, v: &'a Component, path: String) -> Fill<'a> {
        Fill {
            id: &u.id,
            kind: u.kind().as_str(),
            tech: u.tech.as_ref().map_or("", |t| t.v.as_str()),
            from: &u.id,
            to: &v.id,
            path,
        }
    }
}

impl CustomRule {
    fn message(&self, f: &Fill, default: String) -> String {
        let Some(t) = &self.message else {
            return default;
        };
        t.replace("{id}", f.id)
            .replace("{kind}", f.kind)
            .replace("{tech}", f.tech)
            .replace("{from}", f.from)
            .replace("{to}", f.to)
            .replace("{path}", &f.path)
    }

    fn diag(&self, path: String, span: Span, message: String, label: String) -> Diagnostic {
        let at = self
            .meta
            .defined_in
            .as_deref()
            .unwrap_or("the configuration");
        Diagnostic::new(&self.meta.id, self.meta.severity, path, span, message)
            .label(label)
            .help(format!(
                "{} (custom rule `{}`, defined in {at})",
                self.help, self.meta.id
            ))
    }

    fn fill_component<'a>(&self, c: &'a Component, path: String) -> Fill<'a> {
        Fill {
            id: &c.id,
            kind: c.kind().as_str(),
            tech: c.tech.as_ref().map_or("", |t| t.v.as_str()),
            from: &c.id,
            to: &c.id,
            path,
        }
    }

    /// Run the rule over a model and its graph.
    pub fn check(&self, m: &Architecture, g: &SystemGraph) -> Vec<Diagnostic> {
        match &self.form {
            Form::Require { select, conds } => self.require(m, g, select, conds),
            Form::ForbidCall {
                from,
                to,
                sync,
                access,
            } => self.forbid_call(m, g, from, to, *sync, access.as_deref()),
            Form::ForbidPath {
                from,
                to,
                sync_only,
                unless_via,
            } => self.forbid_path(m, g, from, to, *sync_only, unless_via.as_ref()),
            Form::Limit {
                select,
                metric,
                op,
                bound,
                text,
            } => self.limit(m, g, select, metric, *op, *bound, text),
            Form::Layers(layers) => self.layers(m, g, layers),
        }
    }

    fn require(
        &self,
        m: &Architecture,
        g: &SystemGraph,
        select: &Selector,
        conds: &[(String, Cond)],
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (ci, c) in m.components.iter().enumerate() {
            if !select.matches(m, g, ci, None) {
                continue;
            }
            for (field, cond) in conds {
                let value = field_value(c, field);
                let Some(problem) = fails(cond, value.as_ref().map(|(v, _)| v), field) else {
                    continue;
                };
                let (path, span) = match &value {
                    Some((_, span)) => (c.field_path(field), *span),
                    None => (c.path(), c.span),
                };
                let fill = self.fill_component(c, path.clone());
                let default = format!(
                    "{} `{}` breaks `{}`: {problem}",
                    c.kind(),
                    c.id,
                    self.meta.id
                );
                out.push(self.diag(path, span, self.message(&fill, default), problem));
            }
        }
        out
    }

    fn forbid_call(
        &self,
        m: &Architecture,
        g: &SystemGraph,
        from: &Selector,
        to: &Selector,
        sync: Option<bool>,
        access: Option<&str>,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (e, ed) in g.edges.iter().enumerate() {
            if sync.is_some_and(|s| s != ed.sync) {
                continue;
            }
            if let Some(want) = access {
                let a = match ed.origin {
                    Origin::Call(i) => m.components[ed.from].calls[i]
                        .access
                        .as_ref()
                        .map_or("read-write", |a| a.v.as_str()),
                    Origin::Consume(_) => "read",
                };
                if !(a == want || a == "read-write") {
                    continue;
                }
            }
            if !from.matches(m, g, ed.from, None) || !to.matches(m, g, ed.to, Some(ed.from)) {
                continue;
            }
            let (u, v) = (&m.components[ed.from], &m.components[ed.to]);
            let path = g.edge_path(m, e);
            let fill = Fill::call(u, v, path.clone());
            let mode = if ed.sync {
                "synchronous"
            } else {
                "asynchronous"
            };
            let default = format!(
                "{mode} call from `{}` to `{}` is forbidden by `{}`",
                u.id, v.id, self.meta.id
            );
            out.push(self.diag(
                path,
                g.edge_span(m, e),
                self.message(&fill, default),
                format!("{} -> {} is forbidden", u.id, v.id),
            ));
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn forbid_path(
        &self,
        m: &Architecture,
        g: &SystemGraph,
        from: &Selector,
        to: &Selector,
        sync_only: bool,
        unless_via: Option<&Selector>,
    ) -> Vec<Diagnostic> {
        let n = m.components.len();
        let blocked: Vec<bool> = (0..n)
            .map(|c| unless_via.is_some_and(|u| u.matches(m, g, c, None)))
            .collect();
        let sources: Vec<usize> = {
            let mut s: Vec<usize> = (0..n).filter(|&c| from.matches(m, g, c, None)).collect();
            s.sort_by_key(|&c| &m.components[c].id);
            s
        };
        let mut out = Vec::new();
        let mut parent: Vec<Option<usize>> = vec![None; n];
        let mut origin: Vec<usize> = vec![usize::MAX; n];
        let mut seen = vec![false; n];
        let mut queue = VecDeque::new();
        let groups: Vec<Vec<usize>> = if sources.len() <= MAX_PATH_SOURCES {
            sources.iter().map(|&s| vec![s]).collect()
        } else {
            vec![sources.clone()]
        };
        for group in groups {
            // one breadth-first search from the group's sources
            let mut touched = Vec::new();
            for &s in &group {
                seen[s] = true;
                origin[s] = s;
                touched.push(s);
                queue.push_back(s);
            }
            let mut reached = Vec::new();
            while let Some(u) = queue.pop_front() {
                // a component that makes a path fine ends it, unless it is where it starts
                if blocked[u] && origin[u] != u {
                    continue;
                }
                for e in g.outgoing(u) {
                    let ed = g.edges[e];
                    if sync_only && !ed.sync {
                        continue;
                    }
                    let v = ed.to;
                    if seen[v] {
                        continue;
                    }
                    seen[v] = true;
                    parent[v] = Some(e);
                    origin[v] = origin[u];
                    touched.push(v);
                    if !blocked[v] && to.matches(m, g, v, Some(origin[u])) {
                        reached.push(v);
                    }
                    queue.push_back(v);
                }
            }
            reached.sort_by_key(|&v| &m.components[v].id);
            for v in reached {
                let mut hops = Vec::new();
                let mut x = v;
                while let Some(e) = parent[x] {
                    hops.push(e);
                    x = g.edges[e].from;
                    if x == origin[v] {
                        break;
                    }
                }
                hops.reverse();
                let mut nodes = vec![origin[v]];
                nodes.extend(hops.iter().map(|&e| g.edges[e].to));
                let chain = nodes
                    .iter()
                    .map(|&c| m.components[c].id.as_str())
                    .collect::<Vec<_>>()
                    .join(" -> ");
                let (a, b) = (&m.components[origin[v]], &m.components[v]);
                let first = hops[0];
                let fill = Fill::call(a, b, chain.clone());
                let default = format!(
                    "`{}` reaches `{}` by {chain}, a path `{}` forbids",
                    a.id, b.id, self.meta.id
                );
                let mut d = self.diag(
                    g.edge_path(m, first),
                    g.edge_span(m, first),
                    self.message(&fill, default),
                    format!(
                        "hop 1 of {}: {} -> {}",
                        hops.len(),
                        a.id,
                        m.components[g.edges[first].to].id
                    ),
                );
                for (i, &e) in hops.iter().enumerate().skip(1) {
                    let ed = g.edges[e];
                    d = d.related(
                        g.edge_path(m, e),
                        g.edge_span(m, e),
                        format!(
                            "hop {}: {} -> {}",
                            i + 1,
                            m.components[ed.from].id,
                            m.components[ed.to].id
                        ),
                    );
                }
                out.push(d);
            }
            for x in touched {
                seen[x] = false;
                parent[x] = None;
                origin[x] = usize::MAX;
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn limit(
        &self,
        m: &Architecture,
        g: &SystemGraph,
        select: &Selector,
        metric: &Metric,
        op: Op,
        bound: f64,
        text: &str,
    ) -> Vec<Diagnostic> {
        let depth = matches!(metric, Metric::SyncDepth)
            .then(|| g.longest_from(|e| g.hop_weight(e), |_| 0.0).0);
        let mut out = Vec::new();
        for (ci, c) in m.components.iter().enumerate() {
            if !select.matches(m, g, ci, None) {
                continue;
            }
            let (value, what) = match metric {
                Metric::FanOut => {
                    let callees: HashSet<&str> = c.calls.iter().map(|x| x.to.v.as_str()).collect();
                    (
                        callees.len() as f64,
                        "fan-out (distinct components it calls)",
                    )
                }
                Metric::FanIn => {
                    let callers: HashSet<usize> = g
                        .incoming(ci)
                        .filter(|&e| matches!(g.edges[e].origin, Origin::Call(_)))
                        .map(|e| g.edges[e].from)
                        .collect();
                    (
                        callers.len() as f64,
                        "fan-in (distinct components calling it)",
                    )
                }
                Metric::SyncDepth => (
                    depth.as_ref().map_or(0.0, |d| d.value[ci]),
                    "synchronous depth (hops of its longest synchronous chain)",
                ),
            };
            if op.holds(value, bound) {
                continue;
            }
            let path = c.path();
            let fill = self.fill_component(c, path.clone());
            let default = format!(
                "{} `{}` has a {what} of {value}, but `{}` requires {text}",
                c.kind(),
                c.id,
                self.meta.id
            );
            out.push(self.diag(
                path,
                c.span,
                self.message(&fill, default),
                format!("{value}, limit {text}"),
            ));
        }
        out
    }

    fn layers(&self, m: &Architecture, g: &SystemGraph, layers: &[Selector]) -> Vec<Diagnostic> {
        let layer: Vec<Option<usize>> = (0..m.components.len())
            .map(|c| layers.iter().position(|s| s.matches(m, g, c, None)))
            .collect();
        let mut out = Vec::new();
        for (e, ed) in g.edges.iter().enumerate() {
            let Origin::Call(_) = ed.origin else { continue };
            let (Some(lu), Some(lv)) = (layer[ed.from], layer[ed.to]) else {
                continue;
            };
            if lv >= lu {
                continue;
            }
            let (u, v) = (&m.components[ed.from], &m.components[ed.to]);
            let path = g.edge_path(m, e);
            let fill = Fill::call(u, v, path.clone());
            let default = format!(
                "`{}` (layer {}) calls `{}` in a higher layer ({}): calls may only go down",
                u.id,
                lu + 1,
                v.id,
                lv + 1
            );
            out.push(self.diag(
                path,
                g.edge_span(m, e),
                self.message(&fill, default),
                format!("upward call: layer {} -> layer {}", lu + 1, lv + 1),
            ));
        }
        out
    }
}

/// A component field as the conditions see it: its text (or number) and span.
enum FVal {
    Text(String),
    Num(f64),
    List(Vec<String>),
}

fn field_value(c: &Component, name: &str) -> Option<(FVal, Span)> {
    macro_rules! text {
        ($f:expr) => {
            $f.as_ref().map(|x| (FVal::Text(x.v.to_string()), x.span))
        };
    }
    macro_rules! num {
        ($f:expr) => {
            $f.as_ref().map(|x| (FVal::Num(x.v as f64), x.span))
        };
    }
    match name {
        "kind" => Some((FVal::Text(c.kind().as_str().into()), c.kind.span)),
        "tech" => text!(c.tech),
        "description" => text!(c.description),
        "public" => text!(c.public),
        "replicas" => num!(c.replicas),
        "owner" => text!(c.owner),
        "tags" => c.tags.as_ref().map(|t| (FVal::List(t.v.clone()), t.span)),
        "domain" => text!(c.domain),
        "stateful" => text!(c.stateful),
        "rate_limit" => c
            .rate_limit
            .as_ref()
            .map(|r| (FVal::Text("true".into()), r.span)),
        "latency" => num!(c.latency),
        "availability" => num!(c.availability),
        "capacity" => num!(c.capacity),
        "rationale" => text!(c.more().rationale),
        "alternatives" => c.more().alternatives.as_ref().map(|a| {
            (
                FVal::List(a.v.iter().map(|(k, _)| k.clone()).collect()),
                a.span,
            )
        }),
        "model" => c
            .more()
            .model
            .as_ref()
            .map(|x| (FVal::Text(x.v.as_str().into()), x.span)),
        "data_volume" => num!(c.more().data_volume),
        "write_rps" => num!(c.more().write_rps),
        "replication" => c
            .more()
            .replication
            .as_ref()
            .map(|x| (FVal::Text(x.v.as_str().into()), x.span)),
        "sharded" => text!(c.more().sharded),
        "pattern" => c
            .more()
            .pattern
            .as_ref()
            .map(|x| (FVal::Text(x.v.as_str().into()), x.span)),
        "ttl" => c.more().ttl.as_ref().map(|x| match x.v {
            Some(d) => (FVal::Num(d), x.span),
            None => (FVal::Text("none".into()), x.span),
        }),
        "invalidation" => c
            .more()
            .invalidation
            .as_ref()
            .map(|x| (FVal::Text(x.v.as_str().into()), x.span)),
        "scope" => c
            .more()
            .scope
            .as_ref()
            .map(|x| (FVal::Text(x.v.as_str().into()), x.span)),
        "caches" => text!(c.more().caches),
        "delivery" => c
            .more()
            .delivery
            .as_ref()
            .map(|x| (FVal::Text(x.v.as_str().into()), x.span)),
        "ordering" => text!(c.more().ordering),
        "replay" => text!(c.more().replay),
        "dead_letter" => text!(c.more().dead_letter),
        "throughput" => num!(c.more().throughput),
        "layer" => num!(c.more().layer),
        "sticky_sessions" => text!(c.more().sticky_sessions),
        "tls_termination" => text!(c.more().tls_termination),
        "routing" => c.more().routing.as_ref().map(|x| {
            (
                FVal::List(x.v.iter().map(|r| r.as_str().to_string()).collect()),
                x.span,
            )
        }),
        _ => None,
    }
}

/// Why `value` fails `cond`, or `None` when it holds.
fn fails(cond: &Cond, value: Option<&FVal>, field: &str) -> Option<String> {
    let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b.trim());
    match (cond, value) {
        (Cond::Present, Some(_)) | (Cond::Absent, None) => None,
        (Cond::Present, None) => Some(format!("`{field}` is absent, required present")),
        (Cond::Absent, Some(_)) => Some(format!("`{field}` is set, required absent")),
        (_, None) => Some(format!(
            "`{field}` is absent, required {}",
            describe_cond(cond)
        )),
        (Cond::Is(want), Some(v)) => {
            let ok = match v {
                FVal::Text(t) => eq(t, want),
                FVal::Num(x) => want
                    .trim()
                    .parse::<f64>()
                    .is_ok_and(|w| (w - x).abs() < 1e-9),
                FVal::List(l) => l.iter().any(|t| eq(t, want)),
            };
            (!ok).then(|| format!("`{field}` is {}, required {want}", show(v)))
        }
        (Cond::In(set), Some(v)) => {
            let ok = match v {
                FVal::Text(t) => set.iter().any(|w| eq(t, w)),
                FVal::Num(x) => set
                    .iter()
                    .any(|w| w.trim().parse::<f64>().is_ok_and(|w| (w - x).abs() < 1e-9)),
                FVal::List(l) => l.iter().any(|t| set.iter().any(|w| eq(t, w))),
            };
            (!ok).then(|| {
                format!(
                    "`{field}` is {}, required one of [{}]",
                    show(v),
                    set.join(", ")
                )
            })
        }
        (Cond::Cmp(op, bound, text), Some(v)) => match v {
            FVal::Num(x) if op.holds(*x, *bound) => None,
            _ => Some(format!("`{field}` is {}, required {text}", show(v))),
        },
    }
}

fn show(v: &FVal) -> String {
    match v {
        FVal::Text(t) => t.clone(),
        FVal::Num(x) => crate::model::quantity::trim_num(*x),
        FVal::List(l) => format!("[{}]", l.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("pay*", "payments"));
        assert!(glob("*-db", "orders-db"));
        assert!(glob("a?c", "ABC"));
        assert!(!glob("pay*", "repay"));
        assert!(glob("*", ""));
        assert!(!glob("a", "ab"));
    }

    #[test]
    fn comparisons_and_placeholders() {
        assert_eq!(
            split_cmp("<= 8").map(|(o, r)| (o, r.to_string())),
            Some((Op::Le, "8".into()))
        );
        assert_eq!(parse_num(Unit::Duration, "500ms"), Ok(0.5));
        assert!(Op::Lt.holds(0.2, 0.5));
        assert_eq!(placeholders("{kind} `{id}` has {no owner}"), ["kind", "id"]);
    }
}
