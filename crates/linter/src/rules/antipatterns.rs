//! Anti-patterns: structural mistakes in how components talk to each other.

use std::collections::{HashSet, VecDeque};
use std::sync::OnceLock;

use regex::Regex;

use super::Ctx;
use crate::graph::Origin;
use archlint_core::diag::Diagnostic;
use archlint_core::model::quantity::Num;
use archlint_core::model::{CacheScope, Invalidation, Kind, Locking, Retry, Stage};

fn is_app(k: Kind) -> bool {
    matches!(k, Kind::Service | Kind::Worker | Kind::Gateway)
}

pub(super) fn microservices_for_v1(cx: &Ctx) -> Vec<Diagnostic> {
    let Some(stage) = &cx.m.stage else {
        return vec![];
    };
    if !matches!(stage.v, Stage::Prototype | Stage::V1) {
        return vec![];
    }
    let max = cx.opt("max_services") as usize;
    let apps: Vec<_> =
        cx.m.components
            .iter()
            .filter(|c| is_app(c.kind()))
            .collect();
    if apps.len() <= max {
        return vec![];
    }
    // named in id order (independent of the file's order), labelled in file order
    let mut names: Vec<&str> = apps.iter().map(|c| c.id.as_str()).collect();
    names.sort_unstable();
    let mut d = cx
        .diag(
            "stage",
            stage.span,
            format!(
                "a {} system with {} deployable services, workers and gateways (more than {max}): {}",
                stage.v,
                apps.len(),
                names.join(", ")
            ),
        )
        .label(format!("stage is `{}`", stage.v))
        .help("start with a modular monolith (one deployable with clear internal modules) and split out a service only when a team or a scaling need demands it");
    for c in apps.iter().take(12) {
        d = d.related(
            c.path(),
            c.span,
            format!("{} is a separate deployable", c.display()),
        );
    }
    vec![d]
}

pub(super) fn sync_chain_too_long(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let max = cx.opt("max_hops");
    let weight = |e: usize| g.hop_weight(e);
    let into = g.longest_into(weight);
    let (from, _) = g.longest_from(weight, |_| 0.0);
    let mut out = Vec::new();
    for (e, ed) in g.edges.iter().enumerate() {
        if !ed.sync || g.same_scc(ed.from, ed.to) {
            continue;
        }
        let w = weight(e);
        // report each chain once: at the call whose hop takes it past the limit
        if w == 0.0 || into.value[ed.from] > max || into.value[ed.from] + w <= max {
            continue;
        }
        let mut chain = g.chain_into(&into, e);
        let crossing = chain.len() - 1;
        chain.extend(g.follow(&from, ed.to));
        let hops: f64 = chain.iter().map(|&c| weight(c)).sum();
        let desc = g.describe(m, &chain);
        let caller = &m.components[ed.from];
        let mut d = cx
            .diag(
                g.edge_path(m, e),
                g.edge_span(m, e),
                format!("synchronous chain of {} hops (more than {}): {desc}", Num(hops), Num(max)),
            )
            .label(format!("hop {}: {} -> {} goes past the limit of {}", Num(into.value[ed.from] + w), caller.id, m.components[ed.to].id, Num(max)))
            .help(format!(
                "each synchronous hop adds its latency and its failure rate to the request; make a call on this chain asynchronous (publish an event or a job), merge services that always call each other, or let {} keep a copy of the data it needs",
                m.components[g.edges[chain[0]].from].id
            ));
        let mut hop = 0.0;
        for (i, &ce) in chain.iter().enumerate() {
            let hw = weight(ce);
            hop += hw;
            if i == crossing {
                continue;
            }
            let ced = g.edges[ce];
            let label = if hw > 0.0 {
                format!(
                    "hop {}: {} -> {}",
                    Num(hop),
                    m.components[ced.from].id,
                    m.components[ced.to].id
                )
            } else {
                format!(
                    "{} -> {} (not a hop: {} is transparent)",
                    m.components[ced.from].id,
                    m.components[ced.to].id,
                    m.components[ced.from].kind()
                )
            };
            d = d.related(g.edge_path(m, ce), g.edge_span(m, ce), label);
        }
        out.push(d);
    }
    out
}

pub(super) fn sync_call_cycle(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let mut out = Vec::new();
    for members in g.cycles() {
        // start at the smallest id, so the report does not depend on the file's order
        let Some(&start) = members.iter().min_by_key(|&&v| &m.components[v].id) else {
            continue;
        };
        let cycle = g.cycle_through(start);
        let Some(&first) = cycle.first() else {
            continue;
        };
        let desc = g.describe(m, &cycle);
        let mut d = cx
            .diag(g.edge_path(m, first), g.edge_span(m, first), format!("components call each other synchronously in a cycle: {desc}"))
            .label(format!("{} calls {}", m.components[start].id, m.components[g.edges[first].to].id))
            .help("a synchronous cycle can deadlock and turns one slow component into an outage of all of them; break it by making one call asynchronous (an event or a queue), or by moving the shared logic into one component");
        for &e in &cycle[1..] {
            let ed = g.edges[e];
            d = d.related(
                g.edge_path(m, e),
                g.edge_span(m, e),
                format!(
                    "{} calls {}",
                    m.components[ed.from].id, m.components[ed.to].id
                ),
            );
        }
        if members.len() > cycle.len() {
            let mut others: Vec<&str> = members
                .iter()
                .map(|&v| m.components[v].id.as_str())
                .collect();
            others.sort_unstable();
            d.message.push_str(&format!(
                " (the cycle joins {} components: {})",
                members.len(),
                others.join(", ")
            ));
        }
        out.push(d);
    }
    out
}

pub(super) fn shared_database(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let max = cx.opt("max_writers") as usize;
    let mut out = Vec::new();
    for (i, db) in m.components.iter().enumerate() {
        if db.kind() != Kind::Database {
            continue;
        }
        let mut writers: Vec<(usize, usize)> = Vec::new(); // (component, edge)
        let mut seen = HashSet::new();
        for e in g.incoming(i) {
            let ed = g.edges[e];
            let Some(call) = g.call(m, e) else { continue };
            if call.writes() && is_app(m.components[ed.from].kind()) && seen.insert(ed.from) {
                writers.push((ed.from, e));
            }
        }
        if writers.len() <= max {
            continue;
        }
        let mut names: Vec<&str> = writers
            .iter()
            .map(|&(w, _)| m.components[w].id.as_str())
            .collect();
        names.sort_unstable();
        writers.sort_by_key(|&(_, e)| g.edge_span(m, e).start());
        let mut d = cx
            .diag(db.path(), db.span, format!("database `{}` is written by {} components: {}", db.id, writers.len(), names.join(", ")))
            .label("shared by several writers")
            .help(format!(
                "give the data one owner: let one component write `{}` and have the others call its API or react to its events; if they only read, mark their calls `access: read`",
                db.id
            ));
        for &(w, e) in &writers {
            d = d.related(
                g.edge_path(m, e),
                g.edge_span(m, e),
                format!("{} writes here", m.components[w].id),
            );
        }
        out.push(d);
    }
    out
}

pub(super) fn public_api_without_rate_limit(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let n = m.components.len();
    let mut seen = vec![false; n];
    let mut parent: Vec<Option<usize>> = vec![None; n];
    let mut queue = VecDeque::new();
    let mut hits = Vec::new();
    for phase in g.entry_phases(m) {
        for v in phase {
            if !m.components[v].has_rate_limit() && !seen[v] {
                seen[v] = true;
                queue.push_back(v);
            }
        }
        while let Some(u) = queue.pop_front() {
            let c = &m.components[u];
            if matches!(c.kind(), Kind::Service | Kind::Gateway) {
                hits.push(u);
                continue; // the first service/gateway of this path is the one reported
            }
            if matches!(
                c.kind(),
                Kind::Queue | Kind::Database | Kind::Cache | Kind::ObjectStore
            ) {
                continue;
            }
            for e in g.outgoing(u) {
                if !matches!(g.edges[e].origin, Origin::Call(_)) {
                    continue;
                }
                let w = g.edges[e].to;
                if !seen[w] && !m.components[w].has_rate_limit() {
                    seen[w] = true;
                    parent[w] = Some(e);
                    queue.push_back(w);
                }
            }
        }
    }
    hits.sort_unstable();
    hits.into_iter()
        .map(|v| {
            let c = &m.components[v];
            let path = g.path_to(&parent, v);
            let route = if path.is_empty() {
                format!("{} is itself public", c.id)
            } else {
                format!("reachable by {}", g.describe(m, &path))
            };
            let mut d = cx
                .diag(c.path(), c.span, format!("{} `{}` is reachable from outside with no rate limit on the way ({route})", c.kind(), c.id))
                .label("no rate limit on any component of this path")
                .help(format!(
                    "add `rate_limit: {{ requests_per_second: 100, per: client }}` to `{}` or to the gateway or load balancer in front of it, so one client cannot exhaust it",
                    c.id
                ));
            for &e in &path {
                d = d.related(g.edge_path(m, e), g.edge_span(m, e), format!("{} -> {}: not rate limited", m.components[g.edges[e].from].id, m.components[g.edges[e].to].id));
            }
            d
        })
        .collect()
}

pub(super) fn optimistic_lock_without_retry(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        for (i, call) in c.calls.iter().enumerate() {
            let Some(lock) = &call.more().locking else {
                continue;
            };
            if lock.v != Locking::Optimistic || call.retry.as_ref().is_some_and(|r| r.v.retries()) {
                continue;
            }
            let mut d = cx
                .diag(c.call_path(i), call.span, format!("`{}` writes `{}` with optimistic locking but never retries a conflict", c.id, call.to.v))
                .label("optimistic write without retry")
                .help("an optimistic write fails whenever another writer got there first; add `retry: { attempts: 3, backoff: exponential, jitter: true }` so the conflict is re-read and retried, or use `locking: pessimistic` for hot rows");
            d = d.related(c.call_path(i), lock.span, "`locking: optimistic` here");
            if let Some(r) = &call.retry
                && (matches!(r.v, Retry::None) || !r.v.retries())
            {
                d = d.related(c.call_path(i), r.span, "the retry policy never retries");
            }
            out.push(d);
        }
    }
    out
}

pub(super) fn cache_without_invalidation(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        if c.kind() != Kind::Cache {
            continue;
        }
        let has_ttl = c.more().ttl.as_ref().is_some_and(|t| t.v.is_some());
        let has_inval = c
            .more()
            .invalidation
            .as_ref()
            .is_some_and(|i| i.v != Invalidation::None);
        if has_ttl || has_inval {
            continue;
        }
        let scope = if c
            .more()
            .scope
            .as_ref()
            .is_some_and(|s| s.v == CacheScope::InProcess)
        {
            "in-process "
        } else {
            ""
        };
        let mut d = cx
            .diag(c.path(), c.span, format!("{scope}cache `{}` has no TTL and no invalidation, so its entries never change after they are written", c.id))
            .label("entries never expire")
            .help("set `ttl:` (e.g. `ttl: 5m`) to bound how stale an entry can be, and `invalidation: on-write` or `event` where stale reads are not acceptable");
        if let Some(t) = &c.more().ttl {
            d = d.related(c.field_path("ttl"), t.span, "`ttl: none`");
        }
        if let Some(i) = &c.more().invalidation {
            d = d.related(c.field_path("invalidation"), i.span, "`invalidation: none`");
        }
        out.push(d);
    }
    out
}

fn custom_tech_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b(custom|in[- ]?house|home[- ]?grown|home[- ]?made|hand[- ]?rolled|hand[- ]?written|bespoke|proprietary|our own|own|diy)\b").unwrap())
}

fn queue_word_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(queues?|broker|message[- ]?bus|event[- ]?bus|mq|pub[-/ ]?sub)\b")
            .unwrap()
    })
}

/// Words that make an id or description about a *user* of a queue, not a queue.
fn queue_user_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b(consumers?|workers?|processors?|readers?|pollers?|producers?|publishers?|listeners?|handlers?|clients?|subscribers?|monitor|dashboard|admin|consumes?|consuming|reads?|from|publishes|publishing|into|to|onto)\b").unwrap())
}

/// Phrases in a description that say the component *is* a queue.
fn self_description_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(^\s*(an?\s+|the\s+|our\s+)?((custom|in[- ]?house|home[- ]?grown|simple|lightweight|internal)\s+)?(job\s+|task\s+|message\s+|work\s+)?(queue|broker|message[- ]?bus|event[- ]?bus)\b|\b(acts|serves|works|functions)\s+as\s+(an?\s+|the\s+)?(job\s+|task\s+|message\s+)?(queue|broker|message[- ]?bus)\b|\b(implements|provides|is)\s+(an?\s+|the\s+|our\s+)?(own\s+)?((custom|in[- ]?house|home[- ]?grown)\s+)?(job\s+|task\s+|message\s+)?(queue|broker|message[- ]?bus)\b|\b(custom|in[- ]?house|home[- ]?grown|hand[- ]?rolled|bespoke)\s+(job\s+|task\s+|message\s+)?(queue|broker|message[- ]?bus)\b)").unwrap()
    })
}

fn is_queue(cx: &Ctx, id: &str) -> bool {
    cx.m.index
        .get(id)
        .is_some_and(|&i| cx.m.components[i].kind() == Kind::Queue)
}

pub(super) fn custom_message_queue(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let help = "run a proven broker instead (Kafka for a replayable log, RabbitMQ or SQS for a task queue): delivery guarantees, redelivery, dead letters, back-pressure and monitoring are hard to get right and are already built";
    for c in &cx.m.components {
        match c.kind() {
            Kind::Queue => {
                let Some(t) = &c.tech else { continue };
                if custom_tech_re().is_match(&t.v) {
                    out.push(
                        cx.diag(
                            c.field_path("tech"),
                            t.span,
                            format!("queue `{}` is a home-grown broker (`tech: {}`)", c.id, t.v),
                        )
                        .label("custom message queue")
                        .help(help),
                    );
                }
            }
            Kind::Service | Kind::Worker => {
                // a consumer of, or publisher to, a real queue is a broker's client
                // (RabbitMQ's `queue-master`), not a home-made broker
                let uses_broker = c.consumes.iter().any(|x| is_queue(cx, &x.from.v))
                    || c.calls.iter().any(|x| is_queue(cx, &x.to.v));
                if uses_broker {
                    continue;
                }
                let id_words = c.id.replace(['_', '.'], "-");
                let by_id = queue_word_re().is_match(&id_words)
                    && !queue_user_re().is_match(&id_words.replace('-', " "));
                let by_tech = c
                    .tech
                    .as_ref()
                    .filter(|t| queue_word_re().is_match(&t.v) && !queue_user_re().is_match(&t.v));
                let by_desc = c
                    .description
                    .as_ref()
                    .filter(|d| self_description_re().is_match(&d.v));
                let reason = if let Some(t) = by_tech {
                    Some((
                        c.field_path("tech"),
                        t.span,
                        format!("its tech `{}` says it is a queue", t.v),
                    ))
                } else if by_id {
                    Some((
                        c.path(),
                        c.span,
                        format!("its id `{}` says it is a queue or broker", c.id),
                    ))
                } else {
                    by_desc.map(|d| {
                        (
                            c.field_path("description"),
                            d.span,
                            "its description says it is a queue or broker".to_string(),
                        )
                    })
                };
                if let Some((path, span, why)) = reason {
                    out.push(
                        cx.diag(
                            path,
                            span,
                            format!(
                                "{} `{}` implements a message queue itself ({why})",
                                c.kind(),
                                c.id
                            ),
                        )
                        .label("a queue built as a service")
                        .help(help),
                    );
                }
            }
            _ => {}
        }
    }
    out
}
