//! Component guidance: databases, caches, queues, APIs, load balancers, consistency.

use super::Ctx;
use crate::graph::Origin;
use archlint_core::diag::Diagnostic;
use archlint_core::model::quantity::{fmt_count, fmt_size};
use archlint_core::model::tech::{self, QueueFamily};
use archlint_core::model::*;

fn tech_name(c: &Component) -> String {
    c.tech().map_or_else(|| "it".to_string(), |t| t.to_string())
}

pub(super) fn relational_over_10tb(cx: &Ctx) -> Vec<Diagnostic> {
    let m = cx.m;
    let limit = cx.opt("max_tb") * 1e12;
    let dbs: Vec<&Component> = m
        .components
        .iter()
        .filter(|c| c.kind() == Kind::Database)
        .collect();
    let req_volume = m
        .requirements
        .as_ref()
        .and_then(|r| r.scale.as_ref())
        .and_then(|s| s.v.data_volume.as_ref());
    let mut out = Vec::new();
    for c in &dbs {
        if c.db_model() != Some(DbModel::Relational)
            || c.more().sharded.as_ref().is_some_and(|s| s.v)
        {
            continue;
        }
        if c.tech()
            .and_then(tech::lookup)
            .is_some_and(|t| t.distributed)
        {
            continue; // NewSQL stores shard by themselves
        }
        let (volume, path, span, source) = match (&c.more().data_volume, req_volume) {
            (Some(v), _) => (
                v.v,
                c.field_path("data_volume"),
                v.span,
                "its `data_volume`".to_string(),
            ),
            (None, Some(r)) if dbs.len() == 1 => (
                r.v,
                c.path(),
                c.span,
                "the required `data_volume`, and it is the only database".to_string(),
            ),
            _ => continue,
        };
        if volume <= limit {
            continue;
        }
        let mut d = cx
            .diag(path, span, format!(
                "relational database `{}` ({}) holds {} ({source}), more than {} on one unsharded node",
                c.id, tech_name(c), fmt_size(volume), fmt_size(limit)
            ))
            .label(format!("{} unsharded", fmt_size(volume)))
            .help("shard it by a key the queries share (e.g. tenant or user id) and set `sharded: true`, move cold data to an object store, or use a distributed SQL store such as CockroachDB or Spanner");
        if c.more().data_volume.is_none()
            && let Some(r) = req_volume
        {
            d = d.related("requirements.scale", r.span, "required data volume");
        }
        out.push(d);
    }
    out
}

/// What to do when access pattern `p` asks for what a `model` store serves badly
/// (`None` when it serves it well); shared with `entity-model-mismatch`.
pub(super) fn model_advice(p: AccessPattern, model: DbModel) -> Option<&'static str> {
    use AccessPattern as A;
    use DbModel as M;
    Some(match (p, model) {
        (A::FullText, m) if m != M::Search => {
            "add a search engine such as Elasticsearch or OpenSearch, fed from the primary store"
        }
        (A::Traversal, m) if m != M::Graph => {
            "add a graph database such as Neo4j or Neptune for the traversals, or bound the depth and precompute the relationships"
        }
        (A::HighWriteThroughput, M::Relational) => {
            "use a write-optimised store such as Cassandra, ScyllaDB or DynamoDB for the write-heavy data, or shard the relational store"
        }
        (A::TimeSeries, M::Relational) => {
            "use a time-series database such as TimescaleDB or InfluxDB"
        }
        (A::Transactions, M::WideColumn | M::KeyValue) => {
            "keep the transactional data in a relational store such as PostgreSQL"
        }
        (A::Joins, M::WideColumn | M::KeyValue) => {
            "denormalise the data for each query, or keep the joined data in a relational store such as PostgreSQL"
        }
        _ => return None,
    })
}

pub(super) fn database_model_mismatch(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        if c.kind() != Kind::Database {
            continue;
        }
        let Some(model) = c.db_model() else { continue };
        let how = if c.more().model.is_some() {
            "model".to_string()
        } else {
            format!("model inferred from `tech: {}`", tech_name(c))
        };
        let help = |advice: &str| {
            format!(
                "{advice} ({how}); if one store is the right call at your scale, say so with `allow: {{ database-model-mismatch: \"reason\" }}`"
            )
        };
        // what is wrong; what to do instead is the help's
        let message = |p: AccessPattern| {
            format!(
                "{p} on `{}` ({}, a {model} store) is served badly by that model",
                c.id,
                tech_name(c)
            )
        };
        let mut seen = Vec::new();
        if let Some(patterns) = &c.more().access_patterns {
            for p in &patterns.v {
                seen.push(p.v);
                let Some(advice) = model_advice(p.v, model) else {
                    continue;
                };
                out.push(
                    cx.diag(c.field_path("access_patterns"), patterns.span, message(p.v))
                        .label(format!("`{}` needs what a {model} store does badly", p.v))
                        .help(help(advice))
                        .related(
                            c.field_path("access_patterns"),
                            p.span,
                            format!("`{}` asked for here", p.v),
                        ),
                );
            }
        }
        // the access patterns of the entities it stores count as its own (SPEC §4.6);
        // each kind once, at the store, pointing at the entity that asks for it
        for e in
            cx.m.entities
                .iter()
                .filter(|e| e.store.as_ref().is_some_and(|s| s.v == c.id))
        {
            for (i, p) in e.access_patterns.iter().enumerate() {
                let Some(k) = &p.kind else { continue };
                if seen.contains(&k.v) {
                    continue;
                }
                seen.push(k.v);
                let Some(advice) = model_advice(k.v, model) else {
                    continue;
                };
                out.push(
                    cx.diag(c.path(), c.span, message(k.v))
                        .label(format!("`{}` needs what a {model} store does badly", k.v))
                        .help(help(advice))
                        .related(
                            format!("{}.access_patterns[{i}]", e.path()),
                            p.span,
                            format!("`{}` asked for by entity `{}`", k.v, e.name),
                        ),
                );
            }
        }
    }
    out
}

/// Does `w` get its data from somewhere other than the search store? It writes or reads
/// another (non-search) database, or consumes a queue fed by a component that does.
fn fed_from_primary(
    m: &Architecture,
    g: &crate::graph::SystemGraph,
    w: usize,
    search: usize,
) -> bool {
    let touches_primary = |v: usize| {
        g.outgoing(v).any(|e| {
            let to = g.edges[e].to;
            to != search
                && m.components[to].kind() == Kind::Database
                && m.components[to].db_model() != Some(DbModel::Search)
        })
    };
    if touches_primary(w) {
        return true;
    }
    g.incoming(w).any(|e| {
        let q = g.edges[e].from;
        matches!(g.edges[e].origin, Origin::Consume(_))
            && g.incoming(q).any(|pe| touches_primary(g.edges[pe].from))
    })
}

pub(super) fn search_as_primary_store(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let mut out = Vec::new();
    for (i, c) in m.components.iter().enumerate() {
        if c.kind() != Kind::Database || c.db_model() != Some(DbModel::Search) {
            continue;
        }
        let writers: Vec<usize> = g
            .incoming(i)
            .filter(|&e| g.call(m, e).is_some_and(Call::writes))
            .filter(|&e| {
                matches!(
                    m.components[g.edges[e].from].kind(),
                    Kind::Service | Kind::Worker | Kind::Gateway
                )
            })
            .collect();
        if writers.is_empty()
            || writers
                .iter()
                .any(|&e| fed_from_primary(m, g, g.edges[e].from, i))
        {
            continue;
        }
        let mut d = cx
            .diag(c.path(), c.span, format!(
                "search index `{}` ({}) is the only place its data is stored: no other database holds what its writers write",
                c.id, tech_name(c)
            ))
            .label("search engine used as the primary store")
            .help("keep the source of truth in a durable primary database and feed the index from it (dual write, change data capture or a queue), so the index can be rebuilt after a mapping change or data loss");
        for e in writers {
            d = d.related(
                g.edge_path(m, e),
                g.edge_span(m, e),
                format!("{} writes only here", m.components[g.edges[e].from].id),
            );
        }
        out.push(d);
    }
    out
}

pub(super) fn cache_consistency_mismatch(cx: &Ctx) -> Vec<Diagnostic> {
    let Some(cons) =
        cx.m.requirements
            .as_ref()
            .and_then(|r| r.consistency.as_ref())
    else {
        return vec![];
    };
    if cons.v != Consistency::Strong {
        return vec![];
    }
    let mut out = Vec::new();
    for c in &cx.m.components {
        let Some(p) = &c.more().pattern else { continue };
        let why = match p.v {
            CachePattern::CacheAside => {
                "a cache-aside entry can be read after the database changed and before it is invalidated"
            }
            CachePattern::WriteBehind => {
                "a write-behind cache acknowledges writes before the database has them, so the database and other readers lag behind"
            }
            _ => continue,
        };
        out.push(
            cx.diag(c.field_path("pattern"), p.span, format!("cache `{}` uses {} but the system requires strong consistency: {why}", c.id, p.v))
                .label(format!("`{}` can serve stale data", p.v))
                .help("use `write-through` with invalidation on write, keep strongly consistent reads off the cache, or relax `consistency` to `read-your-writes` or `eventual` where the product allows")
                .related("requirements.consistency", cons.span, "strong consistency required here"),
        );
    }
    out
}

pub(super) fn in_process_cache_with_replicas(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let mut out = Vec::new();
    for (i, c) in m.components.iter().enumerate() {
        if c.kind() != Kind::Cache
            || !c
                .more()
                .scope
                .as_ref()
                .is_some_and(|s| s.v == CacheScope::InProcess)
        {
            continue;
        }
        let callers: Vec<usize> = g
            .incoming(i)
            .filter(|&e| matches!(g.edges[e].origin, Origin::Call(_)))
            .collect();
        if callers.is_empty()
            || !callers
                .iter()
                .all(|&e| m.components[g.edges[e].from].replicas() > 1)
        {
            continue;
        }
        let host = &m.components[g.edges[callers[0]].from];
        let mut d = cx
            .diag(c.path(), c.span, format!(
                "in-process cache `{}` lives inside `{}`, which runs {} replicas: each replica holds its own copy, so they disagree after a write",
                c.id, host.id, host.replicas()
            ))
            .label("one copy per replica")
            .help("use a shared cache (Redis, Memcached) with `scope: shared`, or keep the in-process cache only for immutable data with a short `ttl`");
        for e in callers {
            let caller = &m.components[g.edges[e].from];
            d = d.related(
                g.edge_path(m, e),
                g.edge_span(m, e),
                format!("{} ({} replicas) uses it", caller.id, caller.replicas()),
            );
        }
        out.push(d);
    }
    out
}

pub(super) fn queue_tech_mismatch(cx: &Ctx) -> Vec<Diagnostic> {
    let high = cx.opt("high_throughput");
    let mut out = Vec::new();
    for c in &cx.m.components {
        if c.kind() != Kind::Queue {
            continue;
        }
        let Some(t) = &c.tech else { continue };
        let Some(info) = tech::lookup(&t.v) else {
            continue;
        };
        let replay = c.more().replay.as_ref().is_some_and(|r| r.v);
        let ordering = c.more().ordering.as_ref().is_some_and(|o| o.v);
        let throughput = c.more().throughput.as_ref().map(|x| x.v);
        let is_high = throughput.is_some_and(|x| x > high);
        match info.queue {
            Some(QueueFamily::TaskQueue) if replay || (ordering && is_high) => {
                let need = if replay {
                    "`replay: true`: consumers must re-read old messages".to_string()
                } else {
                    format!(
                        "ordering at {} messages/s",
                        fmt_count(throughput.unwrap_or(0.0))
                    )
                };
                out.push(
                    cx.diag(c.field_path("tech"), t.span, format!(
                        "queue `{}` needs {need}, but {} is a task queue that deletes messages once they are acknowledged",
                        c.id, info.name
                    ))
                    .label(format!("{} is a task queue", info.name))
                    .help("use a log such as Kafka, Kinesis or Pulsar: it keeps messages for replay and orders them per partition at high throughput"),
                );
            }
            Some(QueueFamily::Log) if !replay && !ordering && !is_high => {
                out.push(
                    cx.diag(c.field_path("tech"), t.span, format!(
                        "queue `{}` uses {}, a partitioned log, as a plain task queue: nothing needs replay, ordering or high throughput",
                        c.id, info.name
                    ))
                    .label(format!("{} for a task queue", info.name))
                    .help("a task queue such as SQS or RabbitMQ gives per-message acknowledgement, retries and dead letters with less to operate; keep the log if you will need replay (then set `replay: true`)"),
                );
            }
            _ => {}
        }
    }
    out
}

pub(super) fn non_idempotent_consumer(cx: &Ctx) -> Vec<Diagnostic> {
    let m = cx.m;
    let mut out = Vec::new();
    for c in &m.components {
        for (i, cons) in c.consumes.iter().enumerate() {
            let Some(q) = m.component(&cons.from.v) else {
                continue;
            };
            let Some(delivery) = &q.more().delivery else {
                continue;
            };
            if delivery.v != Delivery::AtLeastOnce || cons.idempotent.as_ref().is_some_and(|x| x.v)
            {
                continue;
            }
            let said = if cons.idempotent.is_some() {
                "is marked `idempotent: false`"
            } else {
                "is not marked idempotent"
            };
            out.push(
                cx.diag(c.consume_path(i), cons.span, format!(
                    "`{}` consumes `{}`, which delivers at least once, and {said}: a redelivered message is processed twice",
                    c.id, q.id
                ))
                .label("duplicates will be processed twice")
                .help("make the handler idempotent (deduplicate on a message id, use upserts or conditional writes) and set `idempotent: true`")
                .related(q.field_path("delivery"), delivery.span, "`at-least-once` delivery redelivers messages"),
            );
        }
    }
    out
}

pub(super) fn grpc_on_public_api(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        if c.kind() != Kind::Client {
            continue;
        }
        for (i, call) in c.calls.iter().enumerate() {
            if call.protocol() != Some("grpc") {
                continue;
            }
            out.push(
                cx.diag(c.call_path(i), call.span, format!("client `{}` calls `{}` over gRPC", c.id, call.to.v))
                    .label("gRPC from a client")
                    .help("browsers cannot speak gRPC directly and many proxies, CDNs and partners do not either; expose REST/JSON or GraphQL (or gRPC-Web through a proxy) at the edge and keep gRPC between internal services"),
            );
        }
    }
    out
}

pub(super) fn polling_for_realtime(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        for (i, call) in c.calls.iter().enumerate() {
            if !Call::flag(&call.more().realtime) || Call::flag(&call.more().streaming) {
                continue;
            }
            let proto = call.protocol().unwrap_or("");
            let request_response = matches!(
                proto,
                "" | "http"
                    | "https"
                    | "rest"
                    | "http/1.1"
                    | "http2"
                    | "graphql"
                    | "grpc"
                    | "soap"
                    | "json-rpc"
            );
            if !request_response {
                continue;
            }
            let shown = if proto.is_empty() {
                "request/response (no protocol given)".to_string()
            } else {
                format!("request/response `{proto}`")
            };
            out.push(
                cx.diag(c.call_path(i), call.span, format!("`{}` needs live updates from `{}` but calls it with {shown}, so it has to poll", c.id, call.to.v))
                    .label("realtime over polling")
                    .help("push the updates: use `protocol: websocket` or server-sent events (`protocol: sse`), or a stream (`streaming: true`); polling trades staleness against a flood of empty requests"),
            );
        }
    }
    out
}

pub(super) fn sticky_sessions(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        if let Some(s) = c.more().sticky_sessions.as_ref().filter(|s| s.v) {
            out.push(
                cx.diag(c.field_path("sticky_sessions"), s.span, format!("load balancer `{}` pins each client to one backend", c.id))
                    .label("sticky sessions")
                    .help("keep session state out of the servers (a shared store such as Redis, or a signed token) so any replica can serve any request; sticky sessions unbalance load and lose sessions when a replica dies"),
            );
        }
        if let Some(s) = c.stateful.as_ref().filter(|s| s.v)
            && c.replicas() > 1
            && !matches!(
                c.kind(),
                Kind::Database | Kind::Cache | Kind::Queue | Kind::ObjectStore
            )
        {
            out.push(
                    cx.diag(c.field_path("stateful"), s.span, format!("`{}` keeps session state in memory and runs {} replicas, so requests must stick to one replica", c.id, c.replicas()))
                        .label("stateful with several replicas")
                        .help("move the session state to a shared store (Redis) or into a signed token, and make the service stateless"),
                );
        }
    }
    out
}

pub(super) fn l4_balancer_with_l7_needs(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &cx.m.components {
        let Some(layer) = c.more().layer.as_ref().filter(|l| l.v == 4) else {
            continue;
        };
        let mut needs = Vec::new();
        if let Some(r) = c.more().routing.as_ref().filter(|r| !r.v.is_empty()) {
            let kinds: Vec<&str> = r.v.iter().map(|x| x.as_str()).collect();
            needs.push((
                c.field_path("routing"),
                r.span,
                format!("routing by {}", kinds.join(", ")),
            ));
        }
        if let Some(t) = c.more().tls_termination.as_ref().filter(|t| t.v) {
            needs.push((
                c.field_path("tls_termination"),
                t.span,
                "TLS termination".to_string(),
            ));
        }
        if needs.is_empty() {
            continue;
        }
        let what: Vec<&str> = needs.iter().map(|(_, _, s)| s.as_str()).collect();
        let mut d = cx
            .diag(c.field_path("layer"), layer.span, format!("layer-4 balancer `{}` is asked for {}, which needs layer 7", c.id, what.join(" and ")))
            .label("layer 4 sees only TCP connections")
            .help("use a layer-7 balancer (`layer: 7`: nginx, Envoy, an ALB) for HTTP routing and TLS termination, or drop those needs from this balancer");
        for (p, s, w) in needs {
            d = d.related(p, s, format!("{w} needs HTTP"));
        }
        out.push(d);
    }
    out
}

pub(super) fn stale_read_under_strong_consistency(cx: &Ctx) -> Vec<Diagnostic> {
    let m = cx.m;
    let Some(cons) = m.requirements.as_ref().and_then(|r| r.consistency.as_ref()) else {
        return vec![];
    };
    if !matches!(cons.v, Consistency::Strong | Consistency::ReadYourWrites) {
        return vec![];
    }
    let mut out = Vec::new();
    for c in &m.components {
        for (i, call) in c.calls.iter().enumerate() {
            let Some(rf) = call
                .more()
                .read_from
                .as_ref()
                .filter(|r| r.v == ReadFrom::Replica)
            else {
                continue;
            };
            if !call.reads() {
                continue;
            }
            let Some(db) = m.component(&call.to.v) else {
                continue;
            };
            let Some(rep) = db
                .more()
                .replication
                .as_ref()
                .filter(|r| r.v == Replication::Async)
            else {
                continue;
            };
            out.push(
                cx.diag(c.call_path(i), call.span, format!(
                    "`{}` reads `{}` from an asynchronous replica, but the system requires {} consistency: a read can miss a write just made",
                    c.id, db.id, cons.v
                ))
                .label("stale read from an async replica")
                .help("read from the primary where the read must see the latest write (at least right after the user's own writes), or replicate synchronously")
                .related(c.call_path(i), rf.span, "`read_from: replica`")
                .related(db.field_path("replication"), rep.span, "replication is asynchronous")
                .related("requirements.consistency", cons.span, format!("{} consistency required", cons.v)),
            );
        }
    }
    out
}

pub(super) fn multi_region_strong_consistency(cx: &Ctx) -> Vec<Diagnostic> {
    let Some(r) = cx.m.requirements.as_ref() else {
        return vec![];
    };
    let (Some(geo), Some(cons)) = (&r.geography, &r.consistency) else {
        return vec![];
    };
    if geo.v == Geography::SingleRegion || cons.v != Consistency::Strong {
        return vec![];
    }
    vec![
        cx.diag("requirements.consistency", cons.span, format!(
            "strong consistency across a {} deployment: every write must be agreed across regions, adding a cross-region round trip (often 50-200ms) to writes",
            geo.v
        ))
        .label("strong consistency")
        .help("decide deliberately: keep strong consistency only for the data that needs it (payments, inventory) with a single write region or a consensus store such as Spanner, and use eventual or causal consistency elsewhere")
        .related("requirements.geography", geo.span, format!("`{}` deployment", geo.v)),
    ]
}
