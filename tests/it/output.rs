//! Output for real terminals and CI — the human layout, the CI formats
//! (each read by a real consumer), output files, colour and statistics.

use crate::common;

use common::*;

const ESTATE: &str = "examples/retail-estate.arch.yaml";

/// A source line of a snippet: `NN | text`.
fn is_source_line(l: &str) -> bool {
    let t = l.trim_start();
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    digits > 0 && t[digits..].starts_with(" |")
}

/// A marker row: `   |   ^^^^ label` or `   |   ---- label`.
fn is_marker_line(l: &str) -> bool {
    let t = l.trim_start();
    t.starts_with('|') && t[1..].trim_start().starts_with(['^', '-'])
}

#[test]
fn human_output_is_short_and_never_prints_long_unlabelled_runs() {
    let o = run(&["check", ESTATE]);
    let text = stdout(&o);
    let findings = text
        .lines()
        .filter(|l| l.starts_with("warning[") || l.starts_with("error[") || l.starts_with("info["))
        .count();
    assert!(findings >= 9, "{text}");
    let lines = text.lines().count();
    assert!(
        (lines as f64) / (findings as f64) < 15.0,
        "{lines} lines for {findings} findings"
    );
    // never more than 2 source lines without a marker under them in a row
    let mut run = 0;
    let all: Vec<&str> = text.lines().collect();
    for (i, l) in all.iter().enumerate() {
        if is_source_line(l) {
            let labelled = all.get(i + 1).is_some_and(|n| is_marker_line(n));
            run = if labelled { 0 } else { run + 1 };
            assert!(run <= 2, "a run of unlabelled lines near line {i}:\n{text}");
        } else if !is_marker_line(l) {
            run = 0;
        }
    }
    // the sync chain finding elides the ninety lines between its hops
    assert!(text.contains("\n...\n"), "{text}");
}

#[test]
fn the_header_names_the_primary_location() {
    let o = run(&["check", "--format", "json", ESTATE]);
    let j = json(&o);
    let human = stdout(&run(&["check", ESTATE]));
    for d in j["diagnostics"].as_array().unwrap() {
        let at = format!(
            "--> {}:{}:{}",
            d["file"].as_str().unwrap(),
            d["line"],
            d["column"]
        );
        assert!(human.contains(&at), "{at} missing:\n{human}");
    }
}

#[test]
fn width_follows_columns_and_never_breaks_hyphenated_names() {
    let o = bin()
        .args(["check", ESTATE])
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    let text = stdout(&o);
    for l in text.lines() {
        // a rule page link cannot be wrapped; everything else fits
        if l.contains("https://") {
            continue;
        }
        assert!(l.chars().count() <= 80, "{} chars: {l}", l.chars().count());
    }
    // every rule id and component id of a message survives wrapping whole
    let j = json(&run(&["check", "--format", "json", ESTATE]));
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for d in j["diagnostics"].as_array().unwrap() {
        let msg = d["message"].as_str().unwrap();
        assert!(
            joined.contains(&msg.split_whitespace().collect::<Vec<_>>().join(" ")),
            "message not intact: {msg}"
        );
    }
    for l in text.lines() {
        let t = l.trim_end();
        assert!(
            !(t.ends_with('-') && !t.ends_with("--") && !t.ends_with(" -")) || is_marker_line(l),
            "a line broken at a hyphen: {l}"
        );
    }
    // a wider terminal: longer lines
    let wide = bin()
        .args(["check", ESTATE])
        .env("COLUMNS", "160")
        .output()
        .unwrap();
    let max = stdout(&wide)
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap();
    assert!(max > 100, "{max}");
}

#[test]
fn concise_is_one_line_per_finding() {
    let o = run(&["check", "--format", "concise", "--quiet", ESTATE]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    let re =
        regex::Regex::new(r"^[^:]+:\d+:\d+: (error|warning|info)\[[a-z0-9-]+\] \S.*$").unwrap();
    let j = json(&run(&["check", "--format", "json", ESTATE]));
    assert_eq!(
        text.lines().count(),
        j["diagnostics"].as_array().unwrap().len()
    );
    for l in text.lines() {
        assert!(re.is_match(l), "{l}");
    }
    insta::assert_snapshot!(
        "concise_shop",
        stdout(&run(&[
            "check",
            "--format",
            "concise",
            "examples/shop.arch.yaml"
        ]))
    );
}

#[test]
fn junit_is_read_by_a_junit_parser() {
    let o = run(&[
        "check",
        "--format",
        "junit",
        "examples/shop.arch.yaml",
        "examples/chat.arch.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let xml = stdout(&o);
    let suites = junit_parser::from_reader(std::io::Cursor::new(xml.as_bytes()))
        .unwrap_or_else(|e| panic!("not JUnit XML ({e}):\n{xml}"));
    let j = json(&run(&[
        "check",
        "--format",
        "json",
        "examples/shop.arch.yaml",
        "examples/chat.arch.yaml",
    ]));
    let diags = j["diagnostics"].as_array().unwrap();
    assert_eq!(suites.suites.len(), 2);
    let shop = &suites.suites[0];
    assert_eq!(shop.name, "examples/shop.arch.yaml");
    // one test case per rule that found something, a failure per finding
    let mut rules: Vec<&str> = diags
        .iter()
        .filter(|d| d["file"] == "examples/shop.arch.yaml")
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    let failures: usize = rules.len();
    rules.sort();
    rules.dedup();
    assert_eq!(shop.cases.len(), rules.len());
    assert_eq!(shop.failures as usize, failures);
    for c in &shop.cases {
        assert!(c.status.is_failure(), "{}", c.name);
        assert_eq!(c.classname.as_deref(), Some("examples/shop.arch.yaml"));
    }
    // the clean example is one passing case
    let chat = &suites.suites[1];
    assert_eq!(chat.cases.len(), 1);
    assert!(chat.cases[0].status.is_success());
    insta::assert_snapshot!(
        "junit_shop",
        stdout(&run(&[
            "check",
            "--format",
            "junit",
            "examples/pastebin.arch.yaml"
        ]))
    );
}

#[test]
fn gitlab_code_quality_fields() {
    let o = run(&[
        "check",
        "--format",
        "gitlab",
        ESTATE,
        "examples/shop.arch.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let issues = json(&o);
    let j = json(&run(&[
        "check",
        "--format",
        "json",
        ESTATE,
        "examples/shop.arch.yaml",
    ]));
    let diags = j["diagnostics"].as_array().unwrap();
    let issues = issues.as_array().expect("a JSON array of issues");
    assert_eq!(issues.len(), diags.len());
    let mut prints = std::collections::HashSet::new();
    for i in issues {
        assert!(i["description"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(i["check_name"].as_str().is_some());
        let f = i["fingerprint"].as_str().unwrap();
        assert!(
            !f.is_empty() && prints.insert(f.to_string()),
            "duplicate fingerprint {f}"
        );
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap())
        );
        assert!(
            i["location"]["path"]
                .as_str()
                .unwrap()
                .ends_with(".arch.yaml")
        );
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    // severities map info→info, warning→minor, error→major
    for (i, d) in issues.iter().zip(diags) {
        let want = match d["severity"].as_str().unwrap() {
            "info" => "info",
            "warning" => "minor",
            _ => "major",
        };
        assert_eq!(i["check_name"], d["rule"]);
        assert_eq!(i["severity"], want);
        assert_eq!(i["fingerprint"], d["fingerprint"]);
    }
    insta::assert_snapshot!(
        "gitlab_pastebin",
        stdout(&run(&[
            "check",
            "--format",
            "gitlab",
            "examples/pastebin.arch.yaml"
        ]))
    );
}

#[test]
fn sarif_uris_are_valid_and_rules_complete() {
    let d = Dir::new("sarif uri");
    let shop = std::fs::read_to_string("examples/shop.arch.yaml").unwrap();
    let outside = d.write("my design/shop.arch.yaml", &shop);
    let o = run(&[
        "check",
        "--format",
        "sarif",
        &outside,
        "examples/shop.arch.yaml",
    ]);
    let s = json(&o);
    let run0 = &s["runs"][0];
    let uris: Vec<&str> = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.iter()
            .any(|u| u.starts_with("file:///") && u.ends_with("/my%20design/shop.arch.yaml")),
        "{uris:?}"
    );
    assert!(uris.contains(&"examples/shop.arch.yaml"));
    for u in &uris {
        assert!(!u.contains(' ') && !u.contains('\\'), "{u}");
    }
    // stdin is named by --stdin-filename
    let o = run_stdin(
        &[
            "check",
            "--format",
            "sarif",
            "--stdin-filename",
            "design/stdin shop.arch.yaml",
            "-",
        ],
        shop.as_bytes(),
    );
    let s2 = json(&o);
    assert_eq!(
        s2["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "design/stdin%20shop.arch.yaml"
    );
    // every rule, invalid-input included, has help and a helpUri; fullDescription is the summary
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "invalid-input"));
    for r in rules {
        assert!(
            r["help"]["text"].as_str().is_some_and(|t| !t.is_empty()),
            "{}",
            r["id"]
        );
        assert!(
            r["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("rules/{}.md", r["id"].as_str().unwrap()))
        );
        assert_eq!(r["fullDescription"], r["shortDescription"]);
    }
    // one fingerprint per finding
    let mut seen = std::collections::HashSet::new();
    for r in run0["results"].as_array().unwrap() {
        let f = r["partialFingerprints"]["archlint/v1"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(seen.insert(f.clone()), "duplicate {f}");
    }
}

#[test]
fn two_findings_on_one_node_have_two_fingerprints() {
    let text = "name: x\ncomponents:\n  api: { kind: service, calls: [{ to: db, timeout: 1s }] }\n  db:\n    kind: database\n    tech: postgresql\n    access_patterns: [full-text, traversal, time-series]\n";
    let r = lint_text_all(text);
    let mine: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "database-model-mismatch")
        .collect();
    assert!(mine.len() >= 2, "{:?}", r.diagnostics);
    let mut fps: Vec<&str> = mine.iter().map(|d| d.fingerprint.as_str()).collect();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), mine.len());
}

#[test]
fn output_file_and_statistics() {
    let d = Dir::new("out");
    let target = d.0.join("report.sarif");
    let o = run(&[
        "check",
        "--format",
        "sarif",
        "-o",
        target.to_str().unwrap(),
        ESTATE,
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the exit code does not depend on where the report goes"
    );
    assert!(o.stdout.is_empty());
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(written["version"], "2.1.0");

    let o = run(&["check", "--statistics", "examples/"]);
    let text = stdout(&o);
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with(char::is_numeric)
                && l.contains("sync-chain-too-long")),
        "{text}"
    );
    let o = run(&["check", "--statistics", "--format", "json", "examples/"]);
    let stats = json(&o);
    let total: u64 = stats
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].as_u64().unwrap())
        .sum();
    let all = json(&run(&["check", "--format", "json", "examples/"]));
    assert_eq!(total as usize, all["diagnostics"].as_array().unwrap().len());
    let o = run(&["check", "--statistics", "--format", "sarif", ESTATE]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn colour_follows_the_flag_and_the_environment() {
    let has_ansi = |o: &std::process::Output| stdout(o).contains("\x1b[");
    let plain = |extra: &[&str], env: &[(&str, &str)]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_archlint"));
        c.current_dir(env!("CARGO_MANIFEST_DIR"));
        c.env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .env_remove("CLICOLOR_FORCE");
        c.arg("check").args(extra).arg("examples/shop.arch.yaml");
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    // not a terminal: no colour by default
    assert!(!has_ansi(&plain(&[], &[])));
    assert!(has_ansi(&plain(&["--color", "always"], &[])));
    assert!(!has_ansi(&plain(
        &["--color", "never"],
        &[("FORCE_COLOR", "1")]
    )));
    assert!(has_ansi(&plain(&[], &[("FORCE_COLOR", "1")])));
    assert!(has_ansi(&plain(&[], &[("CLICOLOR_FORCE", "1")])));
    assert!(!has_ansi(&plain(&[], &[("CLICOLOR_FORCE", "0")])));
    assert!(!has_ansi(&plain(
        &[],
        &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]
    )));
    assert!(has_ansi(&plain(
        &["--color", "always"],
        &[("NO_COLOR", "1")]
    )));
}

#[test]
fn every_command_writes_input_errors_to_stderr() {
    let bad = "tests/fixtures/invalid/unknown-key.yaml";
    for args in [
        vec!["graph", bad],
        vec!["graph", "--format", "dot", bad],
        vec!["estimate", bad],
        vec!["report", bad],
        vec!["check", bad],
        vec!["check", "--format", "concise", bad],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            !stdout(&o).contains("replicaz"),
            "{args:?} printed the error on stdout"
        );
        assert!(
            stderr(&o).contains("did you mean `replicas`?"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // `report -o`: the review of the rest is written, without the error in it
    let d = Dir::new("report-err");
    let out = d.0.join("review.md");
    let o = run(&["report", bad, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let review = std::fs::read_to_string(&out).expect("the review of the rest");
    assert!(
        !review.contains("replicaz") && review.contains("api"),
        "{review}"
    );
    // the machine formats carry the error and the findings on the rest
    let j = json(&run(&["check", "--format", "json", bad]));
    let rules: Vec<&str> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"invalid-input"), "{rules:?}");
    assert!(rules.contains(&"missing-requirement"), "{rules:?}");
}
