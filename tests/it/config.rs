//! `.archlint.yaml`: discovery, precedence, severities, options, errors; `allow`.

use crate::common;

use common::*;

const CHAIN: &str = "name: c\ncomponents:\n  a: {kind: service, calls: [{to: b, timeout: 1s}]}\n  b: {kind: service, calls: [{to: c, timeout: 1s}]}\n  c: {kind: service, calls: [{to: d, timeout: 1s}]}\n  d: {kind: service, calls: [{to: db, timeout: 1s}]}\n  db: {kind: database}\n";

fn rules_and_severities(out: &std::process::Output) -> Vec<(String, String)> {
    json(out)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn config_is_discovered_upwards_and_sets_severity_and_options() {
    let d = Dir::new("cfg-discover");
    let f = d.write("deep/er/chain.arch.yaml", CHAIN);
    d.write(
        ".archlint.yaml",
        "select: [sync-chain-too-long]\nrules:\n  sync-chain-too-long: { severity: error }\n",
    );
    let got = rules_and_severities(&run(&["check", "--format", "json", &f]));
    assert_eq!(
        got,
        [("sync-chain-too-long".to_string(), "error".to_string())]
    );

    d.write(
        ".archlint.yaml",
        "select: [sync-chain-too-long]\nrules:\n  sync-chain-too-long: { max_hops: 4 }\n",
    );
    assert!(rules_and_severities(&run(&["check", "--format", "json", &f])).is_empty());

    // --no-config ignores it: the default selection runs
    let got = rules_and_severities(&run(&["check", "--format", "json", "--no-config", &f]));
    assert!(got.iter().any(|(r, _)| r == "missing-requirement"));
}

#[test]
fn cli_select_and_ignore_replace_the_file_lists() {
    let d = Dir::new("cfg-precedence");
    let f = d.write("chain.arch.yaml", CHAIN);
    d.write(".archlint.yaml", "ignore: [sync-chain-too-long]\n");
    let got = rules_and_severities(&run(&["check", "--format", "json", &f]));
    assert!(!got.iter().any(|(r, _)| r == "sync-chain-too-long"));
    let got = rules_and_severities(&run(&[
        "check",
        "--format",
        "json",
        "--ignore",
        "missing-requirement",
        &f,
    ]));
    assert!(
        got.iter().any(|(r, _)| r == "sync-chain-too-long"),
        "CLI --ignore replaces the file's ignore list"
    );
    assert!(!got.iter().any(|(r, _)| r == "missing-requirement"));
}

#[test]
fn explicit_config_and_fail_on_from_the_file() {
    let d = Dir::new("cfg-explicit");
    let f = d.write("chain.arch.yaml", CHAIN);
    let cfg = d.write("ci.yaml", "select: [requirements]\nfail_on: error\n");
    let o = run(&["check", "--config", &cfg, &f]);
    assert_eq!(o.status.code(), Some(0), "only infos, and fail_on: error");
    let o = run(&["check", "--config", &cfg, "--fail-on", "info", &f]);
    assert_eq!(o.status.code(), Some(1), "--fail-on overrides the file");
}

#[test]
fn bad_configuration_is_an_input_error_with_suggestions() {
    let d = Dir::new("cfg-bad");
    let f = d.write("chain.arch.yaml", CHAIN);
    d.write(".archlint.yaml", "selct: [all]\nrules:\n  sync-chain-to-long: { severity: error }\n  shared-database: { max_writerz: 2 }\n");
    let o = run(&["check", &f]);
    assert_eq!(o.status.code(), Some(2));
    let text = stderr(&o);
    assert!(text.contains("did you mean `select`?"), "{text}");
    assert!(
        text.contains("did you mean `sync-chain-too-long`?"),
        "{text}"
    );
    assert!(text.contains("did you mean `max_writers`?"), "{text}");
}

#[test]
fn allow_on_a_call_suppresses_and_unused_allow_is_reported() {
    let d = Dir::new("allow");
    let f = d.write(
        "a.arch.yaml",
        "name: a\ncomponents:\n  api:\n    kind: service\n    calls:\n      - to: db\n        allow:\n          sync-call-without-timeout: the driver has a global 2s timeout\n      - to: db2\n        timeout: 1s\n        allow:\n          sync-call-without-timeout: stale\n  db: {kind: database}\n  db2: {kind: database}\n",
    );
    let got = rules_and_severities(&run(&[
        "check",
        "--format",
        "json",
        "--select",
        "resilience",
        &f,
    ]));
    assert_eq!(got, [("unused-allow".to_string(), "info".to_string())]);
}

#[test]
fn categories_are_matched_by_id_or_spec_heading_spelled_loosely() {
    let ids = |sel: &[&str]| -> Vec<&'static str> {
        let sel: Vec<String> = sel.iter().map(|s| s.to_string()).collect();
        let mut v = archlint_linter::config::resolve(&sel).expect("resolves");
        v.sort_unstable();
        v
    };
    assert_eq!(ids(&["anti-patterns"]), ids(&["antipatterns"]));
    assert_eq!(ids(&["anti-patterns"]), ids(&["Anti_Patterns"]));
    assert_eq!(ids(&["resilience"]), ids(&["failure-modes"]));
    assert_eq!(ids(&["components"]), ids(&["component-guidance"]));
    assert_eq!(ids(&["tradeoffs"]), ids(&["trade-offs"]));
    assert_eq!(ids(&["tradeoffs"]), vec!["undocumented-choice"]);
    assert!(ids(&["ALL"]).contains(&"undocumented-choice"));
    assert!(ids(&["capacity"]).contains(&"capacity-exceeded"));
    let err = archlint_linter::config::resolve(&["anti-pattrens".to_string()]).unwrap_err();
    assert!(err.contains("did you mean `anti-patterns`"), "{err}");
}

#[test]
fn bad_option_values_say_what_would_be_valid() {
    let d = Dir::new("cfg-bad-values");
    let f = d.write("chain.arch.yaml", CHAIN);
    d.write(
        ".archlint.yaml",
        "rules:\n  sync-chain-too-long: { max_hops: four }\n  retry-amplification: { severity: loud, enabled: maybe }\n",
    );
    let o = run(&["check", &f, "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let j = json(&o);
    let found: Vec<(String, String, u64)> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["help"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expect = [
        (
            "rules.sync-chain-too-long.max_hops",
            "`max_hops: 3` (the default)",
            2,
        ),
        ("rules.retry-amplification.severity", "`severity: error`", 3),
        ("rules.retry-amplification.enabled", "`enabled: false`", 3),
    ];
    for (path, help, line) in expect {
        assert!(
            found
                .iter()
                .any(|(p, h, l)| p == path && h.contains(help) && *l == line),
            "{path}: {found:?}"
        );
    }
}
