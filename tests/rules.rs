//! Every rule: a fixture that fires and a near miss that must not, with snapshots of the
//! human and JSON output (the rule run alone, so each snapshot shows just that rule).

mod common;

use archlint::rules::RULES;
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

#[test]
fn every_rule_fires_on_its_fixture() {
    for r in RULES {
        let res = lint_file(&fixture(r.id, "fires"), &selection(r.id));
        assert!(
            !res.input_error,
            "{}: fixture is invalid: {:?}",
            r.id, res.diagnostics
        );
        assert!(
            rules_of(&res).contains(&r.id),
            "{} does not fire on its fixture; got {:?}",
            r.id,
            rules_of(&res)
        );
        for d in &res.diagnostics {
            assert!(
                !d.message.is_empty() && d.help.is_some(),
                "{}: every finding says what to do: {d:?}",
                r.id
            );
            assert!(
                !d.path.contains("..") && !d.path.ends_with('.'),
                "{}: bad path {}",
                r.id,
                d.path
            );
        }
    }
}

#[test]
fn no_rule_fires_on_its_near_miss() {
    for r in RULES {
        let res = lint_file(&fixture(r.id, "ok"), &selection(r.id));
        assert!(
            !res.input_error,
            "{}: near-miss fixture is invalid: {:?}",
            r.id, res.diagnostics
        );
        assert!(
            res.diagnostics.is_empty(),
            "{} fires on its near miss: {:#?}",
            r.id,
            res.diagnostics
        );
    }
}

#[test]
fn snapshots_of_each_rule() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/rules");
    settings.bind(|| {
        for r in RULES {
            let path = fixture(r.id, "fires");
            insta::assert_snapshot!(
                format!("{}.human", r.id),
                human(lint_file(&path, &selection(r.id)))
            );
            insta::assert_snapshot!(
                format!("{}.json", r.id),
                json_of(lint_file(&path, &selection(r.id)))
            );
        }
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

/// The example that each page shows as firing really fires (page and code agree).
#[test]
fn page_examples_fire() {
    for r in RULES {
        let body = &r.meta().body;
        let start = body.find("## Example that fires").expect("section");
        let rest = &body[start..];
        let code = rest
            .split("```yaml\n")
            .nth(1)
            .and_then(|s| s.split("\n```").next())
            .expect("a yaml block");
        let text = if code.starts_with("name:") {
            code.to_string()
        } else {
            format!("name: example\n{code}")
        };
        let settings = archlint::config::Config::default()
            .settings(
                Some(
                    &selection(r.id)
                        .iter()
                        .map(|s| s.to_string())
                        .collect::<Vec<_>>(),
                ),
                None,
            )
            .unwrap();
        let res = archlint::lint_source(
            archlint::source::SourceFile::new("page.yaml", text),
            &settings,
        );
        assert!(
            !res.input_error,
            "{}: page example is invalid: {:?}",
            r.id, res.diagnostics
        );
        assert!(
            rules_of(&res).contains(&r.id),
            "{}: page example does not fire",
            r.id
        );
    }
}
