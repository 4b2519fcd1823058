//! Loading and validation (SPEC §1.5): spanned YAML tree -> typed [`Architecture`].
//!
//! Every problem becomes an `invalid-input` diagnostic with a precise span; the loader
//! keeps going after a problem so that one run reports all of them.

use std::fmt::Write as _;

use super::fields::{self, FieldDef};
use super::quantity::{self as q, QuantityKind};
use super::yaml::{self, Limits, Node, Value};
use super::*;
use crate::diag::{Diagnostic, suggest};
use crate::source::{SourceFile, Span};

/// The outcome of loading one file: the model (when it could be built) and the input errors.
pub struct Loaded {
    pub model: Option<Architecture>,
    pub errors: Vec<Diagnostic>,
}

/// Parse and validate `src`. `rule_ids` are the ids an `allow` may name.
pub fn load(src: &SourceFile, rule_ids: &[&str], limits: Limits) -> Loaded {
    load_with(src, rule_ids, limits, true)
}

/// [`load`], streaming the components through the loader as they are parsed when the
/// file is in the YAML fast path's subset (`stream`), else from the whole tree (the
/// tests hold the two to the same result).
fn load_with(src: &SourceFile, rule_ids: &[&str], limits: Limits, stream: bool) -> Loaded {
    let new_loader = || Loader {
        src,
        rule_ids,
        max_components: limits.max_components,
        errors: Vec::new(),
        refs: Vec::new(),
        defined: IdMap::default(),
        streamed: false,
    };
    let mut l = new_loader();
    let mut a = Architecture::default();
    // the tree without the components is small; the whole tree is about 3.3 bytes
    // per byte of text (see `yaml::Arena::for_text`)
    let small = yaml::Arena::new();
    let streamed = if stream {
        let mut sink = Stream {
            l: &mut l,
            a: &mut a,
        };
        yaml::parse_streaming(src, &small, limits, &mut sink)
    } else {
        None
    };
    let whole;
    let parsed = match streamed {
        Some(p) => p,
        None => {
            // outside the fast path's subset (or not streamed): start again
            l = new_loader();
            a = Architecture::default();
            whole = yaml::Arena::for_text(src.text.len());
            let parsed = if stream {
                yaml::parse_full(src, &whole, limits)
            } else {
                yaml::parse(src, &whole, limits)
            };
            match parsed {
                Ok(p) => p,
                Err(e) => {
                    return Loaded {
                        model: None,
                        errors: vec![yaml_error("", e)],
                    };
                }
            }
        }
    };
    l.errors
        .extend(parsed.problems.into_iter().map(|e| yaml_error("", e)));
    let model = l.top(&parsed.root, a);
    if let Some(m) = &model {
        consumes_from_queues(m, &mut l.errors);
        check_entities(m, &mut l.errors);
        check_journeys(m, &mut l.errors);
    }
    let errors = l.finish();
    Loaded { model, errors }
}

/// The component ids among the `components` keys (a null key is none), and whether
/// one of them is there twice.
fn component_ids<'k, 'n: 'k>(keys: impl IntoIterator<Item = &'k Node<'n>>) -> (IdMap<()>, bool) {
    let mut ids = IdMap::default();
    let mut twice = false;
    for k in keys.into_iter().filter(|k| !k.is_null()) {
        if let Some(id) = k.as_scalar() {
            twice |= ids.insert(id, ()).is_some();
        }
    }
    (ids, twice)
}

/// The loader as the sink of a streaming parse: each component is loaded as soon as it
/// is read.
struct Stream<'l, 'a> {
    l: &'l mut Loader<'a>,
    a: &'l mut Architecture,
}

impl yaml::ComponentSink for Stream<'_, '_> {
    fn keys(&mut self, keys: &[Node<'_>]) -> bool {
        // too many components, or an id twice: the whole tree's path reports those
        if keys.len() > self.l.max_components {
            return false;
        }
        let (ids, twice) = component_ids(keys);
        if twice {
            return false;
        }
        self.l.defined = ids;
        self.a.components.reserve(keys.len());
        self.l.streamed = true;
        true
    }

    fn entry(&mut self, key: &Node<'_>, value: &Node<'_>) {
        self.l.component_entry(key, value, self.a);
    }
}

/// The data model refers to what exists: a store that is a database component, a
/// relationship to a known entity, and (when `fields` is given) key, `via`, `by`,
/// `sort`, `on` and index fields among the entity's fields. Each with did-you-mean.
fn check_entities(m: &Architecture, errors: &mut Vec<Diagnostic>) {
    let names: Vec<&str> = m.entities.iter().map(|e| e.name.as_str()).collect();
    for e in &m.entities {
        let path = e.path();
        match &e.store {
            None => errors.push(
                Diagnostic::invalid(&path, e.span, format!("entity `{}` has no `store`", e.name))
                    .label("`store` missing")
                    .help("name the database component that holds it, e.g. `store: orders-db`"),
            ),
            Some(st) => match m.index.get(&st.v) {
                None => {
                    let mut d = Diagnostic::invalid(format!("{path}.store"), st.span, format!("`store` names unknown component `{}`", st.v))
                        .label("no component with this id");
                    let dbs = m.components.iter().filter(|c| c.kind() == Kind::Database).map(|c| c.id.as_str());
                    d = match suggest(&st.v, dbs) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help("name a `database` component, or add it under `components:`"),
                    };
                    errors.push(d);
                }
                Some(&i) if m.components[i].kind() != Kind::Database => errors.push(
                    Diagnostic::invalid(format!("{path}.store"), st.span, format!("`store` names `{}`, a {}, not a database", st.v, m.components[i].kind()))
                        .label("not a database")
                        .help("an entity lives in a `database` component (a cache or queue holds copies or messages, not the entity)"),
                ),
                Some(_) => {}
            },
        }
        for (i, r) in e.relationships.iter().enumerate() {
            if !names.contains(&r.to.v.as_str()) {
                let mut d = Diagnostic::invalid(
                    format!("{path}.relationships[{i}]"),
                    r.to.span,
                    format!("relationship to unknown entity `{}`", r.to.v),
                )
                .label("no entity with this name");
                d = match suggest(&r.to.v, names.iter().copied()) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help("define it under `entities:`, or fix the name"),
                };
                errors.push(d);
            }
        }
        let Some(fields) = &e.fields else { continue };
        let known: Vec<&str> = fields.v.iter().map(String::as_str).collect();
        let mut check = |what: &str, field: &str, p: String, span: Span| {
            if known.contains(&field) {
                return;
            }
            let mut d = Diagnostic::invalid(
                p,
                span,
                format!("{what} `{field}` is not a field of `{}`", e.name),
            )
            .label("not among `fields`");
            d = match suggest(field, known.iter().copied()) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!(
                    "add it to `fields:` of `{}`, or fix the name",
                    e.name
                )),
            };
            errors.push(d);
        };
        if let Some(k) = &e.key {
            for f in &k.v {
                check("the key", f, format!("{path}.key"), k.span);
            }
        }
        for (i, r) in e.relationships.iter().enumerate() {
            if let Some(v) = &r.via {
                check("`via`", &v.v, format!("{path}.relationships[{i}]"), v.span);
            }
        }
        for (i, p) in e.access_patterns.iter().enumerate() {
            for f in p.by.iter().chain(p.sort.iter()).chain(p.on.iter()) {
                check(
                    "the access pattern's field",
                    f,
                    format!("{path}.access_patterns[{i}]"),
                    p.span,
                );
            }
        }
        for (i, ix) in e.indexes.iter().enumerate() {
            for f in &ix.v {
                check(
                    "the index field",
                    f,
                    format!("{path}.indexes[{i}]"),
                    ix.span,
                );
            }
        }
    }
}

/// A journey's steps are components, and each step calls the next (SPEC §4.6): the
/// error is at the step its predecessor does not call.
fn check_journeys(m: &Architecture, errors: &mut Vec<Diagnostic>) {
    for j in &m.journeys {
        let path = j.path();
        let mut known = true;
        for (i, s) in j.steps.iter().enumerate() {
            if m.index.contains_key(&s.v) {
                continue;
            }
            known = false;
            let mut d = Diagnostic::invalid(
                format!("{path}.steps[{i}]"),
                s.span,
                format!("journey step names unknown component `{}`", s.v),
            )
            .label("no component with this id");
            d = match suggest(&s.v, m.components.iter().map(|c| c.id.as_str())) {
                Some(x) => d.help(format!("did you mean `{x}`?")),
                None => d.help("name a component defined under `components:`"),
            };
            errors.push(d);
        }
        if !known {
            continue;
        }
        for (i, w) in j.steps.windows(2).enumerate() {
            let (a, b) = (&w[0].v, &w[1].v);
            let from = &m.components[m.index[a]];
            let calls = from.calls.iter().any(|c| &c.to.v == b)
                || m.components[m.index[b]]
                    .consumes
                    .iter()
                    .any(|c| &c.from.v == a);
            if calls {
                continue;
            }
            let callees: Vec<&str> = from.calls.iter().map(|c| c.to.v.as_str()).collect();
            let hint = if callees.is_empty() {
                format!(
                    "`{a}` calls nothing; add the call to `{b}` under its `calls:`, or fix the order of the steps"
                )
            } else {
                format!(
                    "`{a}` calls {}; add the call to `{b}`, or fix the order of the steps",
                    callees
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            errors.push(
                Diagnostic::invalid(
                    format!("{path}.steps[{}]", i + 1),
                    w[1].span,
                    format!("in journey `{}`, `{a}` does not call `{b}`", j.name),
                )
                .label(format!("not called by `{a}`"))
                .related(
                    format!("{path}.steps[{i}]"),
                    w[0].span,
                    format!("the step before: `{a}`"),
                )
                .help(hint),
            );
        }
    }
}

/// A consume is an async edge from a queue (SPEC §1.3); consuming from a database or a
/// service is a mistake the rules would otherwise read as a queue.
fn consumes_from_queues(m: &Architecture, errors: &mut Vec<Diagnostic>) {
    for c in &m.components {
        for (i, x) in c.consumes.iter().enumerate() {
            let Some(&j) = m.index.get(&x.from.v) else {
                continue;
            };
            let src = &m.components[j];
            if src.kind.v == Kind::Queue {
                continue;
            }
            let kind = src.kind.v.as_str();
            errors.push(
                Diagnostic::invalid(
                    format!("components.{}.consumes[{i}]", c.id),
                    x.span,
                    format!(
                        "`{}` consumes from `{}`, which is a {kind}, not a queue",
                        c.id, x.from.v
                    ),
                )
                .label("not a queue")
                .related(
                    format!("components.{}.kind", src.id),
                    src.kind.span,
                    format!("`{}` is a {kind}", src.id),
                )
                .help(format!(
                    "`consumes` lists queues; to read `{}`, call it: `calls: [{{ to: {}, access: read }}]`",
                    x.from.v, x.from.v
                )),
            );
        }
    }
}

fn yaml_error(path: &str, e: yaml::YamlError) -> Diagnostic {
    let mut d = Diagnostic::invalid(path, e.span, e.message)
        .label(e.label)
        .maybe_help(e.help);
    if let Some((m, s)) = e.related.map(|b| *b) {
        d = d.related(path, s, m);
    }
    d
}

/// A reference to check once all component ids are known.
struct Ref {
    path: String,
    span: Span,
    id: String,
    field: &'static str,
}

struct Loader<'a> {
    src: &'a SourceFile,
    max_components: usize,
    rule_ids: &'a [&'a str],
    errors: Vec<Diagnostic>,
    /// The references to ids not defined when they were read, checked at the end.
    refs: Vec<Ref>,
    /// Every component id defined, valid or not (references to invalid ones do not
    /// cascade), taken from the `components` keys before any component is read: most
    /// references then resolve at once, and only the rest are kept as [`Ref`]s.
    defined: IdMap<()>,
    /// The components were loaded while the file was parsed ([`Stream`]).
    streamed: bool,
}

/// Store a rarely set field (`Component::more`, `Call::more`), creating the box only
/// for a value: most components and calls never need one. A later invalid value of the
/// same key clears the field, as it does for the fields stored inline.
fn set_more<M: Default, T>(
    more: &mut Option<Box<M>>,
    x: Option<T>,
    field: impl FnOnce(&mut M) -> &mut Option<T>,
) {
    if x.is_some() || more.is_some() {
        *field(more.get_or_insert_default()) = x;
    }
}

fn join(path: &str, key: &str) -> String {
    let mut s = String::with_capacity(path.len() + key.len() + 1);
    join_into(&mut s, path, key);
    s
}

/// `join` into a reused buffer: the hot loops over fields allocate once, not per field.
fn join_into<'b>(buf: &'b mut String, path: &str, key: &str) -> &'b str {
    buf.clear();
    buf.push_str(path);
    if !path.is_empty() {
        buf.push('.');
    }
    buf.push_str(key);
    buf
}

fn list_values(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl<'a> Loader<'a> {
    fn push(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    /// The span of a `key: value` entry: to the end of the value when it is on the key's line.
    fn entry_span(&self, k: &Node, v: &Node) -> Span {
        let end = if v.span.end() > k.span.end() && self.src.same_line(k.span.start(), v.span.end())
        {
            v.span.end()
        } else {
            k.span.end()
        };
        Span::new(k.span.start(), end)
    }

    fn sp<T>(&self, k: &Node, v: &Node, val: T) -> Sp<T> {
        Sp {
            v: val,
            span: self.entry_span(k, v),
        }
    }

    fn type_error(&mut self, path: &str, v: &Node, expected: &str) {
        let d = Diagnostic::invalid(
            path,
            v.span,
            format!(
                "`{}` must be {expected}, found {}",
                last_key(path),
                v.type_name()
            ),
        )
        .label(format!("expected {expected}"))
        .help(format!("write `{}:` with {expected}", last_key(path)));
        self.push(d);
    }

    /// Check a mapping's keys against a field table; report unknown and non-string keys.
    fn check_keys(
        &mut self,
        map: &[(Node, Node)],
        defs: &[FieldDef],
        path: &str,
        kind: Option<Kind>,
        what: &str,
    ) {
        for (k, _) in map {
            let Some(key) = k.as_scalar().filter(|_| !k.is_null()) else {
                self.push(
                    Diagnostic::invalid(
                        path,
                        k.span,
                        format!("a key in {what} must be a name, found {}", k.type_name()),
                    )
                    .label("not a valid key")
                    .help("keys are plain names such as `kind` or `tech`; `null`, `~`, lists and mappings cannot be keys"),
                );
                continue;
            };
            if path.is_empty() && key.starts_with("x-") {
                continue; // an extension key, e.g. `x-defaults: &svc {...}` for merges
            }
            if let Some(def) = defs.iter().find(|d| d.name == key) {
                if let (Some(kinds), Some(kind)) = (def.kinds, kind)
                    && !kinds.contains(&kind)
                {
                    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                    self.push(
                        Diagnostic::invalid(
                            join(path, key),
                            k.span,
                            format!(
                                "`{key}` is a field of {} components, not of a {kind}",
                                names.join("/")
                            ),
                        )
                        .label(format!("not a {kind} field"))
                        .help(format!(
                            "remove it, or change `kind` if this component really is a {}",
                            names.join(" or ")
                        )),
                    );
                }
                continue;
            }
            let allowed: Vec<&str> = defs
                .iter()
                .filter(|d| match (d.kinds, kind) {
                    (Some(ks), Some(kd)) => ks.contains(&kd),
                    _ => true,
                })
                .map(|d| d.name)
                .collect();
            let mut d = Diagnostic::invalid(
                join(path, key),
                k.span,
                format!("unknown key `{key}` in {what}"),
            )
            .label("unknown key");
            d = match suggest(key, allowed.iter().copied()) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!("valid keys here: {}", list_values(&allowed))),
            };
            self.push(d);
        }
    }

    fn expect_map<'n, 'y>(
        &mut self,
        path: &str,
        v: &'n Node<'y>,
    ) -> Option<&'n [(Node<'y>, Node<'y>)]> {
        match v.as_map() {
            Some(m) => Some(m),
            None => {
                self.type_error(path, v, "a mapping");
                None
            }
        }
    }

    fn string(&mut self, path: &str, v: &Node) -> Option<String> {
        match &v.value {
            Value::Scalar { text, .. } if !v.is_null() => Some(text.to_string()),
            _ => {
                self.type_error(path, v, "a string");
                None
            }
        }
    }

    fn boolean(&mut self, path: &str, v: &Node) -> Option<bool> {
        match v.as_bool() {
            Some(b) => Some(b),
            None => {
                self.type_error(path, v, "`true` or `false`");
                None
            }
        }
    }

    fn int(&mut self, path: &str, v: &Node, min: u64, max: u64) -> Option<u64> {
        let parsed = v
            .as_scalar()
            .filter(|_| !v.is_null())
            .and_then(|t| t.trim().parse::<u64>().ok());
        match parsed {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                let expected = if min == 4 && max == 7 {
                    "4 or 7".to_string()
                } else if max >= 100 {
                    format!("a whole number of at least {min}")
                } else {
                    format!("a whole number from {min} to {max}")
                };
                let d = Diagnostic::invalid(
                    path,
                    v.span,
                    format!(
                        "`{}` must be {expected}, found `{}`",
                        last_key(path),
                        v.as_scalar().unwrap_or("…")
                    ),
                )
                .label(format!("expected {expected}"))
                .help(format!(
                    "write it as `{}: {}`",
                    last_key(path),
                    if min == 4 && max == 7 {
                        7
                    } else {
                        min.max(2).min(max)
                    }
                ));
                self.push(d);
                None
            }
        }
    }

    fn enumv<T>(
        &mut self,
        path: &str,
        v: &Node,
        names: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = v.as_scalar().filter(|_| !v.is_null());
        if let Some(t) = text.and_then(parse) {
            return Some(t);
        }
        let found = text.map_or_else(|| v.type_name().to_string(), |t| format!("`{t}`"));
        let mut d = Diagnostic::invalid(
            path,
            v.span,
            format!("invalid value {found} for `{}`", last_key(path)),
        )
        .label(format!("not a valid `{}`", last_key(path)));
        d = match text.and_then(|t| suggest(t, names.iter().copied())) {
            Some(s) => d.help(format!(
                "did you mean `{s}`? Allowed values: {}",
                list_values(names)
            )),
            None => d.help(format!("allowed values: {}", list_values(names))),
        };
        self.push(d);
        None
    }

    fn qty_text(&mut self, path: &str, v: &Node, kind: QuantityKind) -> Option<String> {
        match &v.value {
            Value::Scalar { text, .. } if !v.is_null() => Some(text.to_string()),
            _ => {
                self.type_error(path, v, kind.describe());
                None
            }
        }
    }

    fn qty(&mut self, path: &str, v: &Node, kind: QuantityKind) -> Option<f64> {
        let text = self.qty_text(path, v, kind)?;
        let r = match kind {
            QuantityKind::Count => q::parse_count(&text),
            QuantityKind::Duration => q::parse_duration(&text),
            QuantityKind::Size => q::parse_size(&text),
            QuantityKind::Percent => q::parse_percent(&text),
            QuantityKind::Ratio | QuantityKind::Growth => unreachable!("use the dedicated parser"),
        };
        self.qty_result(path, v, kind, r)
    }

    fn qty_result<T>(
        &mut self,
        path: &str,
        v: &Node,
        kind: QuantityKind,
        r: Result<T, String>,
    ) -> Option<T> {
        match r {
            Ok(x) => Some(x),
            Err(msg) => {
                self.push(
                    Diagnostic::invalid(
                        path,
                        v.span,
                        format!("bad quantity for `{}`: {msg}", last_key(path)),
                    )
                    .label("not a valid quantity")
                    .help(format!("write {}", kind.describe())),
                );
                None
            }
        }
    }

    fn str_list(&mut self, path: &str, v: &Node) -> Option<Vec<String>> {
        let Some(items) = v.as_seq() else {
            self.type_error(path, v, "a list of strings");
            return None;
        };
        let mut out = Vec::new();
        for (i, it) in items.iter().enumerate() {
            if let Some(s) = self.string(&format!("{path}[{i}]"), it) {
                out.push(s);
            }
        }
        Some(out)
    }

    fn enum_list<T>(
        &mut self,
        path: &str,
        v: &Node,
        names: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<Vec<Sp<T>>> {
        let Some(items) = v.as_seq() else {
            self.type_error(path, v, &format!("a list of {}", list_values(names)));
            return None;
        };
        let mut out = Vec::new();
        for (i, it) in items.iter().enumerate() {
            if let Some(x) = self.enumv(&format!("{path}[{i}]"), it, names, parse) {
                out.push(Sp {
                    v: x,
                    span: it.span,
                });
            }
        }
        Some(out)
    }

    fn allow(&mut self, path: &str, v: &Node) -> Vec<Allow> {
        let Some(map) = self.expect_map(path, v) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, val) in map {
            let Some(rule) = k.as_scalar() else {
                self.type_error(path, k, "a rule id");
                continue;
            };
            if !self.rule_ids.contains(&rule) {
                let mut d = Diagnostic::invalid(
                    join(path, rule),
                    k.span,
                    format!("`allow` names unknown rule `{rule}`"),
                )
                .label("no such rule");
                d = match suggest(rule, self.rule_ids.iter().copied()) {
                    Some(s) => d.help(format!(
                        "did you mean `{s}`? (`archlint rules` lists them all)"
                    )),
                    None => d.help("`archlint rules` lists the rule ids"),
                };
                self.push(d);
                continue;
            }
            let entry = join(path, rule);
            let (reason, until) = match val.as_map() {
                // `rule: { reason: ..., until: 2027-03-31 }`: an expiring suppression
                Some(m) => {
                    self.check_keys(
                        m,
                        fields::ALLOW_ENTRY,
                        &entry,
                        None,
                        &format!("`allow` of `{rule}`"),
                    );
                    let mut reason = "";
                    let mut until = None;
                    for (ek, ev) in m {
                        match ek.as_scalar() {
                            Some("reason") => {
                                reason = ev
                                    .as_scalar()
                                    .filter(|_| !ev.is_null())
                                    .map(str::trim)
                                    .unwrap_or("")
                            }
                            Some("until") => {
                                let text = ev.as_scalar().unwrap_or("");
                                match Date::parse(text) {
                                    Some(d) => until = Some(self.sp(ek, ev, d)),
                                    None => self.push(
                                        Diagnostic::invalid(join(&entry, "until"), ev.span, format!("`until` must be a date, found `{text}`"))
                                            .label("not a date")
                                            .help("write the day the suppression expires as YYYY-MM-DD, e.g. `until: 2027-03-31`"),
                                    ),
                                }
                            }
                            _ => {}
                        }
                    }
                    (reason, until)
                }
                None => (
                    val.as_scalar()
                        .filter(|_| !val.is_null())
                        .map(str::trim)
                        .unwrap_or(""),
                    None,
                ),
            };
            if reason.is_empty() {
                self.push(
                    Diagnostic::invalid(join(path, rule), self.entry_span(k, val), format!("`allow` of `{rule}` has no reason"))
                        .label("reason missing")
                        .help(format!("say why the finding does not apply here, e.g. `{rule}: accepted for the beta, revisit at 10k users`")),
                );
                continue;
            }
            out.push(Allow {
                rule: rule.to_string(),
                reason: reason.to_string(),
                span: self.entry_span(k, val),
                until,
            });
        }
        out
    }

    fn journeys(&mut self, v: &Node) -> Vec<Journey> {
        let mut out = Vec::new();
        if v.is_null() {
            return out;
        }
        let Some(map) = self.expect_map("journeys", v) else {
            return out;
        };
        for (k, jv) in map {
            let Some(name) = k.as_scalar() else {
                self.type_error("journeys", k, "a journey name");
                continue;
            };
            let path = format!("journeys.{name}");
            let Some(jm) = self.expect_map(&path, jv) else {
                continue;
            };
            self.check_keys(
                jm,
                fields::JOURNEY,
                &path,
                None,
                &format!("journey `{name}`"),
            );
            let mut j = Journey {
                name: name.to_string(),
                span: k.span,
                steps: Vec::new(),
                p99: None,
                availability: None,
            };
            for (fk, fv) in jm {
                let fp = join(&path, fk.as_scalar().unwrap_or(""));
                match fk.as_scalar() {
                    Some("steps") => match fv.as_seq() {
                        Some(items) => {
                            for (i, it) in items.iter().enumerate() {
                                if let Some(id) = self.string(&format!("{fp}[{i}]"), it) {
                                    j.steps.push(Sp {
                                        v: id,
                                        span: it.span,
                                    });
                                }
                            }
                        }
                        None => self.type_error(&fp, fv, "a list of component ids"),
                    },
                    Some("p99") => {
                        j.p99 = self
                            .qty(&fp, fv, QuantityKind::Duration)
                            .map(|x| self.sp(fk, fv, x))
                    }
                    Some("availability") => {
                        j.availability = self
                            .qty(&fp, fv, QuantityKind::Percent)
                            .map(|x| self.sp(fk, fv, x))
                    }
                    _ => {}
                }
            }
            if jm.iter().all(|(k, _)| k.as_scalar() != Some("steps")) {
                self.push(
                    Diagnostic::invalid(&path, k.span, format!("journey `{name}` has no `steps`"))
                        .label("`steps` missing")
                        .help("list the components a request meets, in order, e.g. `steps: [web, api, orders, orders-db]`"),
                );
            }
            out.push(j);
        }
        out
    }

    fn entities(&mut self, v: &Node) -> Vec<Entity> {
        let mut out = Vec::new();
        if v.is_null() {
            return out;
        }
        let Some(map) = self.expect_map("entities", v) else {
            return out;
        };
        for (k, ev) in map {
            let Some(name) = k.as_scalar() else {
                self.type_error("entities", k, "an entity name");
                continue;
            };
            let path = format!("entities.{name}");
            let mut e = Entity {
                name: name.to_string(),
                span: k.span,
                store: None,
                key: None,
                fields: None,
                relationships: Vec::new(),
                access_patterns: Vec::new(),
                indexes: Vec::new(),
            };
            if ev.is_null() {
                out.push(e);
                continue;
            }
            let Some(em) = self.expect_map(&path, ev) else {
                continue;
            };
            self.check_keys(em, fields::ENTITY, &path, None, &format!("entity `{name}`"));
            for (fk, fv) in em {
                let Some(field) = fk.as_scalar() else {
                    continue;
                };
                let fp = join(&path, field);
                match field {
                    "store" => e.store = self.string(&fp, fv).map(|x| self.sp(fk, fv, x)),
                    "key" => {
                        let key = match fv.as_scalar() {
                            Some(t) if !fv.is_null() => Some(vec![t.trim().to_string()]),
                            _ => self.str_list(&fp, fv),
                        };
                        e.key = key.map(|x| self.sp(fk, fv, x));
                    }
                    "fields" => e.fields = self.str_list(&fp, fv).map(|x| self.sp(fk, fv, x)),
                    "relationships" => {
                        let Some(items) = fv.as_seq() else {
                            self.type_error(&fp, fv, "a list of `{ to, kind, via }`");
                            continue;
                        };
                        for (i, it) in items.iter().enumerate() {
                            let ip = format!("{fp}[{i}]");
                            let Some(im) = self.expect_map(&ip, it) else {
                                continue;
                            };
                            self.check_keys(im, fields::RELATIONSHIP, &ip, None, "a relationship");
                            let mut to = None;
                            let mut kind = None;
                            let mut via = None;
                            for (rk, rv) in im {
                                let rp = join(&ip, rk.as_scalar().unwrap_or(""));
                                match rk.as_scalar() {
                                    Some("to") => {
                                        to = self.string(&rp, rv).map(|x| self.sp(rk, rv, x))
                                    }
                                    Some("kind") => {
                                        kind = self
                                            .enumv(
                                                &rp,
                                                rv,
                                                RelationKind::NAMES,
                                                RelationKind::parse,
                                            )
                                            .map(|x| self.sp(rk, rv, x))
                                    }
                                    Some("via") => {
                                        via = self.string(&rp, rv).map(|x| self.sp(rk, rv, x))
                                    }
                                    _ => {}
                                }
                            }
                            match to {
                                Some(to) => e.relationships.push(Relationship { to, kind, via, span: it.span }),
                                None => self.push(
                                    Diagnostic::invalid(&ip, it.span, "a relationship has no `to`")
                                        .label("`to` missing")
                                        .help("name the entity it refers to, e.g. `{ to: customer, kind: many-to-one, via: customer_id }`"),
                                ),
                            }
                        }
                    }
                    "access_patterns" => {
                        let Some(items) = fv.as_seq() else {
                            self.type_error(&fp, fv, "a list of `{ by, sort, kind, rate, on }`");
                            continue;
                        };
                        for (i, it) in items.iter().enumerate() {
                            let ip = format!("{fp}[{i}]");
                            let Some(im) = self.expect_map(&ip, it) else {
                                continue;
                            };
                            self.check_keys(
                                im,
                                fields::ENTITY_PATTERN,
                                &ip,
                                None,
                                "an access pattern",
                            );
                            let mut p = EntityPattern {
                                by: Vec::new(),
                                sort: None,
                                kind: None,
                                rate: None,
                                on: Vec::new(),
                                span: it.span,
                            };
                            for (pk, pv) in im {
                                let pp = join(&ip, pk.as_scalar().unwrap_or(""));
                                match pk.as_scalar() {
                                    Some("by") => {
                                        p.by = match pv.as_scalar() {
                                            Some(t) if !pv.is_null() => vec![t.trim().to_string()],
                                            _ => self.str_list(&pp, pv).unwrap_or_default(),
                                        }
                                    }
                                    Some("sort") => p.sort = self.string(&pp, pv),
                                    Some("kind") => {
                                        p.kind = self
                                            .enumv(
                                                &pp,
                                                pv,
                                                AccessPattern::NAMES,
                                                AccessPattern::parse,
                                            )
                                            .map(|x| self.sp(pk, pv, x))
                                    }
                                    Some("rate") => p.rate = self.qty(&pp, pv, QuantityKind::Count),
                                    Some("on") => p.on = self.str_list(&pp, pv).unwrap_or_default(),
                                    _ => {}
                                }
                            }
                            e.access_patterns.push(p);
                        }
                    }
                    "indexes" => {
                        let Some(items) = fv.as_seq() else {
                            self.type_error(&fp, fv, "a list of indexes, each a list of fields: `[[customer_id, created_at]]`");
                            continue;
                        };
                        for (i, it) in items.iter().enumerate() {
                            let ip = format!("{fp}[{i}]");
                            let cols = match it.as_scalar() {
                                Some(t) if !it.is_null() => Some(vec![t.trim().to_string()]),
                                _ => self.str_list(&ip, it),
                            };
                            if let Some(cols) = cols {
                                e.indexes.push(Sp {
                                    v: cols,
                                    span: it.span,
                                });
                            }
                        }
                    }
                    _ => {}
                }
            }
            out.push(e);
        }
        out
    }

    fn retry(&mut self, path: &str, v: &Node) -> Option<Retry> {
        if let Some(t) = v.as_scalar() {
            if v.is_plain_scalar() && matches!(t, "none" | "false") {
                return Some(Retry::None);
            }
            if let Ok(n) = t.trim().parse::<u64>()
                && n >= 1
            {
                return Some(Retry::Policy {
                    attempts: Some(n),
                    backoff: None,
                    jitter: None,
                });
            }
            self.type_error(
                path,
                v,
                "`none` or a mapping `{ attempts, backoff, jitter }`",
            );
            return None;
        }
        let map = self.expect_map(path, v)?;
        self.check_keys(map, fields::RETRY, path, None, "a retry policy");
        let mut attempts = None;
        let mut backoff = None;
        let mut jitter = None;
        for (k, val) in map {
            let p = join(path, k.as_scalar().unwrap_or(""));
            match k.as_scalar() {
                Some("attempts") => attempts = self.int(&p, val, 1, 100),
                Some("backoff") => backoff = self.enumv(&p, val, Backoff::NAMES, Backoff::parse),
                Some("jitter") => jitter = self.boolean(&p, val),
                _ => {}
            }
        }
        Some(Retry::Policy {
            attempts,
            backoff,
            jitter,
        })
    }

    fn reference(&mut self, path: &str, v: &Node, field: &'static str) -> Option<String> {
        let id = self.string(path, v)?;
        if self.defined.contains_key(&id) {
            return Some(id);
        }
        self.refs.push(Ref {
            path: path.to_string(),
            span: v.span,
            id: id.clone(),
            field,
        });
        Some(id)
    }

    // ---- the document -------------------------------------------------------------

    fn top(&mut self, root: &Node, mut a: Architecture) -> Option<Architecture> {
        let Some(map) = root.as_map() else {
            let d = Diagnostic::invalid("", root.span, format!("the top level of an architecture file must be a mapping, found {}", root.type_name()))
                .label("expected `name:`, `requirements:` and `components:` here")
                .help("start the file with `name: my-system`, then `components:` (`archlint init` writes a starter file)");
            self.push(d);
            return None;
        };
        self.check_keys(map, fields::TOP, "", None, "the top level");
        for (k, v) in map {
            match k.as_scalar() {
                Some("name") => a.name = self.string("name", v).map(|s| self.sp(k, v, s)),
                Some("description") => {
                    a.description = self.string("description", v).map(|s| self.sp(k, v, s))
                }
                Some("stage") => {
                    a.stage = self
                        .enumv("stage", v, Stage::NAMES, Stage::parse)
                        .map(|s| self.sp(k, v, s))
                }
                Some("requirements") => a.requirements = self.requirements(k, v),
                Some("allow") => a.allow = self.allow("allow", v),
                Some("entities") => a.entities = self.entities(v),
                Some("journeys") => a.journeys = self.journeys(v),
                Some("components") => {
                    a.components_span = Some(k.span);
                    if self.streamed {
                        // loaded while parsing; drop the placeholders of invalid ones
                        a.index.retain(|&i| i != usize::MAX);
                    } else if !v.is_null() {
                        self.components(v, &mut a);
                    }
                }
                _ => {}
            }
        }
        if root.get("name").is_none() {
            self.push(
                Diagnostic::invalid("", Span::new(0, 0), "the file has no `name`")
                    .label("`name` is required")
                    .help("add `name: my-system` at the top of the file"),
            );
        }
        Some(a)
    }

    fn requirements(&mut self, key: &Node, v: &Node) -> Option<Requirements> {
        let mut r = Requirements {
            span: key.span,
            ..Default::default()
        };
        if v.is_null() {
            return Some(r);
        }
        let map = self.expect_map("requirements", v)?;
        self.check_keys(
            map,
            fields::REQUIREMENTS,
            "requirements",
            None,
            "`requirements`",
        );
        for (k, val) in map {
            let Some(name) = k.as_scalar() else { continue };
            let p = join("requirements", name);
            match name {
                "scale" => r.scale = self.scale(&p, val).map(|s| self.sp(k, val, s)),
                "consistency" => {
                    r.consistency = self
                        .enumv(&p, val, Consistency::NAMES, Consistency::parse)
                        .map(|x| self.sp(k, val, x))
                }
                "latency" => r.latency = self.latency(&p, val).map(|x| self.sp(k, val, x)),
                "availability" => {
                    r.availability = self
                        .qty(&p, val, QuantityKind::Percent)
                        .map(|x| self.sp(k, val, x))
                }
                "geography" => {
                    r.geography = self
                        .enumv(&p, val, Geography::NAMES, Geography::parse)
                        .map(|x| self.sp(k, val, x))
                }
                "read_write_ratio" => {
                    r.read_write_ratio = self
                        .qty_text(&p, val, QuantityKind::Ratio)
                        .and_then(|t| {
                            self.qty_result(&p, val, QuantityKind::Ratio, q::parse_ratio(&t))
                        })
                        .map(|x| self.sp(k, val, x))
                }
                "retention" => {
                    r.retention = match val.as_scalar() {
                        Some("forever") => Some(Retention::Forever),
                        _ => self
                            .qty(&p, val, QuantityKind::Duration)
                            .map(Retention::Seconds),
                    }
                    .map(|x| self.sp(k, val, x))
                }
                "compliance" => r.compliance = self.str_list(&p, val).map(|x| self.sp(k, val, x)),
                "functional" => r.functional = self.str_list(&p, val).map(|x| self.sp(k, val, x)),
                "out_of_scope" => {
                    r.out_of_scope = self.str_list(&p, val).map(|x| self.sp(k, val, x))
                }
                "operations" => r.operations = self.operations(&p, val).map(|x| self.sp(k, val, x)),
                _ => {}
            }
        }
        Some(r)
    }

    fn scale(&mut self, path: &str, v: &Node) -> Option<Scale> {
        let map = self.expect_map(path, v)?;
        self.check_keys(map, fields::SCALE, path, None, "`scale`");
        let mut s = Scale::default();
        for (k, val) in map {
            let Some(name) = k.as_scalar() else { continue };
            let p = join(path, name);
            match name {
                "daily_active_users" => {
                    s.daily_active_users = self
                        .qty(&p, val, QuantityKind::Count)
                        .map(|x| self.sp(k, val, x))
                }
                "requests_per_user_per_day" => {
                    s.requests_per_user_per_day = self
                        .qty(&p, val, QuantityKind::Count)
                        .map(|x| self.sp(k, val, x))
                }
                "peak_to_average" => {
                    s.peak_to_average = self
                        .qty(&p, val, QuantityKind::Count)
                        .map(|x| self.sp(k, val, x))
                }
                "data_volume" => {
                    s.data_volume = self
                        .qty(&p, val, QuantityKind::Size)
                        .map(|x| self.sp(k, val, x))
                }
                "request_size" => {
                    s.request_size = self
                        .qty(&p, val, QuantityKind::Size)
                        .map(|x| self.sp(k, val, x))
                }
                "response_size" => {
                    s.response_size = self
                        .qty(&p, val, QuantityKind::Size)
                        .map(|x| self.sp(k, val, x))
                }
                "growth_per_year" => {
                    s.growth_per_year = self
                        .qty_text(&p, val, QuantityKind::Growth)
                        .and_then(|t| {
                            self.qty_result(&p, val, QuantityKind::Growth, q::parse_growth(&t))
                        })
                        .map(|x| self.sp(k, val, x))
                }
                _ => {}
            }
        }
        Some(s)
    }

    fn latency(&mut self, path: &str, v: &Node) -> Option<LatencyReq> {
        if v.as_scalar().is_some() {
            let p99 = self.qty(path, v, QuantityKind::Duration)?;
            return Some(LatencyReq {
                p50: None,
                p99: Some(p99),
            });
        }
        let map = self.expect_map(path, v)?;
        self.check_keys(map, fields::LATENCY, path, None, "`latency`");
        let mut r = LatencyReq::default();
        for (k, val) in map {
            match k.as_scalar() {
                Some("p50") => r.p50 = self.qty(&join(path, "p50"), val, QuantityKind::Duration),
                Some("p99") => r.p99 = self.qty(&join(path, "p99"), val, QuantityKind::Duration),
                _ => {}
            }
        }
        Some(r)
    }

    fn operations(&mut self, path: &str, v: &Node) -> Option<Operations> {
        let map = self.expect_map(path, v)?;
        self.check_keys(map, fields::OPERATIONS, path, None, "`operations`");
        let mut o = Operations::default();
        for (k, val) in map {
            let Some(name) = k.as_scalar() else { continue };
            let p = join(path, name);
            match name {
                "team_size" => o.team_size = self.int(&p, val, 1, 1_000_000),
                "existing" => o.existing = self.str_list(&p, val).unwrap_or_default(),
                "budget" => o.budget = self.enumv(&p, val, Budget::NAMES, Budget::parse),
                _ => {}
            }
        }
        Some(o)
    }

    // ---- components -----------------------------------------------------------------

    fn components(&mut self, v: &Node, a: &mut Architecture) {
        let Some(map) = self.expect_map("components", v) else {
            return;
        };
        if map.len() > self.max_components {
            let (key, _) = &map[self.max_components];
            self.push(
                Diagnostic::invalid(
                    "components",
                    key.span,
                    format!(
                        "the file defines {} components, more than the limit of {}",
                        map.len(),
                        self.max_components
                    ),
                )
                .label(format!(
                    "component {} of {}",
                    self.max_components + 1,
                    map.len()
                ))
                .help(
                    "split the system into several files, or raise the limit with --max-components",
                ),
            );
            return;
        }
        a.components.reserve(map.len());
        self.defined = component_ids(map.iter().map(|(k, _)| k)).0;
        for (k, val) in map {
            self.component_entry(k, val, a);
        }
        a.index.retain(|&i| i != usize::MAX);
    }

    /// One entry of `components`: the component, or the error that it is none.
    fn component_entry(&mut self, k: &Node, val: &Node, a: &mut Architecture) {
        let Some(id) = k.as_scalar().filter(|_| !k.is_null()) else {
            self.push(
                Diagnostic::invalid("components", k.span, "a component id must be a name")
                    .label("not a name")
                    .help("name the component, e.g. `orders-api:`; `null`, `~`, an empty key, a list or a mapping is not an id"),
            );
            return;
        };
        if a.index.contains_key(id) {
            return; // reported as a duplicate key
        }
        let path = format!("components.{id}");
        match self.component(id, &path, k, val) {
            Some(c) => {
                a.index.insert(id, a.components.len());
                a.components.push(c);
            }
            // keep a placeholder so a duplicate id is not loaded twice
            None => {
                a.index.insert(id, usize::MAX);
            }
        }
    }

    fn component(&mut self, id: &str, path: &str, key: &Node, v: &Node) -> Option<Component> {
        let Some(map) = v.as_map() else {
            // `calls:` or `replicas:` dedented to the level of the components: a field
            // that lost its component, not a component
            if fields::component_field(id).is_some() {
                self.push(
                    Diagnostic::invalid(
                        path,
                        key.span,
                        format!(
                            "`{id}` is a component field, but it sits directly under `components:`, where it reads as a component named `{id}`"
                        ),
                    )
                    .label("indented like a component")
                    .help(format!(
                        "indent `{id}:` to line up with the fields (`kind:`, ...) of the component above it"
                    )),
                );
                return None;
            }
            self.push(
                Diagnostic::invalid(
                    path,
                    if v.is_null() { key.span } else { v.span },
                    format!(
                        "component `{id}` must be a mapping with at least `kind`, found {}",
                        v.type_name()
                    ),
                )
                .label("expected a mapping")
                .help(format!(
                    "write it as `{id}: {{ kind: service }}`, with one of the kinds: {}",
                    list_values(Kind::NAMES)
                )),
            );
            return None;
        };
        let kind = match v.entry("kind") {
            None => {
                self.push(
                    Diagnostic::invalid(path, key.span, format!("component `{id}` has no `kind`"))
                        .label("`kind` is required")
                        .help(format!(
                            "add `kind:` with one of {}",
                            list_values(Kind::NAMES)
                        )),
                );
                None
            }
            Some((kk, kv)) => self
                .enumv(&join(path, "kind"), kv, Kind::NAMES, Kind::parse)
                .map(|x| self.sp(kk, kv, x)),
        };
        self.check_keys(
            map,
            fields::COMPONENT,
            path,
            kind.as_ref().map(|k| k.v),
            &format!("component `{id}`"),
        );
        let Some(kind) = kind else {
            // still validate references and values so that all errors are reported
            let mut scratch = Component::new(
                id.to_string(),
                key.span,
                Sp {
                    v: Kind::Service,
                    span: key.span,
                },
            );
            self.component_fields(path, map, &mut scratch);
            return None;
        };
        let mut c = Component::new(id.to_string(), key.span, kind);
        self.component_fields(path, map, &mut c);
        Some(c)
    }

    fn component_fields(&mut self, path: &str, map: &[(Node, Node)], c: &mut Component) {
        let mut buf = String::with_capacity(path.len() + 24);
        for (k, v) in map {
            let Some(name) = k.as_scalar() else { continue };
            let Some(def) = fields::component_field(name) else {
                continue;
            };
            if let (Some(kinds), kind) = (def.kinds, c.kind.v)
                && !kinds.contains(&kind)
            {
                continue; // reported by check_keys
            }
            let p = join_into(&mut buf, path, name);
            macro_rules! set {
                ($field:ident, $e:expr) => {{
                    let x = $e;
                    c.$field = x.map(|x| self.sp(k, v, x));
                }};
            }
            // a field of `ComponentMore`
            macro_rules! more {
                ($field:ident, $e:expr) => {{
                    let x = $e.map(|x| self.sp(k, v, x));
                    set_more(&mut c.more, x, |m| &mut m.$field);
                }};
            }
            match name {
                "kind" => {}
                "tech" => set!(tech, self.string(p, v)),
                "description" => set!(description, self.string(p, v)),
                "public" => set!(public, self.boolean(p, v)),
                "replicas" => set!(replicas, self.int(p, v, 1, 1_000_000)),
                "owner" => set!(owner, self.string(p, v)),
                "tags" => set!(tags, self.str_list(p, v)),
                "domain" => set!(domain, self.string(p, v)),
                "stateful" => set!(stateful, self.boolean(p, v)),
                "rate_limit" => set!(rate_limit, self.rate_limit(p, v)),
                "latency" => set!(latency, self.qty(p, v, QuantityKind::Duration)),
                "availability" => set!(availability, self.qty(p, v, QuantityKind::Percent)),
                "capacity" => set!(capacity, self.qty(p, v, QuantityKind::Count)),
                "calls" => c.calls = self.calls(p, v),
                "consumes" => c.consumes = self.consumes(p, v),
                "rationale" => more!(rationale, self.string(p, v)),
                "alternatives" => more!(alternatives, self.alternatives(p, v)),
                "allow" => c.allow = self.allow(p, v),
                "model" => more!(model, self.enumv(p, v, DbModel::NAMES, DbModel::parse)),
                "access_patterns" => more!(
                    access_patterns,
                    self.enum_list(p, v, AccessPattern::NAMES, AccessPattern::parse)
                ),
                "data_volume" => more!(data_volume, self.qty(p, v, QuantityKind::Size)),
                "write_rps" => more!(write_rps, self.qty(p, v, QuantityKind::Count)),
                "replication" => more!(
                    replication,
                    self.enumv(p, v, Replication::NAMES, Replication::parse)
                ),
                "sharded" => more!(sharded, self.boolean(p, v)),
                "pattern" => more!(
                    pattern,
                    self.enumv(p, v, CachePattern::NAMES, CachePattern::parse)
                ),
                "ttl" => more!(
                    ttl,
                    match v.as_scalar() {
                        Some("none") if v.is_plain_scalar() => Some(None),
                        _ => self.qty(p, v, QuantityKind::Duration).map(Some),
                    }
                ),
                "invalidation" => more!(
                    invalidation,
                    self.enumv(p, v, Invalidation::NAMES, Invalidation::parse)
                ),
                "scope" => more!(
                    scope,
                    self.enumv(p, v, CacheScope::NAMES, CacheScope::parse)
                ),
                "caches" => more!(caches, self.reference(p, v, "caches")),
                "delivery" => more!(delivery, self.enumv(p, v, Delivery::NAMES, Delivery::parse)),
                "ordering" => more!(
                    ordering,
                    self.bool_or(
                        p,
                        v,
                        &["none", "per-key", "per-partition", "fifo", "global"]
                    )
                ),
                "replay" => more!(replay, self.boolean(p, v)),
                "dead_letter" => more!(dead_letter, self.boolean(p, v)),
                "throughput" => more!(throughput, self.qty(p, v, QuantityKind::Count)),
                "layer" => more!(
                    layer,
                    self.int(p, v, 4, 7).filter(|l| {
                        let ok = *l == 4 || *l == 7;
                        if !ok {
                            self.push(
                                Diagnostic::invalid(
                                    p,
                                    v.span,
                                    format!("`layer` must be 4 or 7, found `{l}`"),
                                )
                                .label("expected 4 or 7"),
                            );
                        }
                        ok
                    })
                ),
                "sticky_sessions" => more!(sticky_sessions, self.boolean(p, v)),
                "tls_termination" => more!(tls_termination, self.boolean(p, v)),
                "routing" => more!(
                    routing,
                    self.enum_list(p, v, Routing::NAMES, Routing::parse)
                        .map(|l| l.into_iter().map(|s| s.v).collect())
                ),
                _ => {}
            }
        }
    }

    fn bool_or(&mut self, path: &str, v: &Node, names: &[&str]) -> Option<bool> {
        if let Some(b) = v.as_bool() {
            return Some(b);
        }
        match v.as_scalar() {
            Some("none") => Some(false),
            Some(t) if names.contains(&t) => Some(true),
            _ => {
                let mut all = vec!["true", "false"];
                all.extend_from_slice(names);
                self.type_error(path, v, &format!("one of {}", list_values(&all)));
                None
            }
        }
    }

    fn rate_limit(&mut self, path: &str, v: &Node) -> Option<RateLimit> {
        if let Some(b) = v.as_bool() {
            return Some(if b { RateLimit::On } else { RateLimit::Off });
        }
        if v.as_map().is_none() {
            self.type_error(
                path,
                v,
                "`true`, `false` or a mapping `{ requests_per_second, per }`",
            );
            return None;
        }
        let map = v.as_map()?;
        self.check_keys(map, fields::RATE_LIMIT, path, None, "`rate_limit`");
        let mut rps = None;
        let mut per = None;
        for (k, val) in map {
            match k.as_scalar() {
                Some("requests_per_second") => {
                    rps = self.qty(&join(path, "requests_per_second"), val, QuantityKind::Count)
                }
                Some("per") => per = self.string(&join(path, "per"), val),
                _ => {}
            }
        }
        Some(RateLimit::Limit {
            requests_per_second: rps,
            per,
        })
    }

    fn alternatives(&mut self, path: &str, v: &Node) -> Option<Vec<(String, String)>> {
        let map = self.expect_map(path, v)?;
        let mut out = Vec::new();
        for (k, val) in map {
            let (Some(opt), Some(why)) =
                (k.as_scalar(), val.as_scalar().filter(|_| !val.is_null()))
            else {
                self.type_error(
                    &join(path, k.as_scalar().unwrap_or("?")),
                    val,
                    "a reason (string)",
                );
                continue;
            };
            out.push((opt.to_string(), why.to_string()));
        }
        Some(out)
    }

    /// The span of a list item: the scalar, or the first entry of a mapping item.
    fn item_span(&self, it: &Node) -> Span {
        match it.as_map() {
            Some(m) if !m.is_empty() => {
                let (k, v) = m
                    .iter()
                    .find(|(k, _)| matches!(k.as_scalar(), Some("to" | "from")))
                    .unwrap_or(&m[0]);
                let first = self.entry_span(k, v);
                if it.span.start() < first.start()
                    && self.src.line_of(it.span.start()) == self.src.line_of(first.start())
                {
                    // a flow mapping `{ to: x, ... }`: the whole item when it is on one line
                    if self.src.line_of(it.span.end().saturating_sub(1))
                        == self.src.line_of(it.span.start())
                    {
                        return it.span;
                    }
                }
                Span::new(
                    m[0].0.span.start().min(first.start()),
                    first.end().max(m[0].0.span.end()),
                )
            }
            _ => it.span,
        }
    }

    fn calls(&mut self, path: &str, v: &Node) -> Vec<Call> {
        // paths built in reused buffers: they are needed only for messages
        let (mut buf, mut item, mut to) = (String::new(), String::new(), String::new());
        let Some(items) = v.as_seq() else {
            if !v.is_null() {
                self.type_error(path, v, "a list of component ids or `{ to: ... }` mappings");
            }
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, it) in items.iter().enumerate() {
            item.clear();
            let _ = write!(item, "{path}[{i}]");
            let p: &str = &item;
            if it.as_scalar().is_some() {
                if let Some(to) = self.reference(p, it, "calls") {
                    out.push(Call {
                        to: Sp {
                            v: to,
                            span: it.span,
                        },
                        span: it.span,
                        protocol: None,
                        mode: None,
                        access: None,
                        timeout: None,
                        retry: None,
                        more: None,
                        allow: Vec::new(),
                    });
                }
                continue;
            }
            let Some(map) = it.as_map() else {
                self.type_error(p, it, "a component id or a mapping `{ to: ... }`");
                continue;
            };
            self.check_keys(map, fields::CALL, p, None, "a call");
            let Some((tk, tv)) = it.entry("to") else {
                self.push(
                    Diagnostic::invalid(p, self.item_span(it), "call has no `to`")
                        .label("`to` is required")
                        .help("name the component called: `- to: orders-db`"),
                );
                continue;
            };
            let Some(to) = self.reference(join_into(&mut to, p, "to"), tv, "calls") else {
                continue;
            };
            let mut c = Call {
                to: self.sp(tk, tv, to),
                span: self.item_span(it),
                protocol: None,
                mode: None,
                access: None,
                timeout: None,
                retry: None,
                more: None,
                allow: Vec::new(),
            };
            for (k, val) in map {
                let Some(name) = k.as_scalar() else { continue };
                let fp = join_into(&mut buf, p, name);
                macro_rules! set {
                    ($field:ident, $e:expr) => {{
                        let x = $e;
                        c.$field = x.map(|x| self.sp(k, val, x));
                    }};
                }
                // a field of `CallMore`
                macro_rules! more {
                    ($field:ident, $e:expr) => {{
                        let x = $e.map(|x| self.sp(k, val, x));
                        set_more(&mut c.more, x, |m| &mut m.$field);
                    }};
                }
                match name {
                    "protocol" => set!(
                        protocol,
                        self.string(fp, val).map(|s| s.to_ascii_lowercase())
                    ),
                    "mode" => set!(mode, self.enumv(fp, val, Mode::NAMES, Mode::parse)),
                    "access" => set!(access, self.enumv(fp, val, Access::NAMES, Access::parse)),
                    "read_from" => more!(
                        read_from,
                        self.enumv(fp, val, ReadFrom::NAMES, ReadFrom::parse)
                    ),
                    "timeout" => set!(timeout, self.qty(fp, val, QuantityKind::Duration)),
                    "retry" => set!(retry, self.retry(fp, val)),
                    "circuit_breaker" => more!(circuit_breaker, self.boolean(fp, val)),
                    "idempotent" => more!(idempotent, self.boolean(fp, val)),
                    "locking" => {
                        more!(locking, self.enumv(fp, val, Locking::NAMES, Locking::parse))
                    }
                    "realtime" => more!(realtime, self.boolean(fp, val)),
                    "streaming" => more!(streaming, self.boolean(fp, val)),
                    "per_request" => more!(per_request, self.qty(fp, val, QuantityKind::Count)),
                    "optional" => more!(optional, self.boolean(fp, val)),
                    "fallback" => more!(fallback, self.string(fp, val)),
                    "description" => {
                        self.string(fp, val);
                    }
                    "allow" => c.allow = self.allow(fp, val),
                    _ => {}
                }
            }
            out.push(c);
        }
        out
    }

    fn consumes(&mut self, path: &str, v: &Node) -> Vec<Consume> {
        let (mut buf, mut item, mut from) = (String::new(), String::new(), String::new());
        let Some(items) = v.as_seq() else {
            if !v.is_null() {
                self.type_error(path, v, "a list of queue ids or `{ from: ... }` mappings");
            }
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, it) in items.iter().enumerate() {
            item.clear();
            let _ = write!(item, "{path}[{i}]");
            let p: &str = &item;
            if it.as_scalar().is_some() {
                if let Some(from) = self.reference(p, it, "consumes") {
                    out.push(Consume {
                        from: Sp {
                            v: from,
                            span: it.span,
                        },
                        span: it.span,
                        idempotent: None,
                        retry: None,
                        allow: Vec::new(),
                    });
                }
                continue;
            }
            let Some(map) = it.as_map() else {
                self.type_error(p, it, "a queue id or a mapping `{ from: ... }`");
                continue;
            };
            self.check_keys(map, fields::CONSUME, p, None, "a consume");
            let Some((fk, fv)) = it.entry("from") else {
                self.push(
                    Diagnostic::invalid(p, self.item_span(it), "consume has no `from`")
                        .label("`from` is required")
                        .help("name the queue read from: `- from: orders-queue`"),
                );
                continue;
            };
            let Some(from) = self.reference(join_into(&mut from, p, "from"), fv, "consumes") else {
                continue;
            };
            let mut c = Consume {
                from: self.sp(fk, fv, from),
                span: self.item_span(it),
                idempotent: None,
                retry: None,
                allow: Vec::new(),
            };
            for (k, val) in map {
                let Some(name) = k.as_scalar() else { continue };
                let fp = join_into(&mut buf, p, name);
                match name {
                    "idempotent" => {
                        c.idempotent = self.boolean(fp, val).map(|x| self.sp(k, val, x))
                    }
                    "retry" => c.retry = self.retry(fp, val).map(|x| self.sp(k, val, x)),
                    "description" => {
                        self.string(fp, val);
                    }
                    "allow" => c.allow = self.allow(fp, val),
                    _ => {}
                }
            }
            out.push(c);
        }
        out
    }

    /// Resolve references, then sort the errors by position.
    fn finish(mut self) -> Vec<Diagnostic> {
        let ids = std::mem::take(&mut self.defined);
        let refs = std::mem::take(&mut self.refs);
        // candidates for "did you mean", in one order whatever the hash seed
        let mut names: Vec<&str> = Vec::new();
        if refs.iter().any(|r| !ids.contains_key(&r.id)) {
            names = ids.keys().collect();
            names.sort_unstable();
        }
        for r in refs {
            if ids.contains_key(&r.id) {
                continue;
            }
            let what = match r.field {
                "consumes" => "consumes from",
                "caches" => "caches",
                _ => "calls",
            };
            let mut d = Diagnostic::invalid(
                r.path,
                r.span,
                format!("`{what}` names unknown component `{}`", r.id),
            )
            .label("no component with this id");
            d = match suggest(&r.id, names.iter().copied()) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help("define it under `components:`, or fix the id"),
            };
            self.errors.push(d);
        }
        self.errors.sort_by_key(|d| (d.span.start(), d.span.end()));
        self.errors
            .dedup_by(|a, b| a.span == b.span && a.message == b.message);
        self.errors
    }
}

/// The field a path ends in, without list indices: `routing` for `components.lb.routing[1]`.
fn last_key(path: &str) -> &str {
    let tail = path.rsplit('.').next().unwrap_or(path);
    tail.split('[').next().unwrap_or(tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model and the errors, in a form two loads can be compared by.
    fn outcome(src: &SourceFile, stream: bool) -> String {
        // a few rule ids (the model does not know the rules); `allow`s naming others
        // are errors, the same either way
        let ids = [
            "sync-chain-too-long",
            "shared-database",
            "single-point-of-failure",
        ];
        let limits = Limits {
            max_components: 6,
            ..Limits::default()
        };
        let l = load_with(src, &ids, limits, stream);
        let errors: Vec<String> = l
            .errors
            .iter()
            .map(|d| {
                format!(
                    "{:?} {} {} {:?} {:?}",
                    d.span, d.path, d.message, d.label, d.help
                )
            })
            .collect();
        let index = l.model.as_ref().map(|m| {
            let mut ids: Vec<(&str, usize)> = m.index.keys().map(|k| (k, m.index[k])).collect();
            ids.sort_unstable();
            ids.into_iter()
                .map(|(k, i)| format!("{k}={i}"))
                .collect::<Vec<_>>()
        });
        format!(
            "{:#?}\n{index:?}\n{errors:#?}",
            l.model.as_ref().map(|m| &m.components)
        )
    }

    #[test]
    fn the_examples_stream() {
        struct Count(usize, usize);
        impl yaml::ComponentSink for Count {
            fn keys(&mut self, keys: &[Node<'_>]) -> bool {
                self.0 = keys.len();
                true
            }
            fn entry(&mut self, _: &Node<'_>, _: &Node<'_>) {
                self.1 += 1;
            }
        }
        let mut n = 0;
        for e in std::fs::read_dir("examples").unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_none_or(|x| x != "yaml") {
                continue;
            }
            let src = SourceFile::new("x", std::fs::read_to_string(&p).unwrap());
            let arena = yaml::Arena::new();
            let mut sink = Count(0, 0);
            let parsed = yaml::parse_streaming(&src, &arena, Limits::default(), &mut sink);
            let p = p.display();
            let root = parsed.unwrap_or_else(|| panic!("{p}: not streamed")).root;
            assert!(sink.0 > 3 && sink.0 == sink.1, "{p}");
            assert_eq!(
                root.get("components")
                    .and_then(|c| c.as_map())
                    .map(<[_]>::len),
                Some(0)
            );
            n += 1;
        }
        assert!(n > 10);
    }

    fn streaming_agrees(name: &str, text: &str) {
        let src = SourceFile::new(name, text);
        assert_eq!(outcome(&src, true), outcome(&src, false), "{name}");
    }

    #[test]
    fn streaming_the_components_loads_what_the_whole_tree_loads() {
        let mut files = Vec::new();
        for dir in ["examples", "tests/fixtures"] {
            let mut stack = vec![std::path::PathBuf::from(dir)];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).unwrap() {
                    let p = e.unwrap().path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|x| x == "yaml") {
                        files.push(p);
                    }
                }
            }
        }
        assert!(files.len() > 100);
        for p in files {
            let bytes = std::fs::read(&p).unwrap();
            streaming_agrees(&p.display().to_string(), &String::from_utf8_lossy(&bytes));
        }
        // what the streaming parse leaves to the whole tree, or gives up on midway
        let head = "name: s\nrequirements:\n  availability: 99.9%\n";
        for components in [
            "components:\n  a: {kind: service, calls: [b, zz]}\n  b:\n    kind: database\n",
            "components:\n  a: {kind: service}\n  a: {kind: worker}\n",
            "components:\n  ~: {kind: service}\n  b: {kind: nope}\n  c:\n  d: 3\n  calls: [b]\n",
            "components:\n  a:\n  - x\n  b: {kind: service}\n",
            "components:\n  a: {kind: service}\n  <<: {b: {kind: service}}\n",
            "components:\n  a: {kind: service, calls: [b]}\n  b: &x {kind: service}\n",
            "components:\n  a: {kind: service}\n    b: {kind: service}\n",
            "components:\n  a: {kind: service}\n b: {kind: service}\n",
            "components: {a: {kind: service}}\n",
            "components:\n",
            "components:\n  # none yet\n",
            "components:\n- a\n",
            "components:\n  a: {kind: service}\n  b: {kind: service}\n  c: {kind: service}\n  d: {kind: service}\n  e: {kind: service}\n  f: {kind: service}\n  g: {kind: service}\n",
            "components:\n  a:\n    kind: service\n    calls:\n      - to: b\n        timeout: 5 parsecs\n  b: {kind: service, consumes: [q]}\n  q: {kind: queue}\n",
        ] {
            streaming_agrees(components, &format!("{head}{components}"));
            streaming_agrees(components, &format!("{components}{head}"));
        }
    }
}
