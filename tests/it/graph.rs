//! Graph queries: a diamond, a cycle, a chain of 5, a queue breaking a chain.

use crate::common;

use archlint_core::source::SourceFile;
use archlint_linter::{Analysis, analyse};

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
    let t = a.graph.critical_paths();
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

/// `graph --format svg`, drawn in-process: well-formed XML, every component once as a
/// `<g id="component-ID">` with its id as text, every call drawn from its caller to its
/// callee (async dashed, the critical path thick).
#[test]
fn svg_is_drawn_in_process() {
    for example in [
        "examples/shop.arch.yaml",
        "examples/retail-estate.arch.yaml",
        "examples/petclinic.arch.yaml",
    ] {
        let svg = common::stdout(&common::run(&["graph", "--format", "svg", example]));
        let doc =
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{example}: not XML: {e}"));
        let a = archlint_linter::analyse(&archlint_core::source::SourceFile::new(
            example,
            std::fs::read_to_string(example).unwrap(),
        ))
        .unwrap();
        for c in &a.model.components {
            let id = format!("component-{}", c.id);
            let gs: Vec<_> = doc
                .descendants()
                .filter(|n| n.attribute("id") == Some(id.as_str()))
                .collect();
            assert_eq!(gs.len(), 1, "{example}: {id}");
            assert!(
                gs[0]
                    .descendants()
                    .any(|t| t.has_tag_name("text") && t.text() == Some(c.id.as_str()))
            );
        }
        let calls: Vec<_> = doc
            .descendants()
            .filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("call")))
            .collect();
        assert_eq!(calls.len(), a.graph.edges.len());
        for ed in &a.graph.edges {
            let (from, to) = (
                &a.model.components[ed.from].id,
                &a.model.components[ed.to].id,
            );
            let p = calls
                .iter()
                .find(|n| {
                    n.attribute("data-from") == Some(from.as_str())
                        && n.attribute("data-to") == Some(to.as_str())
                })
                .unwrap_or_else(|| panic!("{example}: no call {from} -> {to}"));
            assert_eq!(
                p.attribute("stroke-dasharray").is_some(),
                !ed.sync,
                "{from} -> {to}"
            );
        }
        assert!(
            calls
                .iter()
                .any(|n| n.attribute("stroke-width") == Some("3")),
            "{example}: a critical path"
        );
    }
    insta::assert_snapshot!(
        "svg_url_shortener",
        common::stdout(&common::run(&[
            "graph",
            "--format",
            "svg",
            "examples/url-shortener.arch.yaml"
        ]))
    );
}

#[test]
fn topological_order_follows_the_file_where_the_calls_allow() {
    // generations, each in file order: b and d, which nothing calls; then a (its
    // caller d is done); then c (a and b); then the cycle x-y
    let a = load(
        "name: g\ncomponents:\n  a: {kind: service, calls: [c]}\n  b: {kind: service, calls: [c]}\n  c: {kind: service, calls: [x, y]}\n  d: {kind: service, calls: [a]}\n  x: {kind: service, calls: [y]}\n  y: {kind: service, calls: [x]}\n",
    );
    let order: Vec<&str> = a.graph.topo().map(|v| id(&a, v)).collect();
    assert_eq!(order, ["b", "d", "a", "c", "x", "y"]);
    // on every example: each component once, and callers before callees
    let mut examples: Vec<_> = std::fs::read_dir("examples")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    examples.sort();
    assert!(examples.len() > 10);
    for example in examples {
        let a = load(&std::fs::read_to_string(&example).unwrap());
        let mut pos = vec![usize::MAX; a.model.components.len()];
        for (i, v) in a.graph.topo().enumerate() {
            assert_eq!(pos[v], usize::MAX, "{example:?}: twice");
            pos[v] = i;
        }
        assert!(pos.iter().all(|&p| p != usize::MAX), "{example:?}");
        for ed in a.graph.edges.iter().filter(|e| e.sync) {
            assert!(
                pos[ed.from] < pos[ed.to] || a.graph.same_scc(ed.from, ed.to),
                "{example:?}: {} before {}",
                id(&a, ed.from),
                id(&a, ed.to)
            );
        }
    }
}
