//! Every rule: a fixture that fires and a near miss that must not, with snapshots of the
//! human and JSON output (the rule run alone, so each snapshot shows just that rule).

use crate::common;

use archlint_linter::rules::RULES;
use common::*;

/// Rules a fixture needs enabled besides its own.
fn selection(id: &str) -> Vec<&str> {
    match id {
        "unused-allow" => vec!["single-point-of-failure", "unused-allow"],
        other => vec![other],
    }
}

fn fixture(id: &str, which: &str) -> String {
    format!("tests/fixtures/rules/{id}/{which}.arch.yaml")
}

/// The rule's findings on a fixture: a lint, or for a drift rule the comparison with
/// the recorded traffic beside its fixtures.
fn run_on(path: &str, id: &str) -> archlint_linter::FileResult {
    match observed_fixture(id) {
        Some(observed) => drift_file(path, &observed, &selection(id)),
        None => lint_file(path, &selection(id)),
    }
}

/// One case per rule (insta's `glob!`): a failing rule does not hide the others, and
/// `INSTA_GLOB_FILTER=sync-chain-too-long/* cargo test --test it rules::` runs one alone.
/// Each rule fires on `fires.arch.yaml` (every finding says what to do), stays silent on
/// its near miss `ok.arch.yaml`, and its human and JSON output are snapshotted.
#[test]
fn each_rule_fires_on_its_fixture_and_not_on_its_near_miss() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/rules");
    settings.bind(|| {
        insta::glob!("..", "fixtures/rules/*/fires.arch.yaml", |path| {
            let dir = path.parent().unwrap();
            let id = dir.file_name().unwrap().to_string_lossy().into_owned();
            let rel = |which: &str| fixture(&id, which);
            let res = run_on(&rel("fires"), &id);
            assert!(
                !res.input_error,
                "{id}: fixture is invalid: {:?}",
                res.diagnostics
            );
            assert!(
                rules_of(&res).contains(&id.as_str()),
                "{id} does not fire on its fixture; got {:?}",
                rules_of(&res)
            );
            for d in &res.diagnostics {
                assert!(
                    !d.message.is_empty() && d.help.is_some(),
                    "{id}: every finding says what to do: {d:?}"
                );
                assert!(
                    !d.path.contains("..") && !d.path.ends_with('.'),
                    "{id}: bad path {}",
                    d.path
                );
            }
            let near = run_on(&rel("ok"), &id);
            assert!(
                !near.input_error,
                "{id}: near-miss fixture is invalid: {:?}",
                near.diagnostics
            );
            assert!(
                near.diagnostics.is_empty(),
                "{id} fires on its near miss: {:#?}",
                near.diagnostics
            );
            // snapshots keep their names (`rules/ID.human.snap`), without glob's suffix
            let mut named = insta::Settings::clone_current();
            named.remove_snapshot_suffix();
            named.bind(|| {
                insta::assert_snapshot!(format!("{id}.human"), human(run_on(&rel("fires"), &id)));
                insta::assert_snapshot!(format!("{id}.json"), json_of(run_on(&rel("fires"), &id)));
            });
        });
    });
}

#[test]
fn every_rule_has_a_page_and_every_page_a_rule() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .expect("rules/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| n.trim_end_matches(".md").to_string())
        // invalid-input is documented like a rule but is not one
        .filter(|n| n != "invalid-input")
        .collect();
    pages.sort();
    let mut ids: Vec<String> = RULES.iter().map(|r| r.id.to_string()).collect();
    ids.sort();
    assert_eq!(pages, ids, "rules/*.md and the registry disagree");
    for r in RULES {
        let m = r.meta();
        for section in [
            "## What it checks",
            "## Why it hurts",
            "## Example that fires",
            "## The fix",
            "## Trade-offs: what flips at 10x scale",
        ] {
            assert!(
                m.body.contains(section),
                "rules/{}.md lacks `{section}`",
                r.id
            );
        }
        assert!(!m.summary.is_empty());
    }
}

#[test]
fn every_rule_has_both_fixtures() {
    for r in RULES {
        for which in ["fires", "ok"] {
            let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture(r.id, which));
            assert!(p.is_file(), "missing fixture {}", p.display());
        }
    }
}
