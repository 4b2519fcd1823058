//! SARIF (validated against the official 2.1.0 schema), GitHub annotations, the JSON
//! Schema of the file format, and `init`.

use crate::common;

use common::*;

fn validate(schema: &serde_json::Value, instance: &serde_json::Value) -> Vec<String> {
    let v = jsonschema::validator_for(schema).expect("schema compiles");
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The official SARIF 2.1.0 schema, with one known defect mended in memory: the
/// `language` patterns have a stray `]` that strict regex engines reject. The file
/// itself stays as published.
fn sarif_schema() -> serde_json::Value {
    const DEFECT: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    let text = include_str!("../schemas/sarif-2.1.0-rtm.5.json");
    assert!(
        text.contains(DEFECT),
        "the known defect is where we expect it"
    );
    let mended = text.replace(DEFECT, "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}$");
    serde_json::from_str(&mended).unwrap()
}

fn yaml_to_json(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let src = archlint_core::source::SourceFile::new(path, text);
    let arena = archlint_core::model::yaml::Arena::new();
    archlint_core::model::yaml::parse(&src, &arena, Default::default())
        .expect("valid YAML")
        .root
        .to_json()
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let schema = sarif_schema();
    for args in [
        vec!["check", "--format", "sarif", "examples/shop.arch.yaml"],
        vec![
            "check",
            "--format",
            "sarif",
            "examples/photo-sharing.arch.yaml",
        ],
        vec![
            "check",
            "--format",
            "sarif",
            "tests/fixtures/invalid/unknown-key.yaml",
        ],
    ] {
        let o = run(&args);
        let v = json(&o);
        let errors = validate(&schema, &v);
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
}

#[test]
fn sarif_carries_rules_and_locations() {
    let v = json(&run(&[
        "check",
        "--format",
        "sarif",
        "examples/shop.arch.yaml",
    ]));
    let run0 = &v["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(
        rules.len(),
        archlint_linter::rules::RULES.len() + 1,
        "every rule plus invalid-input"
    );
    for r in rules {
        assert!(
            r["shortDescription"]["text"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        );
        assert!(r["defaultConfiguration"]["level"].as_str().is_some());
    }
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for res in results {
        let i = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], res["ruleId"]);
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "examples/shop.arch.yaml");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
    }
}

#[test]
fn github_annotations() {
    let o = run(&["check", "--format", "github", "examples/shop.arch.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    let mut lines: Vec<&str> = text.lines().collect();
    assert!(!lines.is_empty());
    // more warnings than GitHub shows per step: a closing notice says how many more
    let last = lines.pop().unwrap();
    assert!(
        last.starts_with("::notice title=archlint::")
            && last.contains("more findings than GitHub shows"),
        "{last}"
    );
    // errors first, then warnings, then notices
    let rank = |l: &str| {
        ["::error", "::warning", "::notice"]
            .iter()
            .position(|p| l.starts_with(p))
            .unwrap()
    };
    assert!(lines.windows(2).all(|w| rank(w[0]) <= rank(w[1])), "{text}");
    for l in &lines {
        assert!(
            l.starts_with("::error file=")
                || l.starts_with("::warning file=")
                || l.starts_with("::notice file="),
            "{l}"
        );
        assert!(
            l.contains(",line=")
                && l.contains(",col=")
                && l.contains(",endLine=")
                && l.contains(",endColumn=")
                && l.contains(",title=archlint "),
            "{l}"
        );
        assert!(!l.contains('\n'));
    }
    insta::assert_snapshot!("shop_github", text);
}

#[test]
fn the_schema_accepts_every_example_and_the_starter() {
    let schema = archlint_core::model::schema::schema(&archlint_linter::rules::ids());
    let mut files: Vec<String> = std::fs::read_dir("examples")
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".yaml"))
        .collect();
    files.push("src/commands/starter.arch.yaml".into());
    files.sort();
    for f in files {
        let errors = validate(&schema, &yaml_to_json(&f));
        assert!(errors.is_empty(), "{f}: {errors:#?}");
    }
}

#[test]
fn the_schema_rejects_what_validation_rejects() {
    let schema = archlint_core::model::schema::schema(&archlint_linter::rules::ids());
    for bad in [
        "unknown-key",
        "unknown-kind",
        "missing-kind",
        "missing-name",
        "kind-specific-field",
        "allow-unknown-rule",
        "wrong-layer",
        "bad-enum",
    ] {
        let v = yaml_to_json(&format!("tests/fixtures/invalid/{bad}.yaml"));
        assert!(!validate(&schema, &v).is_empty(), "{bad} passes the schema");
    }
}

#[test]
fn the_checked_in_schema_is_current() {
    let generated = format!(
        "{}\n",
        serde_json::to_string_pretty(&archlint_core::model::schema::schema(
            &archlint_linter::rules::ids()
        ))
        .unwrap()
    );
    let path = "schema/architecture.schema.json";
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    if on_disk != generated {
        if std::env::var_os("ARCHLINT_BLESS").is_some() {
            std::fs::write(path, generated).unwrap();
        } else {
            panic!("{path} is out of date; run `ARCHLINT_BLESS=1 cargo test --test it formats::`");
        }
    }
    assert_eq!(
        stdout(&run(&["schema"])),
        std::fs::read_to_string(path).unwrap()
    );
}

#[test]
fn init_writes_a_starter_that_passes_and_refuses_to_overwrite() {
    let dir = std::env::temp_dir().join(format!("archlint-init-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("architecture.yaml");
    let _ = std::fs::remove_file(&file);
    let f = file.to_str().unwrap();
    assert_eq!(run(&["init", f]).status.code(), Some(0));
    let o = run(&["check", "--fail-on", "warning", f]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v = json(&run(&["check", "--format", "json", f]));
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["severity"] == "info")
    );
    std::fs::write(&file, "name: mine\n").unwrap();
    assert_eq!(run(&["init", f]).status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "name: mine\n");
    assert_eq!(run(&["init", "--force", f]).status.code(), Some(0));
    assert_ne!(std::fs::read_to_string(&file).unwrap(), "name: mine\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn completions_are_printed() {
    for shell in ["bash", "zsh", "fish"] {
        let o = run(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0));
        assert!(stdout(&o).contains("archlint"));
    }
}

/// A label nested inside the primary node on one line (flow style) is drawn where it
/// points, not moved to the primary's end; JSON keeps the whole node as the span.
#[test]
fn human_labels_inside_a_flow_mapping_stay_in_place() {
    let text = "name: s\nrequirements:\n  consistency: strong\ncomponents:\n  \
                b: { kind: service, calls: [{to: db, timeout: 1s, read_from: replica, retry: {attempts: 2, backoff: constant}}] }\n  \
                db: { kind: database, tech: mysql, replication: async, replicas: 2 }\n";
    let select = [
        "retry-without-backoff",
        "stale-read-under-strong-consistency",
    ];
    let settings = archlint_linter::config::Config::default()
        .settings(Some(&select.map(String::from)), None)
        .unwrap()
        .on(archlint_testing::TODAY);
    let lint = || {
        archlint_linter::lint_source(
            archlint_core::source::SourceFile::new("flow.yaml", text),
            &settings,
        )
    };
    insta::assert_snapshot!("flow_style_labels", human(lint()));
    let j: serde_json::Value = serde_json::from_str(&json_of(lint())).unwrap();
    for d in j["diagnostics"].as_array().unwrap() {
        // The whole `{to: db, ...}` mapping: column 31 to just past its closing brace.
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(5), Some(31))
        );
        assert_eq!(d["end_column"].as_u64(), Some(113));
    }
}

/// A one-line file (JSON is YAML) shows an excerpt of the line around each finding,
/// not the whole file per finding, and keeps the true line and column.
#[test]
fn human_output_of_a_one_line_file_shows_excerpts() {
    let mut comps = String::from(r#""web": {"kind": "client", "calls": ["api"]}"#);
    for i in 0..30 {
        comps.push_str(&format!(
            r#", "svc{i}": {{"kind": "service", "replicas": 2, "calls": [{{"to": "db", "timeout": "1s"}}]}}"#
        ));
    }
    comps.push_str(r#", "api": {"kind": "service", "rate_limit": true, "replicas": 2, "calls": [{"to": "svc0", "timeout": "1s"}]}"#);
    comps.push_str(r#", "db": {"kind": "database", "tech": "postgresql", "replicas": 2}"#);
    let text = format!(r#"{{"name": "one-line", "components": {{{comps}}}}}"#);
    assert!(text.len() > 2500 && !text.contains('\n'));
    let settings = archlint_linter::config::Config::default()
        .settings(Some(&["shared-database".to_string()]), None)
        .unwrap()
        .on(archlint_testing::TODAY);
    let r = archlint_linter::lint_source(
        archlint_core::source::SourceFile::new("one.json", &text),
        &settings,
    );
    let out = human(r);
    let longest = out.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 300, "a line of {longest} chars:\n{out}");
    let col = text.find(r#""db": {"kind""#).unwrap() + 1;
    assert!(out.contains(&format!("--> one.json:1:{col}")), "{out}");
    insta::assert_snapshot!("one_line_file", out);
}
