//! Every invalid input exits 2 with located `invalid-input` diagnostics, never a panic.

use crate::common;

use common::*;

fn invalid_fixtures() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn at_least_fifteen_distinct_invalid_inputs() {
    assert!(invalid_fixtures().len() >= 15);
}

#[test]
fn each_invalid_input_exits_2_with_located_errors() {
    for name in invalid_fixtures() {
        let path = format!("tests/fixtures/invalid/{name}");
        let o = run(&["check", "--format", "json", &path]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{name}: exit code; stderr: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v = json(&o);
        let ds: Vec<&serde_json::Value> = v["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["rule"] == "invalid-input")
            .collect();
        assert!(!ds.is_empty(), "{name}: no input errors");
        for d in ds {
            assert_eq!(d["severity"], "error");
            assert!(
                d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1,
                "{name}: {d}"
            );
            assert!(!d["message"].as_str().unwrap().is_empty());
        }
    }
}

#[test]
fn invalid_input_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/invalid");
    settings.bind(|| {
        for name in invalid_fixtures() {
            let path = format!("tests/fixtures/invalid/{name}");
            let o = run(&["check", &path]);
            // input errors go to stderr; stdout keeps only the summary
            assert!(!stdout(&o).contains("invalid-input"), "{name}");
            insta::assert_snapshot!(format!("{name}.human"), stderr(&o));
            let json = stdout(&run(&["check", "--format", "json", &path]));
            insta::assert_snapshot!(format!("{name}.json"), json);
        }
    });
}

#[test]
fn all_problems_of_a_file_are_reported_in_one_run() {
    let o = run(&[
        "check",
        "--format",
        "json",
        "tests/fixtures/invalid/bad-quantity.yaml",
    ]);
    assert_eq!(json(&o)["diagnostics"].as_array().unwrap().len(), 4);
}

#[test]
fn suggestions_are_given() {
    let text = stderr(&run(&["check", "tests/fixtures/invalid/unknown-key.yaml"]));
    assert!(text.contains("did you mean `replicas`?"), "{text}");
    let text = stderr(&run(&[
        "check",
        "tests/fixtures/invalid/unknown-reference.yaml",
    ]));
    assert!(text.contains("did you mean `orders-db`?"), "{text}");
    let text = stderr(&run(&["check", "tests/fixtures/invalid/unknown-kind.yaml"]));
    assert!(text.contains("`service`"), "{text}");
}

#[test]
fn the_alias_bomb_is_rejected_quickly() {
    let t = std::time::Instant::now();
    let o = run(&["check", "tests/fixtures/invalid/alias-bomb.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("aliases expand"), "{}", stderr(&o));
    // generous bound: the real cost is milliseconds; this only guards against expansion
    assert!(t.elapsed().as_secs() < 10);
}

#[test]
fn bom_and_crlf_are_accepted() {
    let text =
        "\u{feff}name: shop\r\ncomponents:\r\n  api:\r\n    kind: service\r\n    replicaz: 2\r\n";
    let r = lint_text(text);
    assert!(r.input_error);
    assert_eq!(errors_of(&r).len(), 1);
    let at = r.source.line_col(errors_of(&r)[0].span.start());
    assert_eq!((at.line, at.column), (5, 5));
}
