//! The petgraph view of a model and the graph queries the rules share.
//!
//! Node `i` is component `i` of the model. Every query is linear in components plus
//! calls: cycles come from Tarjan's SCCs, and longest-path questions are dynamic
//! programs over the condensation of the synchronous sub-graph (edges inside a cycle
//! are left out; `sync-call-cycle` reports those). No query enumerates paths.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use archlint_core::model::{Architecture, Call, Component, Kind};

/// Where an edge comes from in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `components[from].calls[i]`
    Call(usize),
    /// `components[to].consumes[i]`
    Consume(usize),
}

#[derive(Debug, Clone, Copy)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub origin: Origin,
    /// On a request's synchronous path (a `startup: true` call never is).
    pub sync: bool,
    /// A call made only at start-up: it carries no load and is on no request path.
    pub startup: bool,
}

pub struct SystemGraph {
    /// Every call and consume; the weight is the index into `edges`.
    pub graph: DiGraph<(), usize>,
    pub edges: Vec<Edge>,
    /// Sync edges (indices into `edges`) out of each component.
    sync_out: Lists,
    /// The sync edges between SCCs (those the longest-path walks follow) out of each
    /// component, as (edge, callee), in the order of `sync_out`.
    dag: Lists<(u32, u32)>,
    /// All edges out of each component, in petgraph's order (the last added first).
    out: Lists,
    /// SCC id of each component in the sync sub-graph.
    scc: Vec<u32>,
    /// Components of each SCC, SCCs in topological order (callers before callees).
    sccs: Lists,
    /// Per SCC: has a cycle (more than one member, or a self-call).
    cyclic: Vec<bool>,
    /// Each component's position in id order: ties between equally good paths are
    /// broken by it, so no answer depends on the order of components in the file.
    rank: Vec<u32>,
    /// Per component, the edges into it, callers in id order.
    incoming: Lists,
    /// Per edge, the hops it adds to a synchronous chain ([`Self::hop_weight`]).
    hop: Vec<f64>,
}

/// Lists of indices, one per key, in one allocation: list `k` is
/// `items[start[k]..start[k + 1]]`. The walks over a large design read them in
/// topological order, not in memory order; one flat array instead of a vector per
/// component keeps those reads out of scattered heap blocks.
struct Lists<T = usize> {
    start: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy + Default> Lists<T> {
    /// `keys` lists, holding each `(key, item)` pair in the order given.
    fn build(keys: usize, pairs: impl Iterator<Item = (usize, T)> + Clone) -> Self {
        let mut start = vec![0u32; keys + 1];
        for (k, _) in pairs.clone() {
            start[k + 1] += 1;
        }
        for k in 0..keys {
            start[k + 1] += start[k];
        }
        let mut fill: Vec<u32> = start[..keys].to_vec();
        let mut items = vec![T::default(); start[keys] as usize];
        for (k, x) in pairs {
            items[fill[k] as usize] = x;
            fill[k] += 1;
        }
        Lists { start, items }
    }

    fn len(&self) -> usize {
        self.start.len() - 1
    }

    fn get(&self, k: usize) -> &[T] {
        &self.items[self.start[k] as usize..self.start[k + 1] as usize]
    }

    fn get_mut(&mut self, k: usize) -> &mut [T] {
        &mut self.items[self.start[k] as usize..self.start[k + 1] as usize]
    }

    fn iter(&self) -> impl DoubleEndedIterator<Item = &[T]> + ExactSizeIterator + '_ {
        (0..self.len()).map(|k| self.get(k))
    }
}

/// A loaded file with its graph: the whole design, or (after input errors) what is
/// left of it once the parts at fault are left out.
pub struct Analysis {
    pub model: Architecture,
    pub graph: SystemGraph,
    /// The parts of the file left out for input errors, and the findings they hold back.
    pub faults: archlint_core::model::recover::Faults,
}

/// The best path found by a dynamic program: a value and, per node, the edge taken.
pub struct PathTable {
    pub value: Vec<f64>,
    pub next: Vec<Option<usize>>,
}

/// A topological order of the SCCs of the sync sub-graph (`comp` per component, and
/// each SCC's `members` in file order): callers before callees, in generations (first
/// the SCCs that no call reaches, then those whose callers are all in the generations
/// before), each generation in file order (by first member). Tarjan's own order is a
/// depth-first one, which on a large design sends the walks over it back and forth
/// across the whole model; this one moves through the file about as the calls do (a
/// file lists its components in an order of its own, often layer by layer, and the
/// generations are the layers). Linear but for sorting each generation.
fn condensation_order(
    comp: &[u32],
    members: &Lists,
    edges: &[Edge],
    sync_out: &Lists,
) -> Vec<usize> {
    let mut indeg = vec![0u32; members.len()];
    for (u, &c) in comp.iter().enumerate() {
        for &e in sync_out.get(u) {
            let t = comp[edges[e].to];
            if t != c {
                indeg[t as usize] += 1;
            }
        }
    }
    // each SCC by its first member, and once
    let mut order: Vec<usize> = (0..comp.len())
        .filter(|&v| {
            let c = comp[v] as usize;
            members.get(c)[0] == v && indeg[c] == 0
        })
        .collect();
    let mut done = 0;
    while done < order.len() {
        let generation = order.len();
        for i in done..generation {
            let c = comp[order[i]] as usize;
            for &v in members.get(c) {
                for &e in sync_out.get(v) {
                    let t = comp[edges[e].to] as usize;
                    if t != c {
                        indeg[t] -= 1;
                        if indeg[t] == 0 {
                            order.push(members.get(t)[0]);
                        }
                    }
                }
            }
        }
        order[generation..].sort_unstable();
        done = generation;
    }
    order.into_iter().map(|v| comp[v] as usize).collect()
}

/// The first 16 bytes of an id, big-endian, zero-padded: ids whose prefixes differ
/// compare as their prefixes do (a shorter id that ends inside the prefix pads with
/// zeros, below any byte the other has there unless it is a zero too, and then the
/// prefixes tie and the ids themselves are compared).
fn id_prefix(id: &str) -> u128 {
    let mut b = [0u8; 16];
    let n = id.len().min(16);
    b[..n].copy_from_slice(&id.as_bytes()[..n]);
    u128::from_be_bytes(b)
}

/// No edge, in the walks' compact tables.
const NO_EDGE: u32 = u32::MAX;

fn edge_of(e: u32) -> Option<usize> {
    (e != NO_EDGE).then_some(e as usize)
}

/// A node's entry in [`SystemGraph::longest_into`]: the best score of a chain ending
/// there, its last edge, and the rank of that edge's caller (for ties). One record
/// per node, so the walk reads one place per edge, not four arrays.
#[derive(Clone, Copy)]
struct Into {
    value: f64,
    edge: u32,
    rank: u32,
}

impl Default for Into {
    fn default() -> Self {
        Into {
            value: 0.0,
            edge: NO_EDGE,
            rank: 0,
        }
    }
}

/// A node's entry in [`SystemGraph::longest_from`]: the best chain starting there
/// (both scores, its first edge and the rank of that edge's callee), and the node's
/// own weight and rank, read by the walk from the node's callers.
#[derive(Clone, Copy)]
struct From {
    value: f64,
    second: f64,
    weight: f64,
    edge: u32,
    next_rank: u32,
    rank: u32,
}

impl SystemGraph {
    pub fn build(m: &Architecture) -> Self {
        let n = m.components.len();
        let mut graph = DiGraph::with_capacity(n, n * 2);
        for _ in 0..n {
            graph.add_node(());
        }
        // each component's kind, and whether it is an in-process cache, in one pass in
        // file order: the calls below name their callees in no order
        let kinds: Vec<Kind> = m.components.iter().map(Component::kind).collect();
        let local: Vec<bool> = m.components.iter().map(is_local).collect();
        let mut edges = Vec::new();
        for (from, c) in m.components.iter().enumerate() {
            for (i, call) in c.calls.iter().enumerate() {
                let Some(&to) = m.index.get(&call.to.v) else {
                    continue;
                };
                let startup = call.is_startup();
                let sync = call.is_sync_to(kinds[to]);
                edges.push(Edge {
                    from,
                    to,
                    origin: Origin::Call(i),
                    sync,
                    startup,
                });
            }
        }
        for (to, c) in m.components.iter().enumerate() {
            for (i, cons) in c.consumes.iter().enumerate() {
                let Some(&from) = m.index.get(&cons.from.v) else {
                    continue;
                };
                edges.push(Edge {
                    from,
                    to,
                    origin: Origin::Consume(i),
                    sync: false,
                    startup: false,
                });
            }
        }
        let mut sync_graph: DiGraph<(), ()> = DiGraph::with_capacity(n, edges.len());
        for _ in 0..n {
            sync_graph.add_node(());
        }
        for (i, e) in edges.iter().enumerate() {
            graph.add_edge(NodeIndex::new(e.from), NodeIndex::new(e.to), i);
            if e.sync {
                sync_graph.add_edge(NodeIndex::new(e.from), NodeIndex::new(e.to), ());
            }
        }
        let by_edge = edges.iter().enumerate();
        let sync_out = Lists::build(
            n,
            by_edge
                .clone()
                .filter(|(_, e)| e.sync)
                .map(|(i, e)| (e.from, i)),
        );
        let out = Lists::build(n, by_edge.clone().rev().map(|(i, e)| (e.from, i)));
        // Tarjan's SCCs, renumbered in the order of `condensation_order`
        let mut comp = vec![0u32; n];
        let raw = tarjan_scc(&sync_graph);
        let k = raw.len();
        for (c, members) in raw.iter().enumerate() {
            for v in members {
                comp[v.index()] = c as u32;
            }
        }
        drop(raw);
        let members = Lists::build(k, (0..n).map(|v| (comp[v] as usize, v)));
        let mut new_id = vec![0u32; k];
        for (id, c) in condensation_order(&comp, &members, &edges, &sync_out)
            .into_iter()
            .enumerate()
        {
            new_id[c] = id as u32;
        }
        drop(members);
        let scc: Vec<u32> = comp.iter().map(|&c| new_id[c as usize]).collect();
        drop(comp);
        let sccs = Lists::build(k, (0..n).map(|v| (scc[v] as usize, v)));
        let cyclic = sccs
            .iter()
            .map(|members| {
                let first = members[0];
                members.len() > 1 || sync_out.get(first).iter().any(|&e| edges[e].to == first)
            })
            .collect();
        let dag = Lists::build(
            n,
            by_edge
                .clone()
                .filter(|(_, e)| e.sync && scc[e.from] != scc[e.to])
                .map(|(i, e)| (e.from, (i as u32, e.to as u32))),
        );
        // sorted by the ids' first 16 bytes, then (when those tie) the whole ids: most
        // comparisons stay in one compact array instead of reaching into two
        // components and their strings (ids are unique)
        let mut by_id: Vec<(u128, &str, u32)> = m
            .components
            .iter()
            .enumerate()
            .map(|(i, c)| (id_prefix(&c.id), c.id.as_str(), i as u32))
            .collect();
        by_id.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        let mut rank = vec![0u32; n];
        for (r, &(_, _, i)) in by_id.iter().enumerate() {
            rank[i as usize] = r as u32;
        }
        drop(by_id);
        let mut incoming = Lists::build(n, by_edge.map(|(i, e)| (e.to, i)));
        for v in 0..n {
            incoming
                .get_mut(v)
                .sort_unstable_by_key(|&e| (rank[edges[e].from], e));
        }
        let hop = edges
            .iter()
            .map(|e| {
                if kinds[e.from].counts_as_hop() && !local[e.to] {
                    1.0
                } else {
                    0.0
                }
            })
            .collect();
        SystemGraph {
            graph,
            edges,
            sync_out,
            dag,
            out,
            scc,
            sccs,
            cyclic,
            rank,
            incoming,
            hop,
        }
    }

    pub fn len(&self) -> usize {
        self.scc.len()
    }
    pub fn is_empty(&self) -> bool {
        self.scc.is_empty()
    }

    /// The call behind an edge, if it is a call (not a consume).
    pub fn call<'m>(&self, m: &'m Architecture, e: usize) -> Option<&'m Call> {
        match self.edges[e].origin {
            Origin::Call(i) => Some(&m.components[self.edges[e].from].calls[i]),
            Origin::Consume(_) => None,
        }
    }

    /// Dotted path of an edge's item in the file.
    pub fn edge_path(&self, m: &Architecture, e: usize) -> String {
        let ed = self.edges[e];
        match ed.origin {
            Origin::Call(i) => m.components[ed.from].call_path(i),
            Origin::Consume(i) => m.components[ed.to].consume_path(i),
        }
    }

    /// Span of an edge's item in the file.
    pub fn edge_span(&self, m: &Architecture, e: usize) -> archlint_core::source::Span {
        let ed = self.edges[e];
        match ed.origin {
            Origin::Call(i) => m.components[ed.from].calls[i].span,
            Origin::Consume(i) => m.components[ed.to].consumes[i].span,
        }
    }

    /// All edges into a component, callers in id order (so that "the first caller"
    /// does not depend on the order of components in the file).
    pub fn incoming(&self, v: usize) -> impl Iterator<Item = usize> + '_ {
        self.incoming.get(v).iter().copied()
    }

    /// A component's position in id order: sorting by it breaks ties the same way
    /// whatever the order of the file.
    pub fn id_rank(&self, v: usize) -> u32 {
        self.rank[v]
    }

    /// All edges out of a component.
    pub fn outgoing(&self, v: usize) -> impl Iterator<Item = usize> + '_ {
        self.out.get(v).iter().copied()
    }

    /// Sync edges out of `v`, leaving out those inside a cycle.
    pub fn dag_out(&self, v: usize) -> impl Iterator<Item = usize> + '_ {
        self.sync_out
            .get(v)
            .iter()
            .copied()
            .filter(move |&e| self.scc[self.edges[e].to] != self.scc[v])
    }

    /// Sync edges out of `v`, all of them.
    pub fn sync_out(&self, v: usize) -> &[usize] {
        self.sync_out.get(v)
    }

    /// Components in a topological order of the sync condensation (callers first).
    pub fn topo(&self) -> impl DoubleEndedIterator<Item = usize> + '_ {
        self.sccs.items.iter().copied()
    }

    /// The cycles: members of each SCC with a sync cycle, in file order.
    pub fn cycles(&self) -> impl Iterator<Item = &[usize]> + '_ {
        self.sccs
            .iter()
            .zip(&self.cyclic)
            .filter(|(_, c)| **c)
            .map(|(m, _)| m)
    }

    pub fn same_scc(&self, a: usize, b: usize) -> bool {
        self.scc[a] == self.scc[b]
    }

    /// One concrete cycle through `start` (which must be in a cyclic SCC), as edges.
    pub fn cycle_through(&self, start: usize) -> Vec<usize> {
        let n = self.len();
        let mut parent: Vec<Option<usize>> = vec![None; n];
        let mut seen = vec![false; n];
        let mut queue = std::collections::VecDeque::from([start]);
        seen[start] = true;
        while let Some(u) = queue.pop_front() {
            for &e in self.sync_out.get(u) {
                let w = self.edges[e].to;
                if self.scc[w] != self.scc[start] {
                    continue;
                }
                if w == start {
                    let mut path = vec![e];
                    let mut x = u;
                    while let Some(pe) = parent[x] {
                        path.push(pe);
                        x = self.edges[pe].from;
                    }
                    path.reverse();
                    return path;
                }
                if !seen[w] {
                    seen[w] = true;
                    parent[w] = Some(e);
                    queue.push_back(w);
                }
            }
        }
        Vec::new()
    }

    /// Entry points: clients and externals that call into the system,
    /// components with `public: true`, and components a client calls directly;
    /// sorted by id.
    pub fn entry_points(&self, m: &Architecture) -> Vec<usize> {
        let mut is = vec![false; self.len()];
        for (i, c) in m.components.iter().enumerate() {
            if c.is_public() || (c.kind().is_outside() && self.outgoing(i).next().is_some()) {
                is[i] = true;
            }
            if c.kind() == Kind::Client && !c.is_internal() {
                for e in self.outgoing(i) {
                    if matches!(self.edges[e].origin, Origin::Call(_)) {
                        is[self.edges[e].to] = true;
                    }
                }
            }
        }
        let mut v: Vec<usize> = (0..self.len()).filter(|&i| is[i]).collect();
        // by id, so that searches seeded from them do not depend on the file's order
        v.sort_unstable_by_key(|&i| self.rank[i]);
        v
    }

    /// Public: `public: true`, or called by a client directly.
    pub fn is_public(&self, m: &Architecture, c: usize) -> bool {
        m.components[c].is_public()
            || self.incoming(c).any(|e| {
                matches!(self.edges[e].origin, Origin::Call(_))
                    && m.components[self.edges[e].from].kind() == Kind::Client
                    && !m.components[self.edges[e].from].is_internal()
            })
    }

    /// Entry points that no other entry point calls synchronously: the origins of
    /// traffic. A path from any other entry point is a suffix of a path from a root.
    pub fn root_entry_points(&self, m: &Architecture) -> Vec<usize> {
        let entries = self.entry_points(m);
        let mut is = vec![false; self.len()];
        for &e in &entries {
            is[e] = true;
        }
        let roots: Vec<usize> = entries
            .iter()
            .copied()
            .filter(|&v| {
                !self.incoming(v).any(|e| {
                    let ed = self.edges[e];
                    ed.sync && is[ed.from] && ed.from != v && !self.same_scc(ed.from, v)
                })
            })
            .collect();
        if roots.is_empty() { entries } else { roots }
    }

    /// Hops an edge adds to a synchronous chain (§1.4): calls by gateways, services and workers.
    pub fn hop_weight(&self, e: usize) -> f64 {
        self.hop[e]
    }

    /// Components grouped by the strongly connected components of all edges (sync and
    /// async), groups in topological order (senders before receivers).
    pub fn components_in_flow_order(&self) -> Vec<Vec<usize>> {
        let mut order: Vec<Vec<usize>> = tarjan_scc(&self.graph)
            .into_iter()
            .map(|g| g.into_iter().map(|x| x.index()).collect())
            .collect();
        order.reverse();
        order
    }

    /// A call to an in-process cache: a function call inside the caller, not a network
    /// hop (it needs no timeout and adds no hop to a chain).
    pub fn is_local_call(&self, m: &Architecture, e: usize) -> bool {
        is_local(&m.components[self.edges[e].to])
    }

    /// Longest chain *ending* at each node: value = best score, next = the edge into it.
    /// The score of a path is the sum of `edge_w` over its edges.
    pub fn longest_into(&self, edge_w: impl Fn(usize) -> f64) -> PathTable {
        let n = self.len();
        let mut best = vec![Into::default(); n];
        let mut seen = vec![false; n];
        for (si, members) in self.sccs.iter().enumerate() {
            if self.cyclic[si] {
                self.through_cycle_forward(members, &edge_w, &mut best, &mut seen);
            }
            for &u in members {
                let (from, ru) = (best[u].value, self.rank[u]);
                for &(e, v) in self.dag.get(u) {
                    let cand = from + edge_w(e as usize);
                    let b = &mut best[v as usize];
                    let better = if b.edge == NO_EDGE {
                        cand > b.value
                    } else {
                        cand > b.value + 1e-12
                            || (cand >= b.value - 1e-12 && (ru, e) < (b.rank, b.edge))
                    };
                    if better {
                        *b = Into {
                            value: cand,
                            edge: e,
                            rank: ru,
                        };
                    }
                }
            }
        }
        PathTable {
            value: best.iter().map(|b| b.value).collect(),
            next: best.iter().map(|b| edge_of(b.edge)).collect(),
        }
    }

    /// Members of a cycle, best value first, ties by id.
    fn best_first(&self, members: &[usize], value: impl Fn(usize) -> f64) -> Vec<usize> {
        let mut order: Vec<usize> = members.to_vec();
        order.sort_by(|&a, &b| {
            value(b)
                .partial_cmp(&value(a))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(self.rank[a].cmp(&self.rank[b]))
        });
        order
    }

    /// Chains running through a cycle (a call cycle is its own error, but it must not
    /// hide or shorten the chains through it). The longest simple path inside a cycle
    /// is NP-hard, so chains are carried along a search tree instead: members are
    /// taken best value first, and each one not yet reached extends the chain of the
    /// member that reaches it, when that is longer than its own. Pointers only go to
    /// members reached earlier, so every chain stays a simple path; each edge inside
    /// the cycle is looked at once.
    fn through_cycle_forward(
        &self,
        members: &[usize],
        edge_w: &impl Fn(usize) -> f64,
        best: &mut [Into],
        seen: &mut [bool],
    ) {
        let order = self.best_first(members, |v| best[v].value);
        let mut queue = std::collections::VecDeque::new();
        for root in order {
            if seen[root] {
                continue;
            }
            seen[root] = true;
            queue.push_back(root);
            while let Some(u) = queue.pop_front() {
                for &e in self.sync_out.get(u) {
                    let v = self.edges[e].to;
                    if seen[v] || self.scc[v] != self.scc[u] {
                        continue;
                    }
                    seen[v] = true;
                    let cand = best[u].value + edge_w(e);
                    if cand > best[v].value + 1e-12 {
                        best[v] = Into {
                            value: cand,
                            edge: e as u32,
                            rank: self.rank[u],
                        };
                    }
                    queue.push_back(v);
                }
            }
        }
    }

    /// Longest chain *starting* at each node, scored lexicographically by
    /// (sum of `edge_w`, sum of `node_w` over the nodes after the first); `next` is
    /// the first edge of the best chain. `value` holds the primary score.
    pub fn longest_from(
        &self,
        edge_w: impl Fn(usize) -> f64,
        node_w: impl Fn(usize) -> f64,
    ) -> (PathTable, Vec<f64>) {
        let n = self.len();
        // each node's weight once, in node order (the walk reaches nodes in topological
        // order, where a weight that reads the model would miss the cache)
        let mut best: Vec<From> = (0..n)
            .map(|v| From {
                value: 0.0,
                second: 0.0,
                weight: node_w(v),
                edge: NO_EDGE,
                next_rank: 0,
                rank: self.rank[v],
            })
            .collect();
        let mut seen = vec![false; n];
        for (si, members) in self.sccs.iter().enumerate().rev() {
            for &u in members.iter().rev() {
                let mut b = best[u];
                for &(e, w) in self.dag.get(u) {
                    let t = &best[w as usize];
                    let cand = (t.value + edge_w(e as usize), t.second + t.weight);
                    let better = b.edge == NO_EDGE || {
                        let same = (cand.0 - b.value).abs() <= 1e-12;
                        cand.0 > b.value + 1e-12
                            || (same && cand.1 > b.second + 1e-12)
                            || (same
                                && (cand.1 - b.second).abs() <= 1e-12
                                && (t.rank, e) < (b.next_rank, b.edge))
                    };
                    if better {
                        b.value = cand.0;
                        b.second = cand.1;
                        b.edge = e;
                        b.next_rank = t.rank;
                    }
                }
                best[u] = b;
            }
            if self.cyclic[si] {
                // as in `through_cycle_forward`, walking calls backwards
                let order = self.best_first(members, |v| best[v].value);
                let mut queue = std::collections::VecDeque::new();
                for root in order {
                    if seen[root] {
                        continue;
                    }
                    seen[root] = true;
                    queue.push_back(root);
                    while let Some(w) = queue.pop_front() {
                        for e in self.incoming(w) {
                            let ed = self.edges[e];
                            let u = ed.from;
                            if !ed.sync || seen[u] || self.scc[u] != self.scc[w] {
                                continue;
                            }
                            seen[u] = true;
                            let t = best[w];
                            let cand = (t.value + edge_w(e), t.second + t.weight);
                            let b = &mut best[u];
                            if cand.0 > b.value + 1e-12 || b.edge == NO_EDGE && cand.0 >= b.value {
                                b.value = cand.0;
                                b.second = cand.1;
                                b.edge = e as u32;
                                b.next_rank = t.rank;
                            }
                            queue.push_back(u);
                        }
                    }
                }
            }
        }
        let table = PathTable {
            value: best.iter().map(|b| b.value).collect(),
            next: best.iter().map(|b| edge_of(b.edge)).collect(),
        };
        (table, best.iter().map(|b| b.second).collect())
    }

    /// Follow `next` edges forward from `start`.
    pub fn follow(&self, t: &PathTable, start: usize) -> Vec<usize> {
        let mut path = Vec::new();
        let mut v = start;
        while let Some(e) = t.next[v] {
            path.push(e);
            v = self.edges[e].to;
            if path.len() > self.len() {
                break;
            }
        }
        path
    }

    /// The chain ending with edge `last`, walking `longest_into` predecessors back
    /// while the score is positive.
    pub fn chain_into(&self, t: &PathTable, last: usize) -> Vec<usize> {
        let mut path = vec![last];
        let mut u = self.edges[last].from;
        while t.value[u] > 0.0 {
            let Some(pe) = t.next[u] else { break };
            path.push(pe);
            u = self.edges[pe].from;
            if path.len() > self.len() {
                break;
            }
        }
        path.reverse();
        path
    }

    /// The critical path of every node (§1.4): the longest synchronous chain in hops,
    /// ties broken towards the chain with more components.
    pub fn critical_paths(&self) -> PathTable {
        self.longest_from(|e| self.hop[e], |_| 1.0).0
    }

    /// Entry points in the order paths should be explained from: the roots (origins of
    /// traffic) first, then the other entry points.
    pub fn entry_phases(&self, m: &Architecture) -> [Vec<usize>; 2] {
        let roots = self.root_entry_points(m);
        let rest = self
            .entry_points(m)
            .into_iter()
            .filter(|v| !roots.contains(v))
            .collect();
        [roots, rest]
    }

    /// Components reachable by sync calls, breadth first from each phase of starts in
    /// turn, with the edge that first reached each.
    pub fn sync_reach(&self, phases: &[Vec<usize>]) -> (Vec<bool>, Vec<Option<usize>>) {
        let n = self.len();
        let mut seen = vec![false; n];
        let mut parent = vec![None; n];
        let mut queue = std::collections::VecDeque::new();
        for starts in phases {
            for &s in starts {
                if !seen[s] {
                    seen[s] = true;
                    queue.push_back(s);
                }
            }
            while let Some(u) = queue.pop_front() {
                for &e in self.sync_out.get(u) {
                    let w = self.edges[e].to;
                    if !seen[w] {
                        seen[w] = true;
                        parent[w] = Some(e);
                        queue.push_back(w);
                    }
                }
            }
        }
        (seen, parent)
    }

    /// The edges from a BFS root to `v` along `parent`.
    pub fn path_to(&self, parent: &[Option<usize>], v: usize) -> Vec<usize> {
        let mut path = Vec::new();
        let mut x = v;
        while let Some(e) = parent[x] {
            path.push(e);
            x = self.edges[e].from;
            if path.len() > self.len() {
                break;
            }
        }
        path.reverse();
        path
    }

    /// `a -> b -> c` for a chain of edges.
    pub fn describe(&self, m: &Architecture, path: &[usize]) -> String {
        let Some(&first) = path.first() else {
            return String::new();
        };
        let mut s = m.components[self.edges[first].from].id.clone();
        for &e in path {
            s.push_str(" -> ");
            s.push_str(&m.components[self.edges[e].to].id);
        }
        s
    }

    /// Components along a chain of edges, the first included.
    pub fn nodes_of(&self, path: &[usize]) -> Vec<usize> {
        let mut v: Vec<usize> = path
            .first()
            .map(|&e| vec![self.edges[e].from])
            .unwrap_or_default();
        v.extend(path.iter().map(|&e| self.edges[e].to));
        v
    }
}

/// An in-process cache: calling it is a function call, not a network hop.
fn is_local(callee: &Component) -> bool {
    callee.kind() == Kind::Cache
        && callee
            .more()
            .scope
            .as_ref()
            .is_some_and(|s| s.v == archlint_core::model::CacheScope::InProcess)
}

/// The component a call goes to.
pub fn callee<'m>(m: &'m Architecture, call: &Call) -> Option<&'m Component> {
    m.component(&call.to.v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_prefixes_order_ids_as_the_ids_do() {
        let mut seed = 11u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let alphabet = ["a", "b", "-", "\0", "é", "z", "0"];
        let mut ids: Vec<String> = (0..3000)
            .map(|_| {
                (0..next(24))
                    .map(|_| alphabet[next(alphabet.len())])
                    .collect()
            })
            .collect();
        ids.extend(["", "\0", "svc-1-23", "svc-1-234", "svc-1-2345678901234"].map(String::from));
        ids.sort();
        ids.dedup();
        let mut by_prefix: Vec<&String> = ids.iter().collect();
        by_prefix.reverse();
        by_prefix.sort_unstable_by(|a, b| id_prefix(a).cmp(&id_prefix(b)).then_with(|| a.cmp(b)));
        assert!(by_prefix.iter().zip(&ids).all(|(a, b)| *a == b));
    }
}
