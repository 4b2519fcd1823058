//! Loading and validation: spanned YAML tree -> typed [`Architecture`].
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
    /// The parts of the file the errors put at fault: left out of `model`, and what
    /// findings they hold back.
    pub faults: super::recover::Faults,
}

/// Parse and validate `src`. `rule_ids` are the ids an `allow` may name.
pub fn load(src: &SourceFile, rule_ids: &[&str], limits: Limits) -> Loaded {
    let mut l = Loader {
        src,
        rule_ids,
        max_components: limits.max_components,
        errors: Vec::new(),
        refs: Vec::new(),
        defined: IdMap::default(),
        left_out_neighbours: Vec::new(),
    };
    // the whole tree is about 3.3 bytes per byte of text (see `yaml::Arena::for_text`)
    let arena = yaml::Arena::for_text(src.text.len());
    let parsed = match yaml::parse(src, &arena, limits) {
        Ok(p) => p,
        Err(e) => {
            return Loaded {
                model: None,
                errors: vec![yaml_error("", e)],
                faults: super::recover::Faults {
                    any: true,
                    whole_file: true,
                    traffic: true,
                    structure: true,
                    units: Vec::new(),
                },
            };
        }
    };
    l.errors
        .extend(parsed.problems.into_iter().map(|e| yaml_error("", e)));
    let mut model = l.top(&parsed.root, Architecture::default());
    if let Some(m) = &model {
        consumes_from_queues(m, &mut l.errors);
        check_shares(m, &mut l.errors);
        check_entities(m, &mut l.errors);
        check_journeys(m, &mut l.errors);
    }
    let neighbours = std::mem::take(&mut l.left_out_neighbours);
    let errors = l.finish();
    let mut faults = super::recover::Faults::locate(&parsed.root, &errors);
    faults.left_out_neighbours(neighbours);
    if let Some(m) = &mut model {
        super::recover::recover(m, &mut faults);
    }
    Loaded {
        model,
        errors,
        faults,
    }
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

/// A journey's steps are components, and each step calls the next: the
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

/// A consume is an async edge from a queue; consuming from a database or a
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

/// Shares say where a stream of requests goes: the clients' parts of the system's
/// requests, and each router's parts of its own. Each set adds up to 100% at most; and
/// a `share` on a call of a component that is not a router is a mistake, since such a
/// component makes every call for each request (`per_request` says how many).
fn check_shares(m: &Architecture, errors: &mut Vec<Diagnostic>) {
    let clients: Vec<(String, &str, &Sp<f64>)> = m
        .components
        .iter()
        .filter_map(|c| {
            let s = c.more().share.as_ref()?;
            Some((format!("components.{}.share", c.id), c.id.as_str(), s))
        })
        .collect();
    over_100(
        errors,
        &clients,
        "the clients' shares of the system's requests",
        "lower them so that they add up to 100% at most; clients without a `share` split what is left evenly",
    );
    for c in &m.components {
        let shares: Vec<(String, &str, &Sp<f64>)> = c
            .calls
            .iter()
            .enumerate()
            .filter_map(|(i, call)| {
                let s = call.more().share.as_ref()?;
                Some((format!("{}.share", c.call_path(i)), call.to.v.as_str(), s))
            })
            .collect();
        if shares.is_empty() {
            continue;
        }
        if !c.is_router() {
            for (path, _, s) in &shares {
                errors.push(
                    Diagnostic::invalid(
                        path.clone(),
                        s.span,
                        format!(
                            "`share` on a call of `{}`, a {} that makes every call for each request it receives",
                            c.id,
                            c.kind()
                        ),
                    )
                    .label("only a router's calls have shares")
                    .help(format!(
                        "say how many calls each request makes with `per_request` (0.3: one request in three, 2: two calls each), or add `routes: true` to `{}` if it sends each request to one of its callees",
                        c.id
                    )),
                );
            }
            continue;
        }
        // the calls a request is split between: synchronous, without `per_request`
        let split: Vec<&Call> = c
            .calls
            .iter()
            .filter(|call| {
                // an unknown callee is reported elsewhere; count it as synchronous
                let callee = m
                    .index
                    .get(&call.to.v)
                    .map_or(Kind::Service, |&t| m.components[t].kind());
                call.is_sync_to(callee) && call.more().per_request.is_none()
            })
            .collect();
        let total: f64 = split
            .iter()
            .filter_map(|call| call.more().share.as_ref().map(|s| s.v))
            .sum();
        if !split.is_empty()
            && split.iter().all(|call| call.more().share.is_some())
            && total < 0.99
            && let Some((path, _, s)) = shares.last()
        {
            errors.push(
                Diagnostic::invalid(
                    path.clone(),
                    s.span,
                    format!(
                        "the shares of `{}`'s calls add up to {}: the other {} of its requests go nowhere",
                        c.id,
                        q::fmt_percent(total),
                        q::fmt_percent(1.0 - total)
                    ),
                )
                .label("every call has a share, and they add up to less than 100%")
                .help("make the shares add up to 100%, or leave one call without a `share` to take the rest"),
            );
        }
        over_100(
            errors,
            &shares,
            &format!("the shares of `{}`'s calls", c.id),
            &format!(
                "`{}` sends each request to one of its callees: lower the shares so that they add up to 100% at most",
                c.id
            ),
        );
    }
}

/// One error when `shares` (path, what, share) add up to more than 100%: at the share
/// that takes the sum over, the others as related locations, the sum in the message.
fn over_100(
    errors: &mut Vec<Diagnostic>,
    shares: &[(String, &str, &Sp<f64>)],
    what: &str,
    help: &str,
) {
    let total: f64 = shares.iter().map(|(_, _, s)| s.v).sum();
    if total <= 1.0 + 1e-9 {
        return;
    }
    let mut running = 0.0;
    let at = shares
        .iter()
        .position(|(_, _, s)| {
            running += s.v;
            running > 1.0 + 1e-9
        })
        .unwrap_or(shares.len() - 1);
    let parts: Vec<String> = shares
        .iter()
        .map(|(_, w, s)| format!("{w} {}", q::fmt_percent(s.v)))
        .collect();
    let (path, _, s) = &shares[at];
    let mut d = Diagnostic::invalid(
        path.clone(),
        s.span,
        format!(
            "{what} add up to {} ({}), more than 100%",
            q::fmt_percent(total),
            parts.join(" + ")
        ),
    )
    .label("takes the sum over 100%")
    .help(help);
    for (i, (p, w, x)) in shares.iter().enumerate() {
        if i != at {
            d = d.related(p.clone(), x.span, format!("{w}: {}", q::fmt_percent(x.v)));
        }
    }
    errors.push(d);
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
    /// The components called, consumed from or cached by a component left out for
    /// having no valid kind: they lost a neighbour, so their findings are held back.
    left_out_neighbours: Vec<String>,
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
}

mod components;
mod sections;

/// The field a path ends in, without list indices: `routing` for `components.lb.routing[1]`.
fn last_key(path: &str) -> &str {
    let tail = path.rsplit('.').next().unwrap_or(path);
    tail.split('[').next().unwrap_or(tail)
}

#[cfg(test)]
mod tests;
