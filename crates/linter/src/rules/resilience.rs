//! Failure modes and resilience: SPOFs, timeouts, retries, circuit breakers, budgets.

use super::Ctx;
use crate::graph::{Origin, SystemGraph};
use archlint_core::diag::Diagnostic;
use archlint_core::model::quantity::{fmt_duration, fmt_percent};
use archlint_core::model::*;

fn availability_target(m: &Architecture) -> Option<&Sp<f64>> {
    m.requirements.as_ref()?.availability.as_ref()
}

/// Replicas that serve a component: its own, except that an in-process cache lives
/// inside each replica of the components that call it.
pub(super) fn effective_replicas(m: &Architecture, g: &SystemGraph, v: usize) -> u64 {
    let c = &m.components[v];
    if c.kind() == Kind::Cache
        && c.more()
            .scope
            .as_ref()
            .is_some_and(|s| s.v == CacheScope::InProcess)
    {
        let hosts = g
            .incoming(v)
            .filter(|&e| matches!(g.edges[e].origin, Origin::Call(_)))
            .map(|e| m.components[g.edges[e].from].replicas());
        if let Some(min) = hosts.min() {
            return min.max(c.replicas());
        }
    }
    c.replicas()
}

pub(super) fn single_point_of_failure(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let Some(target) = availability_target(m) else {
        return vec![];
    };
    if target.v * 100.0 + 1e-9 < cx.opt("min_availability") {
        return vec![];
    }
    let (reached, parent) = g.sync_reach(&g.entry_phases(m));
    let target_text = fmt_percent(target.v);
    let mut out = Vec::new();
    for (i, c) in m.components.iter().enumerate() {
        if !reached[i] || c.kind().is_outside() || effective_replicas(m, g, i) > 1 {
            continue;
        }
        let path = g.path_to(&parent, i);
        let route = if path.is_empty() {
            format!("{} is an entry point", c.id)
        } else {
            format!("on the synchronous path {}", g.describe(m, &path))
        };
        let count = if c.replicas.is_some() {
            "1 replica".to_string()
        } else {
            "no `replicas` (so 1)".to_string()
        };
        let mut d = cx
            .diag(c.path(), c.span, format!("`{}` has {count} and is {route}: when it fails, requests fail, against a {target_text} availability target", c.id))
            .label("single point of failure")
            .help(match c.kind() {
                Kind::Database => "run a standby replica with automatic failover (`replicas: 2` or more), or `allow` this with the managed service's failover as the reason",
                Kind::Cache => "run the cache replicated (`replicas: 2` or more), or make callers fall back to the store when it is down",
                _ => "run at least 2 replicas behind a load balancer (`replicas: 2`), ideally in different zones",
            })
            .related("requirements.availability", target.span, format!("{target_text} required"));
        if let Some(r) = &c.replicas {
            d = d.related(c.field_path("replicas"), r.span, "only one replica");
        }
        out.push(d);
    }
    out
}

pub(super) fn sync_call_without_timeout(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let mut out = Vec::new();
    for (e, ed) in g.edges.iter().enumerate() {
        let Origin::Call(i) = ed.origin else { continue };
        let c = &m.components[ed.from];
        if !ed.sync || !c.kind().counts_as_hop() || g.is_local_call(m, e) {
            continue;
        }
        let call = &c.calls[i];
        if call.timeout.is_some() {
            continue;
        }
        out.push(
            cx.diag(g.edge_path(m, e), call.span, format!("synchronous call from `{}` to `{}` has no timeout", c.id, call.to.v))
                .label("waits forever if the callee hangs")
                .help("set `timeout:` a little above the callee's p99 (e.g. `timeout: 200ms`), so a slow dependency fails fast instead of exhausting this component's threads and connections"),
        );
    }
    out
}

fn retry_problem(r: &Retry) -> Option<String> {
    let Retry::Policy {
        backoff, jitter, ..
    } = r
    else {
        return None;
    };
    if !r.retries() {
        return None;
    }
    let b = match backoff {
        Some(Backoff::Exponential) => None,
        Some(Backoff::None) => Some("no backoff (`backoff: none`)".to_string()),
        Some(b) => Some(format!("{b} backoff")),
        None => Some("no backoff".to_string()),
    };
    let j = (*jitter != Some(true)).then_some("no jitter");
    match (b, j) {
        (None, None) => None,
        (Some(b), Some(j)) => Some(format!("{b} and {j}")),
        (Some(b), None) => Some(b),
        (None, Some(j)) => Some(j.to_string()),
    }
}

/// `3 attempts (2 retries)`: what `attempts:` counts, said without ambiguity.
fn tries(attempts: u64) -> String {
    let retries = attempts.saturating_sub(1);
    format!(
        "{attempts} attempts ({retries} {})",
        if retries == 1 { "retry" } else { "retries" }
    )
}

pub(super) fn retry_without_backoff(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let help = "use `retry: { attempts: 3, backoff: exponential, jitter: true }`: exponential backoff gives a struggling dependency room to recover, and jitter keeps clients from retrying in lockstep";
    for c in &cx.m.components {
        for (i, call) in c.calls.iter().enumerate() {
            let Some(r) = &call.retry else { continue };
            if let Some(problem) = retry_problem(&r.v) {
                out.push(
                    cx.diag(
                        c.call_path(i),
                        call.span,
                        format!(
                            "`{}` makes up to {} per call to `{}` with {problem}",
                            c.id,
                            tries(r.v.attempts()),
                            call.to.v
                        ),
                    )
                    .label(format!("retry with {problem}"))
                    .help(help)
                    .related(c.call_path(i), r.span, "retry policy"),
                );
            }
        }
        for (i, cons) in c.consumes.iter().enumerate() {
            let Some(r) = &cons.retry else { continue };
            if let Some(problem) = retry_problem(&r.v) {
                out.push(
                    cx.diag(
                        c.consume_path(i),
                        cons.span,
                        format!(
                            "`{}` makes up to {} per message from `{}` with {problem}",
                            c.id,
                            tries(r.v.attempts()),
                            cons.from.v
                        ),
                    )
                    .label(format!("retry with {problem}"))
                    .help(help)
                    .related(c.consume_path(i), r.span, "retry policy"),
                );
            }
        }
    }
    out
}

fn attempts(m: &Architecture, g: &SystemGraph, e: usize) -> f64 {
    g.call(m, e)
        .and_then(|c| c.retry.as_ref())
        .filter(|r| r.v.retries())
        .map_or(1.0, |r| r.v.attempts() as f64)
}

pub(super) fn retry_amplification(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let max = cx.opt("max_retrying_calls");
    // each edge's weight once, in edge order: the walks below visit edges in
    // topological order, and looking the call up there missed the cache on large designs
    let weights: Vec<f64> = (0..g.edges.len())
        .map(|e| {
            if g.edges[e].sync && attempts(m, g, e) > 1.0 {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let count = |e: usize| weights[e];
    let into = g.longest_into(count);
    let (from, _) = g.longest_from(count, |_| 0.0);
    let mut out = Vec::new();
    for (e, ed) in g.edges.iter().enumerate() {
        if count(e) == 0.0 || g.same_scc(ed.from, ed.to) {
            continue;
        }
        // the last retrying call of a chain with more than `max` of them
        if into.value[ed.from] + 1.0 <= max || from.value[ed.to] > 0.0 {
            continue;
        }
        let chain = g.chain_into(&into, e);
        let retrying: Vec<usize> = chain.iter().copied().filter(|&c| count(c) > 0.0).collect();
        let factors: Vec<f64> = retrying.iter().map(|&c| attempts(m, g, c)).collect();
        let product: f64 = factors.iter().product();
        let arithmetic = factors
            .iter()
            .map(|f| format!("{f}"))
            .collect::<Vec<_>>()
            .join(" × ");
        let mut d = cx
            .diag(g.edge_path(m, e), g.edge_span(m, e), format!(
                "{} calls retry on one synchronous chain ({}), so one request can become {arithmetic} = {product} calls to `{}`",
                retrying.len(),
                g.describe(m, &chain),
                m.components[ed.to].id
            ))
            .label(format!("up to {} attempts, inside retries upstream", attempts(m, g, e)))
            .help("retry at one layer only (usually the outermost, or the one closest to the failure), make the others fail fast, and add a retry budget or circuit breaker so retries cannot multiply during an outage");
        for &c in &retrying[..retrying.len() - 1] {
            let ced = g.edges[c];
            d = d.related(
                g.edge_path(m, c),
                g.edge_span(m, c),
                format!(
                    "{} -> {}: up to {} attempts",
                    m.components[ced.from].id,
                    m.components[ced.to].id,
                    attempts(m, g, c)
                ),
            );
        }
        out.push(d);
    }
    out
}

pub(super) fn missing_circuit_breaker(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let mut out = Vec::new();
    for (e, ed) in g.edges.iter().enumerate() {
        let Origin::Call(i) = ed.origin else { continue };
        let caller = &m.components[ed.from];
        let callee = &m.components[ed.to];
        if !ed.sync || callee.kind() != Kind::External || caller.kind().is_outside() {
            continue;
        }
        let call = &caller.calls[i];
        if Call::flag(&call.more().circuit_breaker) {
            continue;
        }
        out.push(
            cx.diag(g.edge_path(m, e), call.span, format!("synchronous call from `{}` to external `{}` has no circuit breaker", caller.id, callee.id))
                .label("no circuit breaker")
                .help("set `circuit_breaker: true` and a fallback: when the third party is down or slow, stop calling it for a while instead of tying up every request waiting on it"),
        );
    }
    out
}

/// Availability of one component served by `n` replicas: 1 - (1 - a)^n, a defaulting to 99.9%.
pub(super) fn component_availability(c: &Component, n: u64) -> f64 {
    let a = c.availability.as_ref().map_or(0.999, |x| x.v);
    1.0 - (1.0 - a).powi(n.min(1000) as i32)
}

fn superscript(n: u64) -> String {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    n.to_string()
        .chars()
        .map(|d| SUP[d.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

fn factor_text(c: &Component, n: u64) -> String {
    let a = c.availability.as_ref().map_or(0.999, |x| x.v);
    if n <= 1 {
        fmt_percent(a)
    } else {
        let down = 1.0 - a;
        format!(
            "(1 − {}{})",
            archlint_core::model::quantity::trim_num(down).trim_end_matches('0'),
            superscript(n)
        )
    }
}

/// Components in series that fall short of a target: their availabilities' product,
/// the weakest of them, and the product written out (`99.9% × 99.95%² × …`).
struct Series {
    product: f64,
    weakest: usize,
    arithmetic: String,
}

/// The series of `members` when its product is below `target`; `None` when it meets
/// the target or is empty.
fn series_below(
    m: &Architecture,
    g: &SystemGraph,
    members: &[usize],
    target: f64,
) -> Option<Series> {
    let avail = |v: usize| crate::rules::availability_of(m, g, v);
    let product: f64 = members.iter().map(|&v| avail(v)).product();
    if members.is_empty() || product >= target - 1e-12 {
        return None;
    }
    let weakest = *members
        .iter()
        .min_by(|&&a, &&b| avail(a).total_cmp(&avail(b)))
        .expect("non-empty");
    let arithmetic = members
        .iter()
        .map(|&v| factor_text(&m.components[v], effective_replicas(m, g, v)))
        .collect::<Vec<_>>()
        .join(" × ");
    Some(Series {
        product,
        weakest,
        arithmetic,
    })
}

fn availability_of_entries(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let Some(target) = availability_target(m) else {
        return vec![];
    };
    let counted = |v: usize| m.components[v].kind() != Kind::Client;
    let avail = |v: usize| crate::rules::availability_of(m, g, v);
    let unavail = |v: usize| {
        if counted(v) {
            -avail(v).max(1e-300).ln()
        } else {
            0.0
        }
    };
    let (crit, _) = g.longest_from(|e| g.hop_weight(e), unavail);
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut reported = std::collections::HashSet::new();
    for root in g.root_entry_points(m) {
        let path = g.follow(&crit, root);
        let nodes: Vec<usize> = if path.is_empty() {
            vec![root]
        } else {
            g.nodes_of(&path)
        };
        // the origin of the traffic is outside the system when it is a client or an external
        let members: Vec<usize> = nodes
            .iter()
            .copied()
            .filter(|&v| counted(v) && !(v == root && m.components[v].kind().is_outside()))
            .collect();
        if members.is_empty() {
            continue;
        }
        let Some(Series {
            product,
            weakest,
            arithmetic,
        }) = series_below(m, g, &members, target.v)
        else {
            continue;
        };
        if !reported.insert(weakest) {
            continue;
        }
        let w = &m.components[weakest];
        let route = if path.is_empty() {
            m.components[root].id.clone()
        } else {
            g.describe(m, &path)
        };
        let mut d = cx
            .diag(w.path(), w.span, format!(
                "availability along the critical path {route} is {arithmetic} = {} < {} target",
                fmt_percent(product), fmt_percent(target.v)
            ))
            .label(format!("weakest link: {}", fmt_percent(avail(weakest))))
            .help(format!(
                "components in series multiply their availabilities; add replicas to the weakest links (starting with `{}`), take components off the synchronous path, or relax the target",
                w.id
            ))
            .related("requirements.availability", target.span, format!("{} required", fmt_percent(target.v)));
        for &v in &members {
            if v != weakest {
                let c = &m.components[v];
                d = d.related(
                    c.path(),
                    c.span,
                    format!("{}: {}", c.id, fmt_percent(avail(v))),
                );
            }
        }
        out.push(d);
    }
    out
}

fn latency_of_entries(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let Some(req) = m.requirements.as_ref().and_then(|r| r.latency.as_ref()) else {
        return vec![];
    };
    let Some(p99) = req.v.p99 else { return vec![] };
    let lat = |v: usize| m.components[v].latency.as_ref().map_or(0.0, |l| l.v);
    let (worst, _) = g.longest_from(|e| lat(g.edges[e].to), |_| 0.0);
    let mut out = Vec::new();
    let mut reported = std::collections::HashSet::new();
    for root in g.root_entry_points(m) {
        let total = lat(root) + worst.value[root];
        if total <= p99 + 1e-12 {
            continue;
        }
        let path = g.follow(&worst, root);
        let nodes = if path.is_empty() {
            vec![root]
        } else {
            g.nodes_of(&path)
        };
        let slowest = *nodes
            .iter()
            .max_by(|&&a, &&b| lat(a).total_cmp(&lat(b)))
            .expect("non-empty");
        if !reported.insert(slowest) {
            continue;
        }
        let parts: Vec<String> = nodes
            .iter()
            .filter(|&&v| lat(v) > 0.0)
            .map(|&v| format!("{} {}", m.components[v].id, fmt_duration(lat(v))))
            .collect();
        let s = &m.components[slowest];
        let mut d = cx
            .diag(s.path(), s.span, format!(
                "synchronous path {} takes {} = {} at p99, over the {} budget",
                g.describe(m, &path).if_empty(&m.components[root].id),
                parts.join(" + "),
                fmt_duration(total),
                fmt_duration(p99)
            ))
            .label(format!("slowest step: {}", fmt_duration(lat(slowest))))
            .help("take work off the synchronous path (do it asynchronously, cache, or precompute), call independent dependencies in parallel, or make the slowest step faster")
            .related("requirements.latency", req.span, format!("p99 budget {}", fmt_duration(p99)));
        for &v in &nodes {
            if v != slowest && lat(v) > 0.0 {
                let c = &m.components[v];
                d = d.related(
                    c.field_path("latency"),
                    c.latency.as_ref().map_or(c.span, |l| l.span),
                    format!("{} takes {}", c.id, fmt_duration(lat(v))),
                );
            }
        }
        out.push(d);
    }
    out
}

trait IfEmpty {
    fn if_empty(self, other: &str) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, other: &str) -> String {
        if self.is_empty() {
            other.to_string()
        } else {
            self
        }
    }
}

/// A call's fallback, unless it is absent or `none`.
fn has_fallback(c: &archlint_core::model::Call) -> bool {
    c.more()
        .fallback
        .as_ref()
        .is_some_and(|f| !f.v.trim().eq_ignore_ascii_case("none"))
}

pub(super) fn no_fallback(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let mut out = Vec::new();
    for (e, ed) in g.edges.iter().enumerate() {
        let Origin::Call(i) = ed.origin else { continue };
        let caller = &m.components[ed.from];
        let callee = &m.components[ed.to];
        let call = &caller.calls[i];
        let optional = call.more().optional.as_ref().is_some_and(|o| o.v);
        let external = ed.sync && callee.kind() == Kind::External && !caller.kind().is_outside();
        if !(optional || external) || has_fallback(call) {
            continue;
        }
        let why = if optional {
            "is optional"
        } else {
            "goes to an external system"
        };
        let mut d = cx
            .diag(
                g.edge_path(m, e),
                call.span,
                format!(
                    "the call from `{}` to `{}` {why} but has no fallback: nothing says what the user gets when it fails",
                    caller.id, callee.id
                ),
            )
            .label("no fallback")
            .help(
                "say how the request degrades: `fallback: cache` (serve the last good answer), `default` (a safe default), `queue` (accept now, do it later), `skip` (leave that part out), or a sentence; if failing the request is right, say so with `allow: { no-fallback: \"reason\" }`",
            );
        if let Some(f) = &call.more().fallback {
            d = d.related(
                format!("{}.fallback", g.edge_path(m, e)),
                f.span,
                "`fallback: none`",
            );
        }
        out.push(d);
    }
    out
}

pub(super) fn optional_call_on_critical_path(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let crit = g.critical_paths();
    let mut on_path: Vec<(usize, usize)> = Vec::new(); // (edge, entry point)
    let mut seen = std::collections::HashSet::new();
    for entry in g.entry_points(m) {
        for e in g.follow(&crit, entry) {
            if seen.insert(e) {
                on_path.push((e, entry));
            }
        }
    }
    let mut out = Vec::new();
    for (e, entry) in on_path {
        let Some(call) = g.call(m, e) else { continue };
        if !call.more().optional.as_ref().is_some_and(|o| o.v) || has_fallback(call) {
            continue;
        }
        let ed = g.edges[e];
        let (caller, callee) = (&m.components[ed.from], &m.components[ed.to]);
        let path = g.follow(&crit, entry);
        out.push(
            cx.diag(
                g.edge_path(m, e),
                call.span,
                format!(
                    "the optional call from `{}` to `{}` is on the critical path of `{}` ({}) and has no fallback, so its failure still fails the request",
                    caller.id,
                    callee.id,
                    m.components[entry].id,
                    g.describe(m, &path)
                ),
            )
            .label("optional, but nothing catches its failure")
            .help(format!(
                "give it a `fallback:` (cache, default, queue, skip) and a short `timeout:`, or make it asynchronous; `optional: true` alone does not stop `{}` from failing when `{}` does",
                caller.id, callee.id
            )),
        );
    }
    out
}

pub(super) fn availability_below_target(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = availability_of_entries(cx);
    out.extend(availability_of_journeys(cx));
    out
}

pub(super) fn latency_budget_exceeded(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = latency_of_entries(cx);
    out.extend(latency_of_journeys(cx));
    out
}

/// The steps of a journey as component indices (validation made them known).
fn journey_nodes(m: &Architecture, j: &Journey) -> Vec<usize> {
    j.steps
        .iter()
        .filter_map(|s| m.index.get(&s.v).copied())
        .collect()
}

/// `a -> b -> c`.
fn journey_route(m: &Architecture, nodes: &[usize]) -> String {
    nodes
        .iter()
        .map(|&v| m.components[v].id.as_str())
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// Each journey against its own p99: the sum of its steps' `latency` (unset counts 0).
fn latency_of_journeys(cx: &Ctx) -> Vec<Diagnostic> {
    let m = cx.m;
    let lat = |v: usize| m.components[v].latency.as_ref().map_or(0.0, |l| l.v);
    let mut out = Vec::new();
    for j in &m.journeys {
        let Some(p99) = &j.p99 else { continue };
        let nodes = journey_nodes(m, j);
        let total: f64 = nodes.iter().map(|&v| lat(v)).sum();
        if total <= p99.v + 1e-12 {
            continue;
        }
        let parts: Vec<String> = nodes
            .iter()
            .filter(|&&v| lat(v) > 0.0)
            .map(|&v| format!("{} {}", m.components[v].id, fmt_duration(lat(v))))
            .collect();
        let mut d = cx
            .diag(
                j.path(),
                j.span,
                format!(
                    "journey `{}` ({}) takes {} = {} at p99, over its {} budget",
                    j.name,
                    journey_route(m, &nodes),
                    parts.join(" + "),
                    fmt_duration(total),
                    fmt_duration(p99.v)
                ),
            )
            .label(format!("{} over budget", fmt_duration(total - p99.v)))
            .help("take work off the journey's synchronous steps (asynchronous, cached or precomputed), call independent steps in parallel, make the slowest step faster, or relax the journey's target")
            .related(format!("{}.p99", j.path()), p99.span, format!("p99 budget {}", fmt_duration(p99.v)));
        for (i, s) in j.steps.iter().enumerate() {
            let v = m.index[&s.v];
            if lat(v) > 0.0 {
                d = d.related(
                    format!("{}.steps[{i}]", j.path()),
                    s.span,
                    format!("{} takes {}", s.v, fmt_duration(lat(v))),
                );
            }
        }
        out.push(d);
    }
    out
}

/// Each journey against its own availability target: the product over its steps
/// (clients not counted, externals counted, replicas as in the entry-point check).
fn availability_of_journeys(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let mut out = Vec::new();
    for j in &m.journeys {
        let Some(target) = &j.availability else {
            continue;
        };
        let nodes = journey_nodes(m, j);
        let members: Vec<usize> = nodes
            .iter()
            .copied()
            .filter(|&v| m.components[v].kind() != Kind::Client)
            .collect();
        let avail = |v: usize| crate::rules::availability_of(m, g, v);
        let Some(Series {
            product,
            weakest,
            arithmetic,
        }) = series_below(m, g, &members, target.v)
        else {
            continue;
        };
        let mut d = cx
            .diag(
                j.path(),
                j.span,
                format!(
                    "journey `{}` ({}) is available {arithmetic} = {} < its {} target",
                    j.name,
                    journey_route(m, &nodes),
                    fmt_percent(product),
                    fmt_percent(target.v)
                ),
            )
            .label(format!("weakest step: `{}` at {}", m.components[weakest].id, fmt_percent(avail(weakest))))
            .help(format!(
                "steps in series multiply their availabilities; add replicas to the weakest (starting with `{}`), take a step off the journey's synchronous path, or relax the journey's target",
                m.components[weakest].id
            ))
            .related(format!("{}.availability", j.path()), target.span, format!("{} required", fmt_percent(target.v)));
        for (i, s) in j.steps.iter().enumerate() {
            let v = m.index[&s.v];
            if v == weakest {
                d = d.related(
                    format!("{}.steps[{i}]", j.path()),
                    s.span,
                    format!("weakest: {}", fmt_percent(avail(v))),
                );
            }
        }
        out.push(d);
    }
    out
}
