//! Scale regression (not timed): every rule (`--select all`, the trade-offs included) on
//! a large synthetic file reports exactly the findings the generator planted.

use crate::common;

use archlint_testing::synth;

use std::collections::BTreeMap;

fn counts(n: usize, seed: u64) -> (BTreeMap<String, usize>, synth::Synth) {
    let s = synth::generate(n, seed);
    let r = common::lint_text_all(&s.yaml);
    assert!(
        !r.input_error,
        "generated file is invalid: {:?}",
        &r.diagnostics[..r.diagnostics.len().min(3)]
    );
    let mut got = BTreeMap::new();
    for d in &r.diagnostics {
        *got.entry(d.rule.clone()).or_insert(0) += 1;
    }
    (got, s)
}

fn check(n: usize, seed: u64) {
    let (got, s) = counts(n, seed);
    let want: BTreeMap<String, usize> = s
        .expected()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    assert!(s.components >= n);
    assert!(!want.is_empty());
    assert_eq!(got, want, "findings per rule on the {n}-component file");
}

#[test]
fn small_synthetic_file_has_exactly_the_planted_findings() {
    check(1_000, 7);
}

#[test]
fn ten_thousand_components_have_exactly_the_planted_findings() {
    check(10_000, 42);
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(
        synth::generate(2_000, 9).yaml,
        synth::generate(2_000, 9).yaml
    );
    assert_ne!(
        synth::generate(2_000, 9).yaml,
        synth::generate(2_000, 10).yaml
    );
}

/// Writes the benchmark inputs: `cargo test --release --test it scale::write_synthetic_files -- --ignored --nocapture`.
#[test]
#[ignore = "a tool, not a test: writes the benchmark inputs to target/synth"]
fn write_synthetic_files() {
    let dir = std::env::var("ARCHLINT_SYNTH_DIR").unwrap_or_else(|_| "target/synth".into());
    std::fs::create_dir_all(&dir).unwrap();
    for n in [1_000, 10_000, 16_000, 50_000] {
        let s = synth::generate(n, 42);
        let path = format!("{dir}/synth-{n}.arch.yaml");
        std::fs::write(&path, &s.yaml).unwrap();
        println!(
            "{path}: {} components, {} bytes, planted {:?}",
            s.components,
            s.yaml.len(),
            s.expected()
        );
    }
}
