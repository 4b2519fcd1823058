//! `archlint drift`: the design held to the traffic a running system recorded.
//!
//! Observed services map to components by id, then by a component's `aliases:`, then
//! by the caller's map (`--map`); the six findings of the `drift` category compare
//! the calls, the rates, the latencies and the failures with what the design says.
//! A call through a queue (the producer calls the queue, the consumer reads it) is the
//! declared form of an observed producer → consumer pair.

use std::collections::{BTreeMap, BTreeSet};

use archlint_core::diag::{Diagnostic, first_few};
use archlint_core::model::quantity::{fmt_count, fmt_duration, fmt_percent};
use archlint_core::model::{Architecture, Kind, Mode};
use archlint_core::source::Span;

use crate::observed::{Edge, Observed};
use crate::rules::RULES;

/// An observed file, with its name for the messages.
pub struct Recorded<'a> {
    pub name: &'a str,
    pub observed: &'a Observed,
}

/// What a drift comparison needs besides the design.
pub struct Options<'a> {
    /// service name -> component id, from `--map`.
    pub map: &'a BTreeMap<String, String>,
    /// How long the recording covers, in seconds (`--window`): rates need it.
    pub window: Option<f64>,
}

/// A component's index by a recorded service name: its id, an alias, the map.
fn resolver(m: &Architecture, map: &BTreeMap<String, String>) -> BTreeMap<String, usize> {
    let mut by: BTreeMap<String, usize> = BTreeMap::new();
    for (i, c) in m.components.iter().enumerate() {
        by.insert(c.id.to_ascii_lowercase(), i);
    }
    for (i, c) in m.components.iter().enumerate() {
        for a in c
            .more()
            .aliases
            .as_ref()
            .map_or(&[][..], |a| a.v.as_slice())
        {
            by.entry(a.to_ascii_lowercase()).or_insert(i);
        }
    }
    for (service, id) in map {
        if let Some(&i) = m.index.get(id) {
            by.insert(service.to_ascii_lowercase(), i);
        }
    }
    by
}

fn diag(id: &str, path: String, span: Span, message: String) -> Diagnostic {
    let rule = RULES.iter().find(|r| r.id == id).expect("a drift rule");
    Diagnostic::new(rule.id, rule.severity, path, span, message)
}

/// One pair of components as recorded, every file's records of it together.
#[derive(Default, Clone)]
struct Pair {
    calls: f64,
    errors: Option<f64>,
    p99: Option<f64>,
    /// `file:line` of the first record.
    seen_at: String,
}

/// A recorded call the design does not declare: caller, callee, calls recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Undeclared {
    pub from: String,
    pub to: String,
    pub calls: f64,
}

/// What a comparison found.
pub struct Comparison {
    /// The findings, unsorted and without fingerprints ([`crate::rules::settle`]).
    pub findings: Vec<Diagnostic>,
    /// What could not be compared, for the reader.
    pub notes: Vec<String>,
    /// The calls `--fix` adds.
    pub undeclared: Vec<Undeclared>,
}

/// Compare the design with the recordings: the findings (unsorted, without
/// fingerprints), notes on what could not be compared, and the calls `--fix` adds.
pub fn compare(m: &Architecture, recorded: &[Recorded], opts: &Options) -> Comparison {
    let by = resolver(m, opts.map);
    let comp = |name: &str| by.get(&name.to_ascii_lowercase()).copied();
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let mut undeclared = Vec::new();
    let components_span = m.components_span.unwrap_or(Span::new(0, 0));
    // pairs of components, and the services that map to none
    let mut pairs: BTreeMap<(usize, usize), Pair> = BTreeMap::new();
    let mut unknown: BTreeMap<String, (f64, String)> = BTreeMap::new();
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    // what each component received, from every caller (a load generator or a
    // service the design lacks loads it as much as a declared caller)
    let mut into: BTreeMap<usize, Pair> = BTreeMap::new();
    for r in recorded {
        for e in &r.observed.edges {
            let at = format!("{}:{}", r.name, e.line);
            let ends = (comp(&e.parent), comp(&e.child));
            for (name, c) in [(&e.parent, ends.0), (&e.child, ends.1)] {
                match c {
                    Some(i) => {
                        seen.insert(i);
                    }
                    None => {
                        let u = unknown.entry(name.clone()).or_insert((0.0, at.clone()));
                        u.0 += e.calls;
                    }
                }
            }
            if let Some(b) = ends.1 {
                merge(into.entry(b).or_default(), e, &at);
            }
            if let (Some(a), Some(b)) = ends
                && a != b
            {
                merge(pairs.entry((a, b)).or_default(), e, &at);
            }
        }
    }
    for (service, (calls, at)) in &unknown {
        out.push(
            diag(
                "unknown-service",
                "components".into(),
                components_span,
                format!(
                    "`{service}` is in the recorded traffic ({} calls, {at}) but maps to no component",
                    fmt_count(*calls)
                ),
            )
            .label("no component is this service")
            .help(format!(
                "add `aliases: [{service}]` to the component it is, add it as a component if the design lacks it, or map it with `--map`"
            )),
        );
    }
    // declared calls, and the producer -> consumer pairs a queue stands between: one
    // hash lookup per call and consume, one scan of a caller's calls per recorded pair
    let idx = |id: &str| m.index.get(id).copied();
    let declared: BTreeSet<(usize, usize)> = m
        .components
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            c.calls
                .iter()
                .filter_map(move |k| idx(&k.to.v).map(|j| (i, j)))
        })
        .collect();
    let mut consumers: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (i, c) in m.components.iter().enumerate() {
        for q in &c.consumes {
            if let Some(j) = idx(&q.from.v) {
                consumers.insert((j, i));
            }
        }
    }
    let through_queue = |a: usize, b: usize| {
        m.components[a].calls.iter().any(|k| {
            idx(&k.to.v).is_some_and(|q| {
                m.components[q].kind() == Kind::Queue && consumers.contains(&(q, b))
            })
        })
    };
    let window = opts.window;
    let per = |calls: f64| window.map(|w| calls / w.max(1e-9));
    for (&(a, b), p) in &pairs {
        if declared.contains(&(a, b)) || through_queue(a, b) {
            continue;
        }
        let (ca, cb) = (&m.components[a], &m.components[b]);
        undeclared.push(Undeclared {
            from: ca.id.clone(),
            to: cb.id.clone(),
            calls: p.calls,
        });
        let rate = per(p.calls)
            .map(|r| format!(", {} rps", fmt_count(r)))
            .unwrap_or_default();
        out.push(
            diag(
                "undeclared-call",
                ca.path(),
                ca.span,
                format!(
                    "`{}` calls `{}` in the recorded traffic ({} calls{rate}, {}), but the design does not declare it",
                    ca.id,
                    cb.id,
                    fmt_count(p.calls),
                    p.seen_at
                ),
            )
            .label("the call is missing here")
            .related(cb.path(), cb.span, format!("`{}` is called", cb.id))
            .help(format!(
                "declare it (`- to: {}` under `{}`'s calls, with its timeout), or find out why the system makes a call the design does not have; `archlint drift --fix` adds it",
                cb.id, ca.id
            )),
        );
    }
    // declared synchronous calls of a component the recording saw, never recorded (a
    // traced caller records its calls, traced callee or not); a component the
    // recording never saw is a note, not one finding per call
    let mut untraced: Vec<&str> = Vec::new();
    for (i, c) in m.components.iter().enumerate() {
        for (k, call) in c.calls.iter().enumerate() {
            let Some(j) = idx(&call.to.v) else {
                continue;
            };
            let sync = call
                .mode
                .as_ref()
                .map_or(m.components[j].kind() != Kind::Queue, |md| {
                    md.v == Mode::Sync
                });
            let startup = call.more().startup.as_ref().is_some_and(|s| s.v);
            if !sync || startup || pairs.contains_key(&(i, j)) {
                continue;
            }
            if !seen.contains(&i) {
                if untraced.last() != Some(&c.id.as_str()) {
                    untraced.push(&c.id);
                }
                continue;
            }
            let callee = if seen.contains(&j) {
                "though both do".to_string()
            } else {
                format!("and neither does `{}`", call.to.v)
            };
            out.push(
                diag(
                    "unobserved-call",
                    format!("{}.calls[{k}]", c.path()),
                    call.span,
                    format!(
                        "the design's synchronous call from `{}` to `{}` never appears in the recorded traffic, {callee}",
                        c.id, call.to.v
                    ),
                )
                .label("never recorded")
                .help("remove the call if the system no longer makes it, mark it `mode: async` or `startup: true` if that is how it is made, or record a longer window"),
            );
        }
    }
    if !untraced.is_empty() {
        notes.push(format!(
            "{} never in the recorded traffic, so {} calls were not compared: {}",
            if untraced.len() == 1 {
                "1 component that makes calls is"
            } else {
                "components that make calls are"
            },
            if untraced.len() == 1 { "its" } else { "their" },
            first_few(
                &untraced
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>(),
                5
            )
        ));
    }
    if window.is_none() && pairs.values().any(|p| p.calls > 0.0) {
        notes.push("no `--window`: the recorded counts are not rates, so loads are not compared with capacities".into());
    }
    for (&b, t) in &into {
        let c = &m.components[b];
        if let (Some(rate), Some(cap)) = (per(t.calls), c.capacity.as_ref()) {
            let total = cap.v * c.replicas() as f64;
            if rate > total {
                out.push(
                    diag(
                        "observed-load-over-capacity",
                        c.field_path("capacity"),
                        cap.span,
                        format!(
                            "`{}` received {} rps in the recorded traffic ({} calls over {}), above its capacity of {} replica{} × {} rps = {} rps",
                            c.id,
                            fmt_count(rate),
                            fmt_count(t.calls),
                            fmt_duration(window.unwrap_or(0.0)),
                            c.replicas(),
                            if c.replicas() == 1 { "" } else { "s" },
                            fmt_count(cap.v),
                            fmt_count(total)
                        ),
                    )
                    .label("capacity exceeded in production")
                    .help("add replicas or capacity, or find the caller sending more than the design expects (`archlint estimate --observed` shows the modelled rate beside it)"),
                );
            }
        }
        if let (Some(p99), Some(lat)) = (t.p99, c.latency.as_ref())
            && p99 > lat.v * (1.0 + 1e-9)
        {
            out.push(
                diag(
                    "observed-latency-over-budget",
                    c.field_path("latency"),
                    lat.span,
                    format!(
                        "`{}` answered at a recorded p99 of {}, over its stated latency of {}",
                        c.id,
                        fmt_duration(p99),
                        fmt_duration(lat.v)
                    ),
                )
                .label("slower in production")
                .help("state the latency the system has (and see what it does to the budgets), or make it faster"),
            );
        }
        if let (Some(errors), Some(av)) = (t.errors, c.availability.as_ref())
            && t.calls > 0.0
        {
            let rate = errors / t.calls;
            let allowed = 1.0 - av.v;
            if rate > allowed + 1e-12 {
                out.push(
                    diag(
                        "observed-error-rate",
                        c.field_path("availability"),
                        av.span,
                        format!(
                            "{} of the calls to `{}` failed in the recorded traffic ({} of {}), more than the {} its availability of {} allows",
                            fmt_percent(rate),
                            c.id,
                            fmt_count(errors),
                            fmt_count(t.calls),
                            fmt_percent(allowed),
                            fmt_percent(av.v)
                        ),
                    )
                    .label("fails more often in production")
                    .help("find what fails (the recorded errors per caller), or state the availability it has and see what the availability rules say"),
                );
            }
        }
    }
    // journeys: the recorded p99s of their steps' calls, summed
    for j in &m.journeys {
        let Some(budget) = &j.p99 else { continue };
        let steps: Vec<Option<usize>> = j.steps.iter().map(|s| idx(&s.v)).collect();
        let mut sum = 0.0;
        let mut terms = Vec::new();
        let mut hops = Vec::new();
        let mut all = true;
        for w in steps.windows(2) {
            match (w[0], w[1]) {
                (Some(a), Some(b)) => match pairs.get(&(a, b)).and_then(|p| p.p99) {
                    Some(x) => {
                        sum += x;
                        let (ca, cb) = (&m.components[a], &m.components[b]);
                        terms.push(format!("{} → {} {}", ca.id, cb.id, fmt_duration(x)));
                        // the hop where the design declares it, else the caller
                        let at = ca
                            .calls
                            .iter()
                            .position(|k| k.to.v == cb.id)
                            .map_or((ca.path(), ca.span), |k| {
                                (format!("{}.calls[{k}]", ca.path()), ca.calls[k].span)
                            });
                        hops.push((
                            at,
                            format!(
                                "{}. `{}` → `{}`: p99 {}",
                                hops.len() + 1,
                                ca.id,
                                cb.id,
                                fmt_duration(x)
                            ),
                        ));
                    }
                    None => all = false,
                },
                _ => all = false,
            }
        }
        if all && steps.len() > 1 && sum > budget.v * (1.0 + 1e-9) {
            let mut d = diag(
                    "observed-latency-over-budget",
                    format!("{}.p99", j.path()),
                    budget.span,
                    format!(
                        "journey `{}` took {} at the recorded p99 ({}), over its budget of {}",
                        j.name,
                        fmt_duration(sum),
                        terms.join(" + "),
                        fmt_duration(budget.v)
                    ),
                )
                .label("over budget in production")
                .help("find the slow step (each call's recorded p99), make a step asynchronous or cached, or state the budget the journey has");
            for ((path, span), what) in hops {
                d = d.related(path, span, what);
            }
            out.push(d);
        }
    }
    Comparison {
        findings: out,
        notes,
        undeclared,
    }
}

fn merge(p: &mut Pair, e: &Edge, at: &str) {
    p.calls += e.calls;
    if let Some(x) = e.errors {
        *p.errors.get_or_insert(0.0) += x;
    }
    p.p99 = match (p.p99, e.p99) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    };
    if p.seen_at.is_empty() {
        p.seen_at = at.to_string();
    }
}

/// The recorded calls into each component, whoever made them, for `estimate
/// --observed`: component id -> calls (divide by the window for a rate).
pub fn observed_calls(
    m: &Architecture,
    recorded: &[Recorded],
    map: &BTreeMap<String, String>,
) -> BTreeMap<String, f64> {
    let by = resolver(m, map);
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    for r in recorded {
        for e in &r.observed.edges {
            if let Some(&b) = by.get(&e.child.to_ascii_lowercase()) {
                *out.entry(m.components[b].id.clone()).or_default() += e.calls;
            }
        }
    }
    out
}
