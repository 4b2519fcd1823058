//! Hostile and unusual input: limits, unreadable files, odd encodings, and the
//! minimized crashers the fuzzers found (`tests/fixtures/fuzz/`).

use crate::common;

use common::*;

const OK: &str = "name: ok\ncomponents:\n  api: { kind: service }\n";

fn diagnostics(o: &std::process::Output) -> Vec<serde_json::Value> {
    json(o)["diagnostics"].as_array().unwrap().clone()
}

fn messages_for(o: &std::process::Output, file: &str) -> Vec<String> {
    diagnostics(o)
        .iter()
        .filter(|d| d["file"].as_str().is_some_and(|f| f.ends_with(file)))
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_file_over_the_size_limit_is_rejected_and_the_others_are_linted() {
    let d = Dir::new("size");
    let big = d.write(
        "big.arch.yaml",
        &format!("name: big\n# {}\n", "x".repeat(400)),
    );
    let ok = d.write("ok.arch.yaml", OK);
    let o = run(&[
        "check",
        "--format",
        "json",
        "--max-file-size",
        "200",
        &big,
        &ok,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let m = messages_for(&o, "big.arch.yaml");
    assert!(m[0].contains("more than the 200 byte limit"), "{m:?}");
    assert_eq!(json(&o)["summary"]["files"], 2);
    assert!(
        messages_for(&o, "ok.arch.yaml")
            .iter()
            .all(|m| !m.contains("limit"))
    );
    // stdin obeys the same limit
    let o = run_stdin(&["check", "--max-file-size", "20", "-"], OK.as_bytes());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("byte limit"), "{}", stderr(&o));
    insta::assert_snapshot!("file_too_large", stderr(&o));
}

#[test]
fn too_many_components_is_a_located_error() {
    let d = Dir::new("count");
    let f = d.write(
        "many.arch.yaml",
        "name: many\ncomponents:\n  a: { kind: service }\n  b: { kind: service }\n  c: { kind: service }\n",
    );
    let o = run(&["check", "--format", "json", "--max-components", "2", &f]);
    assert_eq!(o.status.code(), Some(2));
    let ds: Vec<serde_json::Value> = diagnostics(&o)
        .into_iter()
        .filter(|d| d["rule"] == "invalid-input")
        .collect();
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(
        ds[0]["line"], 5,
        "points at the first component over the limit"
    );
    assert!(
        ds[0]["message"]
            .as_str()
            .unwrap()
            .contains("3 components, more than the limit of 2")
    );
    let o = run(&["check", "--format", "json", "--max-components", "3", &f]);
    assert_ne!(o.status.code(), Some(2));
    let human = stderr(&run(&["check", "--max-components", "2", &f]));
    insta::assert_snapshot!("too_many_components", human.replace(&f, "many.arch.yaml"));
}

#[test]
fn a_huge_flat_file_is_rejected_by_the_node_limit() {
    use archlint_core::model::yaml::{Limits, parse};
    let text = "k: [".to_string() + &"1, ".repeat(2_000) + "1]\n";
    let src = archlint_core::source::SourceFile::new("flat.yaml", text);
    let limits = Limits {
        max_nodes: 1_000,
        ..Limits::default()
    };
    let arena = archlint_core::model::yaml::Arena::new();
    let e = parse(&src, &arena, limits)
        .err()
        .expect("over the node limit");
    assert!(
        e.message.contains("more than 1000 YAML nodes"),
        "{}",
        e.message
    );
}

#[cfg(unix)]
#[test]
fn unreadable_paths_are_reported_and_the_other_files_still_linted() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let d = Dir::new("unreadable");
    let ok = d.write("ok.arch.yaml", OK);
    let broken = d.0.join("broken.arch.yaml");
    symlink(d.0.join("missing.yaml"), &broken).unwrap();
    let locked = d.write("locked.arch.yaml", OK);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // a directory whose name looks like an architecture file
    std::fs::create_dir_all(d.0.join("dir.arch.yaml")).unwrap();

    // named explicitly
    let o = run(&[
        "check",
        "--format",
        "json",
        broken.to_str().unwrap(),
        &locked,
        &ok,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&o)["summary"]["files"], 3);
    let m = messages_for(&o, "broken.arch.yaml");
    assert!(m.len() == 1 && m[0].contains("no such file"), "{m:?}");
    // root reads any file, so only expect the error where permissions bite
    if std::fs::read(&locked).is_err() {
        let m = messages_for(&o, "locked.arch.yaml");
        assert!(m.len() == 1 && m[0].contains("permission denied"), "{m:?}");
    }
    assert!(
        messages_for(&o, "ok.arch.yaml")
            .iter()
            .all(|m| !m.contains("cannot"))
    );

    // found by discovery: the broken link is reported, not skipped silently
    let o = run(&["check", "--format", "json", d.0.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        !messages_for(&o, "broken.arch.yaml").is_empty(),
        "{:?}",
        diagnostics(&o)
    );
    assert!(
        !messages_for(&o, "ok.arch.yaml")
            .iter()
            .any(|m| m.contains("cannot"))
    );
    // a directory that merely looks like an architecture file is not one: skipped
    assert!(messages_for(&o, "dir.arch.yaml").is_empty());
    // named explicitly, a directory is searched; one that yields no file is
    // a usage error, so a CI job given a wrong path fails instead of passing
    let empty = d.0.join("dir.arch.yaml");
    let o = run(&["check", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no architecture files"));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn odd_encodings_are_handled_deliberately() {
    // BOM and CRLF: accepted, and positions stay right
    let crlf =
        "\u{feff}name: x\r\ncomponents:\r\n  api:\r\n    kind: service\r\n    replicas: 0\r\n";
    let r = lint_text(crlf);
    assert!(r.input_error);
    let d = errors_of(&r)[0];
    let at = archlint_outputs::locate(&r.source, d);
    assert_eq!((at.line, at.column), (5, 15), "{d:?}");
    // a lone CR ends a line too
    let r = lint_text("name: x\rcomponents:\r  api: { kind: nope }\r");
    assert!(r.input_error);
    assert_eq!(
        archlint_outputs::locate(&r.source, errors_of(&r)[0]).line,
        3
    );
    // tabs in indentation: a located syntax error with a hint
    let r = lint_text("name: x\ncomponents:\n\tapi: { kind: service }\n");
    assert!(r.input_error);
    assert!(
        r.diagnostics[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("tab"),
        "{:?}",
        r.diagnostics
    );
    // whitespace only and comments only: empty
    for text in ["", "   \n\n", "# nothing\n"] {
        let r = lint_text(text);
        assert!(
            r.input_error && r.diagnostics[0].message.contains("empty"),
            "{text:?}: {:?}",
            r.diagnostics
        );
    }
}

#[test]
fn fuzz_crashers_stay_fixed() {
    let dir = std::path::Path::new("tests/fixtures/fuzz");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let bytes = std::fs::read(&p).unwrap();
        let out = archlint_testing::every_output(&p.display().to_string(), &bytes);
        assert!(out.len() >= 5, "{}", p.display());
        n += 1;
    }
    assert!(n > 0, "the fuzz corpus of crashers is empty");
}

/// `x-` keys at the top hold anchors, `<<` merges them; explicit keys win, and a
/// finding about a merged field points at where the field is written.
#[test]
fn merge_keys_and_extension_keys_load() {
    let text = "name: merges\n\
                x-service: &service { kind: service, stateful: true }\n\
                components:\n  \
                api: { <<: *service, replicas: 3 }\n  \
                solo: { <<: *service }\n  \
                both:\n    <<: [{ replicas: 2 }, *service]\n    replicas: 1\n";
    let r = lint_text_all(text);
    let j: serde_json::Value = serde_json::from_str(&json_of(r)).unwrap();
    let found: Vec<(String, String, u64)> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] != "missing-requirement")
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [(
            "sticky-sessions".to_string(),
            "components.api.stateful".to_string(),
            2
        )],
        "{j:#}"
    );
}
