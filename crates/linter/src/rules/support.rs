//! Helpers more than one rule reads (and the availability arithmetic the review
//! shares).

use super::prelude::*;

pub(super) fn is_app(k: Kind) -> bool {
    matches!(k, Kind::Service | Kind::Worker | Kind::Gateway)
}

/// How a message names a store's technology: its `tech`, or "no `tech` stated".
pub(super) fn tech_name(c: &Component) -> String {
    c.tech()
        .map_or_else(|| "no `tech` stated".to_string(), |t| t.to_string())
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

pub(super) fn store<'m>(
    m: &'m Architecture,
    e: &Entity,
) -> Option<(usize, &'m archlint_core::model::Component)> {
    let s = e.store.as_ref()?;
    m.index.get(&s.v).map(|&i| (i, &m.components[i]))
}

/// `by` (any order) then `sort`, as a reader writes it.
pub(super) fn describe(p: &EntityPattern) -> String {
    let mut s = String::new();
    if !p.by.is_empty() {
        s.push_str(&format!("by {}", p.by.join(", ")));
    }
    if let Some(o) = &p.sort {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&format!("sorted by {o}"));
    }
    s
}

/// Whether `cols` (an index, or the key) serves the pattern: its first `by.len()`
/// columns are the `by` fields in any order, and the next one is `sort` when given.
pub(super) fn serves(cols: &[String], p: &EntityPattern) -> bool {
    let n = p.by.len();
    if cols.len() < n {
        return false;
    }
    let head: HashSet<&str> = cols[..n].iter().map(String::as_str).collect();
    let by: HashSet<&str> = p.by.iter().map(String::as_str).collect();
    if head != by {
        return false;
    }
    match &p.sort {
        None => true,
        Some(s) => cols.get(n).is_some_and(|c| c == s),
    }
}

/// The application components that write `db` (a `write` or `read-write` call).
pub(super) fn writers(cx: &Ctx, db: usize) -> Vec<usize> {
    let (m, g) = (cx.m, cx.g);
    let mut w: Vec<usize> = g
        .incoming(db)
        .filter(|&e| {
            g.call(m, e).is_some_and(|c| c.writes())
                && matches!(
                    m.components[g.edges[e].from].kind(),
                    Kind::Service | Kind::Worker | Kind::Gateway
                )
        })
        .map(|e| g.edges[e].from)
        .collect();
    w.sort_by_key(|&c| &m.components[c].id);
    w.dedup();
    w
}

pub(super) fn availability_target(m: &Architecture) -> Option<&Sp<f64>> {
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

pub(super) fn attempts(m: &Architecture, g: &SystemGraph, e: usize) -> f64 {
    g.call(m, e)
        .and_then(|c| c.retry.as_ref())
        .filter(|r| r.v.retries())
        .map_or(1.0, |r| r.v.attempts() as f64)
}

/// Availability of one component served by `n` replicas: 1 - (1 - a)^n, a defaulting to 99.9%.
pub(super) fn component_availability(c: &Component, n: u64) -> f64 {
    let a = c.availability.as_ref().map_or(0.999, |x| x.v);
    1.0 - (1.0 - a).powi(n.min(1000) as i32)
}

pub(super) trait IfEmpty {
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
pub(super) fn has_fallback(c: &archlint_core::model::Call) -> bool {
    c.more()
        .fallback
        .as_ref()
        .is_some_and(|f| !f.v.trim().eq_ignore_ascii_case("none"))
}

/// The steps of a journey as component indices (validation made them known).
pub(super) fn journey_nodes(m: &Architecture, j: &Journey) -> Vec<usize> {
    j.steps
        .iter()
        .filter_map(|s| m.index.get(&s.v).copied())
        .collect()
}

/// `a -> b -> c`.
pub(super) fn journey_route(m: &Architecture, nodes: &[usize]) -> String {
    nodes
        .iter()
        .map(|&v| m.components[v].id.as_str())
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// The check of a `drift` rule: drift rules compare the design with recorded traffic
/// (`archlint drift`, [`crate::drift`]); the design alone has nothing to compare, so a
/// lint finds nothing.
pub(super) fn drift_only(_: &Ctx) -> Vec<Diagnostic> {
    Vec::new()
}
