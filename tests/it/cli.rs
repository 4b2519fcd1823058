//! The command line: exit codes, formats, discovery, stdin, several files.

use crate::common;

use common::*;

#[test]
fn clean_example_exits_0() {
    let o = run(&["check", "examples/photo-sharing.arch.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("no findings"));
}

#[test]
fn findings_exit_1_and_fail_on_moves_the_threshold() {
    assert_eq!(
        run(&["check", "examples/shop.arch.yaml"]).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&["check", "--fail-on", "never", "examples/shop.arch.yaml"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&["check", "--fail-on", "error", "examples/shop.arch.yaml"])
            .status
            .code(),
        Some(1)
    );
    // only infos: fails on info, passes on warning
    let infos = "tests/fixtures/rules/multi-region-strong-consistency/fires.arch.yaml";
    let sel = "multi-region-strong-consistency";
    assert_eq!(
        run(&["check", "--select", sel, "--fail-on", "info", infos])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&["check", "--select", sel, "--fail-on", "warning", infos])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn json_matches_the_contract() {
    let o = run(&["check", "--format", "json", "examples/shop.arch.yaml"]);
    let v = json(&o);
    let ds = v["diagnostics"].as_array().unwrap();
    assert!(!ds.is_empty());
    let keys: Vec<&str> = ds[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "rule",
        "severity",
        "message",
        "help",
        "file",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "related",
    ] {
        assert!(keys.contains(&k), "missing {k}");
    }
    let mut last = (String::new(), 0, 0, String::new());
    for d in ds {
        let cur = (
            d["file"].as_str().unwrap().to_string(),
            d["line"].as_u64().unwrap(),
            d["column"].as_u64().unwrap(),
            d["rule"].as_str().unwrap().to_string(),
        );
        assert!(cur >= last, "not sorted: {cur:?} after {last:?}");
        last = cur;
    }
    let s = &v["summary"];
    assert_eq!(s["files"], 1);
    let total = s["errors"].as_u64().unwrap()
        + s["warnings"].as_u64().unwrap()
        + s["infos"].as_u64().unwrap();
    assert_eq!(total as usize, ds.len());
}

#[test]
fn a_directory_is_searched_for_architecture_files() {
    let o = run(&[
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        "examples",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    let files: std::collections::BTreeSet<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(
        files.iter().any(|f| f.ends_with("shop.arch.yaml")),
        "{files:?}"
    );
    assert!(v["summary"]["files"].as_u64().unwrap() >= 2);
}

#[test]
fn one_bad_file_does_not_stop_the_others() {
    let o = run(&[
        "check",
        "--format",
        "json",
        "tests/fixtures/invalid/unknown-key.yaml",
        "examples/shop.arch.yaml",
        "no/such/file.yaml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    assert_eq!(v["summary"]["files"], 3);
    let ds = v["diagnostics"].as_array().unwrap();
    assert!(
        ds.iter()
            .any(|d| d["file"] == "examples/shop.arch.yaml" && d["rule"] != "invalid-input")
    );
    assert!(ds.iter().any(|d| d["file"] == "no/such/file.yaml"
        && d["message"].as_str().unwrap().contains("no such file")));
}

#[test]
fn parallel_linting_gives_the_same_output_as_one_thread() {
    // the whole gallery plus the rule fixtures: dozens of files linted in parallel
    let args = [
        "check",
        "--format",
        "json",
        "examples",
        "tests/fixtures/rules",
    ];
    let one = bin()
        .args(args)
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    let many = bin()
        .args(args)
        .env("RAYON_NUM_THREADS", "4")
        .output()
        .unwrap();
    assert_eq!(one.status.code(), Some(1));
    assert!(json(&one)["summary"]["files"].as_u64().unwrap() > 60);
    assert_eq!(stdout(&one), stdout(&many));
    let human = |n: &str| {
        let o = bin()
            .args(["check", "examples", "tests/fixtures/rules"])
            .env("RAYON_NUM_THREADS", n)
            .output()
            .unwrap();
        stdout(&o)
    };
    assert_eq!(human("1"), human("3"));
}

#[test]
fn stdin_is_read_with_dash() {
    let yaml = std::fs::read("examples/shop.arch.yaml").unwrap();
    let o = run_stdin(&["check", "--format", "json", "-"], &yaml);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["diagnostics"][0]["file"], "<stdin>");
}

#[test]
fn select_and_ignore() {
    let o = run(&[
        "check",
        "--format",
        "json",
        "--select",
        "sync-chain-too-long",
        "examples/shop.arch.yaml",
    ]);
    let v = json(&o);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["rule"] == "sync-chain-too-long")
    );
    let o = run(&[
        "check",
        "--format",
        "json",
        "--ignore",
        "requirements,anti-patterns",
        "examples/shop.arch.yaml",
    ]);
    let v = json(&o);
    for d in v["diagnostics"].as_array().unwrap() {
        assert!(
            ![
                "missing-requirement",
                "sync-chain-too-long",
                "shared-database"
            ]
            .contains(&d["rule"].as_str().unwrap())
        );
    }
    let o = run(&[
        "check",
        "--select",
        "sync-chian-too-long",
        "examples/shop.arch.yaml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `sync-chain-too-long`"));
}

#[test]
fn tradeoffs_are_off_by_default() {
    let f = "tests/fixtures/rules/undocumented-choice/fires.arch.yaml";
    let rules = |args: &[&str]| -> Vec<String> {
        let v = json(&run(args));
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!rules(&["check", "--format", "json", f]).contains(&"undocumented-choice".to_string()));
    assert!(
        rules(&["check", "--format", "json", "--select", "tradeoffs", f])
            .contains(&"undocumented-choice".to_string())
    );
}

#[test]
fn rules_lists_every_rule_and_explain_prints_pages() {
    let o = run(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for r in archlint_linter::rules::RULES {
        assert!(
            text.contains(r.id),
            "{} missing from `archlint rules`",
            r.id
        );
    }
    let o = run(&["explain", "sync-chain-too-long"]);
    assert_eq!(o.status.code(), Some(0));
    // laid out for the terminal: headings underlined, emphasis without its marks,
    // the YAML examples indented as written
    let page = stdout(&o);
    assert!(page.contains("\nWhy it hurts\n------------\n"), "{page}");
    assert!(
        page.starts_with("sync-chain-too-long\n===================\n"),
        "{page}"
    );
    assert!(page.contains("default severity warning"), "{page}");
    assert!(page.contains("\n    components:\n      api: "), "{page}");
    // the page's source on request
    let src = stdout(&run(&[
        "explain",
        "sync-chain-too-long",
        "--format",
        "markdown",
    ]));
    assert!(src.starts_with("# sync-chain-too-long\n"), "{src}");
    assert!(src.contains("default severity **warning**"), "{src}");
    assert!(src.contains("## Why it hurts"));
    let o = run(&["explain", "sync-chain-to-long"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `sync-chain-too-long`"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["check", "--format", "xml"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn human_output_snapshot_of_the_problem_example() {
    let o = run(&["check", "examples/shop.arch.yaml"]);
    insta::assert_snapshot!("shop_human", stdout(&o));
}

/// Every page whose fix has YAML shows it as a before/after pair, the "before" taken
/// from the example that fires.
#[test]
fn explain_shows_the_fix_as_a_before_after_pair() {
    let mut pairs = 0;
    for r in archlint_linter::rules::RULES {
        let src = std::fs::read_to_string(format!("rules/{}.md", r.id)).unwrap();
        let fix = &src[src.find("## The fix").unwrap()..];
        let fix = &fix[..fix[3..].find("\n## ").map_or(fix.len(), |i| i + 3)];
        let page = stdout(&run(&["explain", r.id, "--format", "markdown"]));
        if fix.contains("```yaml") && src.contains("## Example that fires") {
            let b = page
                .find("Before (fires):")
                .unwrap_or_else(|| panic!("{}", r.id));
            let a = page.find("After:").unwrap_or_else(|| panic!("{}", r.id));
            assert!(b < a, "{}", r.id);
            let before = &page[b..a];
            let example_start = src.find("## Example that fires").unwrap();
            for line in before.lines().filter(|l| l.starts_with(' ')) {
                assert!(src[example_start..].contains(line), "{}: {line}", r.id);
            }
            pairs += 1;
        }
    }
    assert!(pairs >= 30, "{pairs}");
}
