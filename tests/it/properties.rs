//! Property tests over random valid models (`archlint_testing::Spec`): no panic,
//! spans inside the file and on the key their path names, JSON that parses, and
//! findings that do not depend on the order of components in the file.

use crate::common;

use std::collections::BTreeMap;

use archlint_testing::{ComponentSpec, Spec, every_output};
use proptest::prelude::*;

fn pairs(max: usize) -> impl Strategy<Value = Vec<(u32, u32)>> {
    prop::collection::vec((any::<u32>(), any::<u32>()), 0..=max)
}

fn items(max: usize) -> impl Strategy<Value = Vec<(u32, Vec<(u32, u32)>)>> {
    prop::collection::vec((any::<u32>(), pairs(5)), 0..=max)
}

fn component() -> impl Strategy<Value = ComponentSpec> {
    (any::<u32>(), pairs(10), items(3), items(2)).prop_map(|(kind, fields, calls, consumes)| {
        ComponentSpec {
            kind,
            fields,
            calls,
            consumes,
        }
    })
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        pairs(12),
        any::<u32>(),
        prop::collection::vec(component(), 0..20),
    )
        .prop_map(|(requirements, stage, components)| Spec {
            requirements,
            stage,
            components,
        })
}

/// Findings with everything but their position: what must not depend on file order.
fn findings(yaml: &str) -> BTreeMap<(String, String, String), usize> {
    let r = common::lint_text_all(yaml);
    assert!(
        !r.input_error,
        "generated file rejected:\n{yaml}\n{:?}",
        r.diagnostics
    );
    let mut m = BTreeMap::new();
    for d in r.diagnostics {
        *m.entry((d.rule, d.path, d.message)).or_insert(0) += 1;
    }
    m
}

proptest! {
    // PROPTEST_CASES=5000 for a longer run
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(96),
        ..ProptestConfig::default()
    })]

    #[test]
    fn valid_models_never_panic_and_every_output_is_well_formed(s in spec()) {
        let yaml = s.to_yaml();
        let out = every_output("p.arch.yaml", yaml.as_bytes());
        prop_assert!(!out[2].contains("\"invalid-input\""), "rejected:\n{}\n{}", yaml, out[0]);
        // the JSON lists positions inside the file
        let v: serde_json::Value = serde_json::from_str(&out[2]).unwrap();
        let lines = yaml.lines().count() as u64;
        for d in v["diagnostics"].as_array().unwrap() {
            let line = d["line"].as_u64().unwrap();
            prop_assert!(line >= 1 && line <= lines.max(1), "line {} of {}", line, lines);
            prop_assert!(d["column"].as_u64().unwrap() >= 1);
        }
    }

    #[test]
    fn spans_point_at_the_key_their_path_names(s in spec()) {
        let yaml = s.to_yaml();
        let r = common::lint_text_all(&yaml);
        for d in &r.diagnostics {
            let at = &yaml[d.span.start()..d.span.end()];
            let last = d.path.rsplit('.').next().unwrap_or("");
            if d.path.is_empty() || d.path.starts_with("requirements.") && !yaml.contains(&format!("\n  {last}:")) {
                continue; // file-level, or a requirement that is missing
            }
            if last.ends_with(']') {
                // a call or consume item: `to: id` / `from: id`
                prop_assert!(at.starts_with("to: ") || at.starts_with("from: "), "{} -> {:?}", d.path, at);
            } else {
                prop_assert!(at.starts_with(last), "{} -> {:?}\n{}", d.path, at, yaml);
            }
        }
    }

    #[test]
    fn findings_do_not_depend_on_the_order_of_components(s in spec(), seed in any::<u64>()) {
        let n = s.components.len();
        let mut order: Vec<usize> = (0..n).collect();
        // a seeded Fisher-Yates shuffle
        let mut x = seed | 1;
        for i in (1..n).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            order.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let a = findings(&s.to_yaml());
        let b = findings(&s.to_yaml_in_order(&order));
        let only_a: Vec<_> = a.iter().filter(|(k, v)| b.get(*k) != Some(v)).collect();
        let only_b: Vec<_> = b.iter().filter(|(k, v)| a.get(*k) != Some(v)).collect();
        prop_assert!(only_a.is_empty() && only_b.is_empty(), "in file order: {:#?}\nreordered {:?}: {:#?}", only_a, order, only_b);
    }
}
