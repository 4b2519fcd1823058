//! The traffic model: how the system's peak reaches each component, computed once and
//! read by `estimate`, `capacity-exceeded`, the review and the language server's hover.
//!
//! - The system's peak `P` (from `requirements.scale`) is shared by the clients: a
//!   client's `share:` is its part; clients without one split what is left evenly. A
//!   design without clients gives it to its root entry points, evenly.
//! - A router (a client, CDN, load balancer or gateway, or anything with `routes:
//!   true`) sends each request it receives to one of its synchronous callees: a call's
//!   `share:` says which part, calls without one split what is left evenly. Any other
//!   component makes each of its calls once per request it receives (and so do a
//!   router's asynchronous calls). `per_request: N` on a call overrides both.
//! - A component's load is the sum of what its incoming calls and consumes carry; a
//!   queue's stated `throughput` wins. A component reached by two paths gets both.
//! - A call that closes a cycle (back to a component the request has already passed)
//!   carries nothing.
//! - A cache with `hit_ratio` and `caches: STORE` absorbs that part of the reads of a
//!   caller that calls both: only the misses reach the store.
//! - A store's load splits into reads and writes by the `access` of the calls reaching
//!   it; a `read-write` call splits in the system's read:write ratio.
//!
//! One pass over the components in topological order of the call graph: linear.

use serde::Serialize;

use crate::graph::{Origin, SystemGraph};
use archlint_core::model::{Access, Architecture, Kind};

/// Why a part of a component's load reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Why {
    /// A client's `share:` of the system's peak, or its even part of what is left.
    ClientShare,
    /// A router's call with a `share:`.
    Share,
    /// A router's call without a `share:`: an even part of what the shares leave.
    EvenSplit,
    /// A call's `per_request:`.
    PerRequest,
    /// A call (or consume) made once for each request the caller receives.
    EachRequest,
    /// A call to a store behind a cache with a `hit_ratio`: the read misses (and the writes).
    CacheMiss,
}

/// One part of a component's load: from whom, how much, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// The component the load comes from; empty for the system's peak (a client's share).
    pub from: String,
    pub rps: f64,
    /// The part of `from`'s load (or of the system's peak) this is: a share, 1/n of an
    /// even split, the `per_request` factor, 1 for each request, the cache's misses.
    pub fraction: f64,
    pub why: Why,
    /// Whether a default decided the fraction (an even split where no share is stated).
    pub assumed: bool,
}

/// The load of every component (indexed like `Architecture::components`).
#[derive(Debug, Clone, Default)]
pub struct Flow {
    /// Peak requests (or messages) per second reaching each component.
    pub load: Vec<f64>,
    /// Where each component's load comes from, in the order of the calls.
    pub sources: Vec<Vec<Source>>,
    /// The part of the load that reads, and that writes (stores; by the calls' `access`).
    pub reads: Vec<f64>,
    pub writes: Vec<f64>,
    /// `read-write` calls whose load could not be split: no read:write ratio is stated.
    pub unsplit: Vec<f64>,
    /// A queue whose stated `throughput` replaced what its producers bring.
    pub throughput_stated: Vec<bool>,
}

/// The flow of a peak of `peak` requests per second through the design, `read_share`
/// being the reads' part of the system's requests when the ratio is stated.
pub fn flow(m: &Architecture, g: &SystemGraph, peak: f64, read_share: Option<f64>) -> Flow {
    flow_with(m, g, peak, read_share, true)
}

/// Each component's load alone: [`flow`] without recording the sources (what the
/// rules need, on every run).
pub fn loads(m: &Architecture, g: &SystemGraph, peak: f64, read_share: Option<f64>) -> Vec<f64> {
    flow_with(m, g, peak, read_share, false).load
}

fn flow_with(
    m: &Architecture,
    g: &SystemGraph,
    peak: f64,
    read_share: Option<f64>,
    explain: bool,
) -> Flow {
    let n = m.components.len();
    let mut f = Flow {
        load: vec![0.0; n],
        sources: vec![Vec::new(); n],
        reads: vec![0.0; n],
        writes: vec![0.0; n],
        unsplit: vec![0.0; n],
        throughput_stated: vec![false; n],
    };
    // the clients' shares of the peak
    let mut entries: Vec<usize> = (0..n)
        .filter(|&v| m.components[v].kind() == Kind::Client)
        .collect();
    if entries.is_empty() {
        entries = g.root_entry_points(m);
    }
    let stated: f64 = entries
        .iter()
        .filter_map(|&v| m.components[v].more().share.as_ref().map(|s| s.v))
        .sum();
    let unstated = entries
        .iter()
        .filter(|&&v| m.components[v].more().share.is_none())
        .count();
    let rest = ((1.0 - stated).max(0.0)) / unstated.max(1) as f64;
    for &v in &entries {
        // several clients without a share split the rest evenly: that is assumed
        let (fraction, assumed) = match &m.components[v].more().share {
            Some(s) => (s.v, false),
            None => (rest, unstated > 1),
        };
        let rps = peak * fraction;
        f.load[v] += rps;
        if explain {
            f.sources[v].push(Source {
                from: String::new(),
                rps,
                fraction,
                why: Why::ClientShare,
                assumed,
            });
        }
    }

    // the order requests travel in: SCCs topologically; inside a cycle, members in the
    // order a request reaches them (the first to receive load from outside, then onwards
    // by breadth), so that the call back to an earlier member carries nothing
    let order = g.components_in_flow_order();
    let mut scc = vec![0usize; n];
    for (i, members) in order.iter().enumerate() {
        for &x in members {
            scc[x] = i;
        }
    }
    let mut rank = vec![usize::MAX; n];
    let mut next_rank = 0;
    for members in &order {
        let inside = |x: usize| scc[x] == scc[members[0]];
        let mut queue: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
        let mut seeds: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&x| f.load[x] > 0.0 || g.incoming(x).any(|e| !inside(g.edges[e].from)))
            .collect();
        if seeds.is_empty() {
            seeds = members.clone();
        }
        // by id, so that where a cycle is entered does not depend on the file's order
        seeds.sort_unstable_by_key(|&x| g.id_rank(x));
        let mut walk: Vec<usize> = Vec::with_capacity(members.len());
        for s in seeds {
            if rank[s] == usize::MAX {
                rank[s] = next_rank;
                next_rank += 1;
                queue.push_back(s);
            }
            while let Some(u) = queue.pop_front() {
                walk.push(u);
                // onwards in id order (a queue's consumers are listed in file order)
                let mut next: Vec<usize> = g
                    .outgoing(u)
                    .map(|e| g.edges[e].to)
                    .filter(|&t| inside(t) && rank[t] == usize::MAX)
                    .collect();
                next.sort_unstable_by_key(|&t| g.id_rank(t));
                next.dedup();
                for t in next {
                    rank[t] = next_rank;
                    next_rank += 1;
                    queue.push_back(t);
                }
            }
        }
        for u in walk {
            carry(m, g, &mut f, u, &rank, read_share, explain);
        }
    }
    f
}

/// Pass `u`'s load on along its calls and consumes.
fn carry(
    m: &Architecture,
    g: &SystemGraph,
    f: &mut Flow,
    u: usize,
    rank: &[usize],
    read_share: Option<f64>,
    explain: bool,
) {
    let c = &m.components[u];
    // a queue's stated throughput is its load, whatever its producers bring
    if c.kind() == Kind::Queue
        && let Some(t) = &c.more().throughput
    {
        f.load[u] = t.v;
        f.throughput_stated[u] = true;
    }
    let load = f.load[u];
    if load <= 0.0 {
        return;
    }
    let router = c.is_router();
    // a router's split: the shares stated on its synchronous calls, and the even part
    // of what is left for those without one (`per_request` calls are outside the split)
    let (mut stated, mut unstated) = (0.0, 0usize);
    if router {
        for e in g.outgoing(u) {
            let ed = g.edges[e];
            if let Origin::Call(i) = ed.origin
                && ed.sync
                && c.calls[i].more().per_request.is_none()
            {
                match &c.calls[i].more().share {
                    Some(s) => stated += s.v,
                    None => unstated += 1,
                }
            }
        }
    }
    let even = (1.0 - stated).max(0.0) / unstated.max(1) as f64;
    // the stores behind the caches `u` calls, with their hit ratios
    let fronted: Vec<(usize, f64)> = g
        .outgoing(u)
        .filter_map(|e| {
            let cache = &m.components[g.edges[e].to];
            if cache.kind() != Kind::Cache {
                return None;
            }
            let more = cache.more();
            let store = *m.index.get(&more.caches.as_ref()?.v)?;
            Some((store, more.hit_ratio.as_ref()?.v))
        })
        .collect();
    for e in g.outgoing(u) {
        let ed = g.edges[e];
        // the call that closes a cycle carries nothing, nor does a start-up call
        if rank[ed.to] <= rank[u] || ed.startup {
            continue;
        }
        let (fraction, why, assumed, access) = match ed.origin {
            Origin::Call(i) => {
                let call = &c.calls[i];
                let access = Some(call.access());
                if let Some(p) = &call.more().per_request {
                    (p.v, Why::PerRequest, false, access)
                } else if router && ed.sync {
                    match &call.more().share {
                        Some(s) => (s.v, Why::Share, false, access),
                        None => (even, Why::EvenSplit, unstated > 1, access),
                    }
                } else {
                    (1.0, Why::EachRequest, false, access)
                }
            }
            Origin::Consume(_) => (1.0, Why::EachRequest, false, None),
        };
        let mut rps = load * fraction;
        let (mut fraction, mut why) = (fraction, why);
        // reads of a store a cache in front of it answers
        let (mut reads, writes, unsplit) = match access {
            Some(Access::Read) => (rps, 0.0, 0.0),
            Some(Access::Write) => (0.0, rps, 0.0),
            Some(Access::ReadWrite) => match read_share {
                Some(r) => (rps * r, rps * (1.0 - r), 0.0),
                None => (0.0, 0.0, rps),
            },
            None => (0.0, 0.0, 0.0),
        };
        if let Some(&(_, h)) = fronted.iter().find(|(st, _)| *st == ed.to)
            && reads > 0.0
        {
            reads *= 1.0 - h;
            rps = reads + writes + unsplit;
            fraction = rps / load;
            why = Why::CacheMiss;
        }
        f.load[ed.to] += rps;
        f.reads[ed.to] += reads;
        f.writes[ed.to] += writes;
        f.unsplit[ed.to] += unsplit;
        if explain {
            f.sources[ed.to].push(Source {
                from: c.id.clone(),
                rps,
                fraction,
                why,
                assumed,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use archlint_core::source::SourceFile;

    /// The flow of a 1,000 rps peak (reads 90%) through `yaml`'s components, by id.
    fn flow_of(yaml: &str) -> (Flow, Vec<String>) {
        let a = crate::analyse(&SourceFile::new("t.arch.yaml", format!("name: t\n{yaml}")))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let ids = a.model.components.iter().map(|c| c.id.clone()).collect();
        (flow(&a.model, &a.graph, 1000.0, Some(0.9)), ids)
    }

    fn load(f: &(Flow, Vec<String>), id: &str) -> f64 {
        let i = f.1.iter().position(|x| x == id).expect("an id");
        (f.0.load[i] * 1e6).round() / 1e6
    }

    #[test]
    fn clients_share_the_peak_and_the_rest_splits_evenly() {
        let f = flow_of(
            "components:\n  web: { kind: client, share: 60%, calls: [api] }\n  ios: { kind: client, calls: [api] }\n  android: { kind: client, calls: [api] }\n  api: { kind: service }\n",
        );
        assert_eq!(load(&f, "web"), 600.0);
        assert_eq!(load(&f, "ios"), 200.0);
        assert_eq!(load(&f, "android"), 200.0);
        assert_eq!(load(&f, "api"), 1000.0);
        let ios = &f.0.sources[1][0];
        assert!(ios.assumed && ios.why == Why::ClientShare);
    }

    #[test]
    fn a_router_splits_by_share_and_evenly_a_service_calls_each() {
        let f = flow_of(
            "components:\n  web: { kind: client, calls: [lb] }\n  lb:\n    kind: load-balancer\n    calls:\n      - { to: search, share: 30% }\n      - orders\n      - catalog\n  search: { kind: service }\n  orders: { kind: service, calls: [db, stripe] }\n  catalog: { kind: service, calls: [db] }\n  db: { kind: database }\n  stripe: { kind: external }\n",
        );
        assert_eq!(load(&f, "lb"), 1000.0);
        assert_eq!(load(&f, "search"), 300.0);
        assert_eq!(load(&f, "orders"), 350.0);
        assert_eq!(load(&f, "catalog"), 350.0);
        // reached by two paths: both loads
        assert_eq!(load(&f, "db"), 700.0);
        assert_eq!(load(&f, "stripe"), 350.0);
    }

    #[test]
    fn per_request_overrides_the_split_and_the_each_request() {
        let f = flow_of(
            "components:\n  web: { kind: client, calls: [api] }\n  api:\n    kind: service\n    calls:\n      - { to: stripe, per_request: 0.05 }\n      - { to: db, per_request: 3 }\n  db: { kind: database }\n  stripe: { kind: external }\n",
        );
        assert_eq!(load(&f, "stripe"), 50.0);
        assert_eq!(load(&f, "db"), 3000.0);
    }

    #[test]
    fn the_call_closing_a_cycle_carries_nothing() {
        let f = flow_of(
            "components:\n  web: { kind: client, calls: [a] }\n  a: { kind: service, calls: [b] }\n  b: { kind: service, calls: [a, c] }\n  c: { kind: service }\n",
        );
        assert_eq!(load(&f, "a"), 1000.0);
        assert_eq!(load(&f, "b"), 1000.0);
        assert_eq!(load(&f, "c"), 1000.0);
    }

    #[test]
    fn a_cache_with_a_hit_ratio_absorbs_the_reads_of_the_store_it_fronts() {
        let f = flow_of(
            "components:\n  web: { kind: client, calls: [api] }\n  api:\n    kind: service\n    calls:\n      - { to: cache, access: read }\n      - { to: db, access: read }\n      - { to: db, access: write, per_request: 0.1 }\n  cache: { kind: cache, caches: db, hit_ratio: 90% }\n  db: { kind: database }\n",
        );
        // the reads' misses (10% of 1,000) and the writes (0.1 per request)
        assert_eq!(load(&f, "db"), 200.0);
        let db = f.1.iter().position(|x| x == "db").unwrap();
        assert_eq!((f.0.reads[db] * 1e6).round() / 1e6, 100.0);
        assert_eq!((f.0.writes[db] * 1e6).round() / 1e6, 100.0);
        assert!(f.0.sources[db].iter().any(|s| s.why == Why::CacheMiss));
    }

    #[test]
    fn read_write_calls_split_in_the_systems_ratio() {
        let f = flow_of(
            "components:\n  web: { kind: client, calls: [api] }\n  api: { kind: service, calls: [db] }\n  db: { kind: database }\n",
        );
        let db = f.1.iter().position(|x| x == "db").unwrap();
        assert_eq!((f.0.reads[db] * 1e6).round() / 1e6, 900.0);
        assert_eq!((f.0.writes[db] * 1e6).round() / 1e6, 100.0);
    }

    #[test]
    fn a_queues_stated_throughput_wins() {
        let f = flow_of(
            "components:\n  web: { kind: client, calls: [api] }\n  api: { kind: service, calls: [{ to: jobs, per_request: 0.5 }] }\n  jobs: { kind: queue, throughput: 2k }\n  worker: { kind: worker, consumes: [jobs] }\n",
        );
        assert_eq!(load(&f, "jobs"), 2000.0);
        assert_eq!(load(&f, "worker"), 2000.0);
    }

    #[test]
    fn a_gateway_with_routes_false_calls_every_callee() {
        let f = flow_of(
            "components:\n  web: { kind: client, calls: [bff] }\n  bff: { kind: gateway, routes: false, calls: [a, b] }\n  a: { kind: service }\n  b: { kind: service }\n",
        );
        assert_eq!(load(&f, "a"), 1000.0);
        assert_eq!(load(&f, "b"), 1000.0);
    }
}
