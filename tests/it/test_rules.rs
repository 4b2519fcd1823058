//! `archlint test-rules`, `not:`/`any:` selectors and `requires:` on packs: an
//! organisation's rules tested like code.

use crate::common::*;

fn in_dir(d: &Dir, args: &[&str]) -> std::process::Output {
    bin().current_dir(&d.0).args(args).output().unwrap()
}

/// A repository with a configuration defining `rules` (YAML list items).
fn repo(name: &str, rules: &str) -> Dir {
    let d = Dir::new(name);
    std::fs::create_dir_all(d.0.join(".git")).unwrap();
    d.write(".archlint.yaml", &format!("custom_rules:\n{rules}"));
    d.write(
        "fires.yaml",
        "name: x\ncomponents:\n  api: { kind: service }\n  old: { kind: service, tags: [legacy] }\n  web: { kind: worker }\n",
    );
    d.write(
        "ok.yaml",
        "name: x\ncomponents:\n  api: { kind: service, owner: a }\n",
    );
    d
}

const OWNER: &str = "  - id: acme-owner\n    summary: Services name an owner.\n    help: add `owner:`\n    match: { kind: [service, worker], not: { tags: legacy } }\n    require: { owner: present }\n";

#[test]
fn the_tests_of_the_example_pack_pass() {
    let o = run(&[
        "test-rules",
        "--config",
        "examples/rule-packs/acme.archlint.yaml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("ok ")).count(),
        16,
        "{out}"
    );
    assert!(out.contains("16 tests: 16 passed, 0 failed"), "{out}");
}

#[test]
fn passing_failing_untested_and_broken_tests() {
    let tests = "    tests:\n      - { file: fires.yaml, fires_at: [components.api, components.web] }\n      - { file: ok.yaml, fires_at: [] }\n";
    let d = repo("test-rules-pass", &format!("{OWNER}{tests}"));
    let o = in_dir(&d, &["test-rules"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("ok      acme-owner tests[0] fires.yaml"),
        "{}",
        stdout(&o)
    );

    // a wrong expectation: one line, located at the test's entry, exit 1
    let wrong = "    tests:\n      - { file: fires.yaml, fires_at: [components.api] }\n      - { file: ok.yaml, fires_at: [components.api] }\n";
    let d = repo("test-rules-fail", &format!("{OWNER}{wrong}"));
    let o = in_dir(&d, &["test-rules"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("FAILED  acme-owner tests[0] fires.yaml"),
        "{out}"
    );
    assert!(
        out.contains(
            ".archlint.yaml:8:9: it fired at `components.web`, which the test does not expect"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            ".archlint.yaml:9:9: expected a finding at `components.api`, found none there"
        ),
        "{out}"
    );
    assert!(out.contains("2 tests: 0 passed, 2 failed"), "{out}");

    // a rule without tests: a warning, not a failure
    let d = repo(
        "test-rules-none",
        &format!(
            "{OWNER}{tests}  - id: acme-lonely\n    summary: s\n    help: h\n    match: {{ kind: cache }}\n    require: {{ ttl: present }}\n"
        ),
    );
    let o = in_dir(&d, &["test-rules"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("`acme-lonely` has no tests"),
        "{}",
        stdout(&o)
    );

    // a test whose file is missing, or outside the repository: an invalid definition
    for file in ["missing.yaml", "../../etc/passwd"] {
        let bad = format!("    tests:\n      - {{ file: \"{file}\", fires_at: [] }}\n");
        let d = repo("test-rules-missing", &format!("{OWNER}{bad}"));
        let o = in_dir(&d, &["test-rules"]);
        assert_eq!(o.status.code(), Some(2), "{file}: {}", stdout(&o));
        assert!(
            stdout(&o).contains("ERROR   acme-owner tests[0]"),
            "{}",
            stdout(&o)
        );
        assert!(!stdout(&o).contains("root:"), "never the file's content");
    }
    // a malformed `tests:` entry is an input error in the configuration
    let d = repo(
        "test-rules-shape",
        &format!("{OWNER}    tests:\n      - {{ file: fires.yaml, fire_at: [] }}\n"),
    );
    let o = in_dir(&d, &["test-rules"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `fires_at`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn not_and_any_select_and_are_validated() {
    let rules = "  - id: acme-replicas\n    summary: Tier-1 services run 3 replicas.\n    help: more replicas\n    match: { kind: service, any: [{ tags: tier-1 }, { domain: payments, not: { id: \"sandbox-*\" } }] }\n    require: { replicas: \">= 3\" }\n";
    let d = repo("selectors", rules);
    let f = d.write(
        "d.arch.yaml",
        "name: x\ncomponents:\n  a: { kind: service, tags: [tier-1] }\n  b: { kind: service, domain: payments }\n  sandbox-pay: { kind: service, domain: payments }\n  c: { kind: service }\n  e: { kind: service, tags: [tier-1], replicas: 3 }\n",
    );
    let j = json(&in_dir(
        &d,
        &["check", "--select", "custom", "--format", "json", &f],
    ));
    let hit: Vec<&str> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["path"].as_str().unwrap())
        .collect();
    assert_eq!(hit, ["components.a", "components.b"], "{j}");
    // a misspelt key inside `not:` and `any:`, nested: located, with a suggestion
    let bad = "  - id: acme-bad\n    summary: s\n    help: h\n    match: { any: [{ not: { kidn: service } }] }\n    require: { owner: present }\n";
    let d = repo("selectors-bad", bad);
    let o = in_dir(&d, &["test-rules"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("unknown key `kidn` in a selector") && err.contains("did you mean `kind`?"),
        "{err}"
    );
    assert!(err.contains(".archlint.yaml:5:"), "{err}");
    let d = repo(
        "selectors-empty-any",
        "  - id: acme-bad\n    summary: s\n    help: h\n    match: { any: [] }\n    require: { owner: present }\n",
    );
    assert!(stderr(&in_dir(&d, &["test-rules"])).contains("`any` must be a non-empty list"));
}

#[test]
fn a_pack_states_the_versions_it_was_written_for() {
    let this = env!("CARGO_PKG_VERSION");
    for (req, ok) in [
        (">= 0.1", true),
        ("^0.1", true),
        (">= 99.0", false),
        ("not a version", false),
    ] {
        let d = Dir::new("pack-requires");
        std::fs::create_dir_all(d.0.join(".git")).unwrap();
        d.write(".archlint.yaml", "rule_packs: [pack.yaml]\n");
        d.write(
            "pack.yaml",
            &format!("requires: \"{req}\"\nrules:\n  - id: acme-x\n    summary: s\n    help: h\n    match: {{ kind: cache }}\n    require: {{ ttl: present }}\n"),
        );
        let f = d.write(
            "a.arch.yaml",
            "name: x\ncomponents:\n  c: { kind: cache }\n",
        );
        let o = in_dir(&d, &["check", &f]);
        if ok {
            assert_ne!(o.status.code(), Some(2), "{req}: {}", stderr(&o));
        } else {
            assert_eq!(o.status.code(), Some(2), "{req}");
            let err = stderr(&o);
            assert!(err.contains("pack.yaml:1:"), "located in the pack: {err}");
            if req.starts_with('>') {
                assert!(
                    err.contains(&format!(
                        "requires archlint {req}, and this is archlint {this}"
                    )),
                    "{err}"
                );
            } else {
                assert!(err.contains("is not a version requirement"), "{err}");
            }
        }
    }
}
