//! Graph queries: a diamond, a cycle, a chain of 5, a queue breaking a chain.

mod common;

use archlint::source::SourceFile;
use archlint::{Analysis, analyse};

fn load(yaml: &str) -> Analysis {
    match analyse(&SourceFile::new("g.yaml", yaml)) {
        Ok(a) => a,
        Err(e) => panic!("invalid test file: {e:?}"),
    }
}

fn id(a: &Analysis, i: usize) -> &str {
    &a.model.components[i].id
}

fn longest_hops_from(a: &Analysis, start: &str) -> (f64, String) {
    let t = a.graph.critical_paths(&a.model);
    let s = a.model.index[start];
    let path = a.graph.follow(&t, s);
    (t.value[s], a.graph.describe(&a.model, &path))
}

#[test]
fn chain_of_five_counts_hops_through_transparent_components() {
    let a = load(
        "name: g\ncomponents:\n  web: {kind: client, calls: [lb]}\n  lb: {kind: load-balancer, calls: [s1]}\n  s1: {kind: service, calls: [s2]}\n  s2: {kind: service, calls: [s3]}\n  s3: {kind: service, calls: [s4]}\n  s4: {kind: service, calls: [s5]}\n  s5: {kind: service, calls: [db]}\n  db: {kind: database}\n",
    );
    let (hops, path) = longest_hops_from(&a, "web");
    assert_eq!(hops, 5.0);
    assert_eq!(path, "web -> lb -> s1 -> s2 -> s3 -> s4 -> s5 -> db");
    let entries: Vec<&str> = a
        .graph
        .entry_points(&a.model)
        .into_iter()
        .map(|i| id(&a, i))
        .collect();
    assert_eq!(entries, ["lb", "web"], "entry points come in id order");
    assert_eq!(
        a.graph
            .root_entry_points(&a.model)
            .into_iter()
            .map(|i| id(&a, i))
            .collect::<Vec<_>>(),
        ["web"]
    );
}

#[test]
fn diamond_takes_the_longer_branch_once() {
    let a = load(
        "name: g\ncomponents:\n  a: {kind: service, calls: [b, c]}\n  b: {kind: service, calls: [d]}\n  c: {kind: service, calls: [e]}\n  e: {kind: service, calls: [d]}\n  d: {kind: database}\n",
    );
    let (hops, path) = longest_hops_from(&a, "a");
    assert_eq!(hops, 3.0);
    assert_eq!(path, "a -> c -> e -> d");
    assert_eq!(a.graph.cycles().count(), 0);
}

#[test]
fn cycle_is_found_and_left_out_of_chains() {
    let a = load(
        "name: g\ncomponents:\n  a: {kind: service, calls: [b]}\n  b: {kind: service, calls: [c]}\n  c: {kind: service, calls: [a, d]}\n  d: {kind: database}\n  solo: {kind: service, calls: [solo]}\n",
    );
    let cycles: Vec<Vec<&str>> = a
        .graph
        .cycles()
        .map(|c| c.iter().map(|&i| id(&a, i)).collect())
        .collect();
    assert_eq!(cycles.len(), 2);
    assert!(cycles.contains(&vec!["a", "b", "c"]));
    assert!(cycles.contains(&vec!["solo"]));
    let cyc = a.graph.cycle_through(a.model.index["a"]);
    assert_eq!(a.graph.describe(&a.model, &cyc), "a -> b -> c -> a");
    // chains are computed on the condensation: c -> d is one hop out of the cycle
    let (hops, _) = longest_hops_from(&a, "c");
    assert_eq!(hops, 1.0);
}

#[test]
fn a_queue_breaks_the_synchronous_chain() {
    let a = load(
        "name: g\ncomponents:\n  api: {kind: service, calls: [s1, jobs]}\n  s1: {kind: service, calls: [s2]}\n  s2: {kind: service}\n  jobs: {kind: queue}\n  w: {kind: worker, consumes: [jobs], calls: [w2]}\n  w2: {kind: service, calls: [w3]}\n  w3: {kind: service}\n",
    );
    let (hops, path) = longest_hops_from(&a, "api");
    assert_eq!(hops, 2.0);
    assert_eq!(path, "api -> s1 -> s2");
    let sync_edges = a.graph.edges.iter().filter(|e| e.sync).count();
    assert_eq!(sync_edges, 4, "api->s1, s1->s2, w->w2, w2->w3");
    let (reached, _) = a.graph.sync_reach(&[vec![a.model.index["api"]]]);
    assert!(
        !reached[a.model.index["w"]],
        "the consumer is not on api's synchronous path"
    );
}

#[test]
fn explicit_modes_override_the_defaults() {
    let a = load(
        "name: g\ncomponents:\n  a: {kind: service, calls: [{to: q, mode: sync}, {to: b, mode: async}]}\n  q: {kind: queue}\n  b: {kind: service}\n",
    );
    let modes: Vec<(String, bool)> = a
        .graph
        .edges
        .iter()
        .map(|e| (id(&a, e.to).to_string(), e.sync))
        .collect();
    assert_eq!(modes, [("q".to_string(), true), ("b".to_string(), false)]);
}

/// `graph --entities` draws each entity beside its store, with its relationships.
#[test]
fn entities_are_drawn_on_request() {
    let plain = common::stdout(&common::run(&["graph", "examples/petclinic.arch.yaml"]));
    assert!(!plain.contains("entity visit"));
    let m = common::stdout(&common::run(&[
        "graph",
        "--entities",
        "examples/petclinic.arch.yaml",
    ]));
    assert!(m.contains("[/\"entity visit\"/]"), "{m}");
    assert!(m.contains("-.-|\"many-to-one via pet_id\"|"), "{m}");
    let d = common::stdout(&common::run(&[
        "graph",
        "--entities",
        "--format",
        "dot",
        "examples/petclinic.arch.yaml",
    ]));
    assert!(
        d.contains("shape=note") && d.contains("label=\"pet_id\""),
        "{d}"
    );
}
