//! Fingerprints that survive edits elsewhere, baselines, expiring and
//! file-level suppressions.

use crate::common;

use common::*;
use proptest::prelude::*;

/// The file split into its head (up to and including `components:`), one block of
/// lines per component, and what follows the components (nothing in the examples).
fn split_components(text: &str) -> (String, Vec<String>) {
    let mut head = String::new();
    let mut blocks: Vec<String> = Vec::new();
    let mut in_components = false;
    for line in text.split_inclusive('\n') {
        if !in_components {
            head.push_str(line);
            if line.starts_with("components:") {
                in_components = true;
            }
            continue;
        }
        assert!(
            line.starts_with(' ') || line.trim().is_empty() || line.starts_with('#'),
            "components must come last in the example"
        );
        if line.starts_with("  ") && !line.starts_with("   ") && !line.trim_start().starts_with('#')
        {
            blocks.push(String::new());
        }
        match blocks.last_mut() {
            Some(b) => b.push_str(line),
            None => head.push_str(line),
        }
    }
    (head, blocks)
}

/// The file with its components in the order given and a comment above some of them.
fn rewrite(text: &str, order: &[usize], comments: &[bool]) -> String {
    let (mut out, blocks) = split_components(text);
    for (n, &i) in order.iter().enumerate() {
        if comments.get(n).copied().unwrap_or(false) {
            out.push_str("  # a comment added in review\n\n");
        }
        let b = &blocks[i];
        out.push_str(b);
        if !b.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

fn fingerprints(name: &str, text: &str) -> Vec<(String, String, String)> {
    let settings = archlint_linter::config::Config::default()
        .settings(Some(&["all".to_string()]), None)
        .unwrap()
        .on(archlint_testing::TODAY);
    let r = archlint_linter::lint_source(
        archlint_core::source::SourceFile::new(name, text),
        &settings,
    );
    assert!(!r.input_error, "{:?}", r.diagnostics);
    let mut v: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| (d.fingerprint.clone(), d.rule.clone(), d.message.clone()))
        .collect();
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Reordering components and adding comments and blank lines moves every line but
    /// changes no fingerprint.
    #[test]
    fn fingerprints_survive_reordering_and_comments(
        seed in any::<u64>(),
        comments in proptest::collection::vec(any::<bool>(), 80),
        example in prop::sample::select(vec!["shop", "retail-estate", "payments", "pastebin"]),
    ) {
        let path = format!("examples/{example}.arch.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        let (_, blocks) = split_components(&text);
        // a seeded Fisher-Yates shuffle
        let mut order: Vec<usize> = (0..blocks.len()).collect();
        let mut s = seed | 1;
        for i in (1..order.len()).rev() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            order.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let edited = rewrite(&text, &order, &comments);
        prop_assert_ne!(&edited, &text);
        let before = fingerprints(&path, &text);
        let after = fingerprints(&path, &edited);
        prop_assert_eq!(
            before.iter().map(|x| &x.0).collect::<Vec<_>>(),
            after.iter().map(|x| &x.0).collect::<Vec<_>>()
        );
    }
}

#[test]
fn inserting_a_call_above_another_keeps_the_others_fingerprint() {
    let before = "name: x\ncomponents:\n  api:\n    kind: service\n    calls:\n      - { to: db }\n  db: { kind: database }\n  cache: { kind: cache, ttl: 5m }\n";
    let after = "name: x\ncomponents:\n  api:\n    kind: service\n    calls:\n      - { to: cache, timeout: 1s }\n      - { to: db }\n  db: { kind: database }\n  cache: { kind: cache, ttl: 5m }\n";
    let fp = |t: &str| {
        let r = lint_text(t);
        r.diagnostics
            .iter()
            .find(|d| d.rule == "sync-call-without-timeout")
            .map(|d| (d.path.clone(), d.fingerprint.clone()))
            .unwrap()
    };
    let (p1, f1) = fp(before);
    let (p2, f2) = fp(after);
    assert_ne!(p1, p2, "the call moved from calls[0] to calls[1]");
    assert_eq!(f1, f2);
}

#[test]
fn fingerprints_differ_between_findings_and_files() {
    let text = std::fs::read_to_string("examples/retail-estate.arch.yaml").unwrap();
    let a = fingerprints("a.arch.yaml", &text);
    let mut fps: Vec<&String> = a.iter().map(|x| &x.0).collect();
    fps.dedup();
    assert_eq!(fps.len(), a.len(), "two findings share a fingerprint");
    let b = fingerprints("b.arch.yaml", &text);
    assert!(
        a.iter().zip(&b).all(|(x, y)| x.0 != y.0),
        "the file is part of the fingerprint"
    );
    // `./x` and `x` name the same file
    assert_eq!(
        fingerprints("./a.arch.yaml", &text)
            .iter()
            .map(|x| &x.0)
            .collect::<Vec<_>>(),
        fps
    );
}

/// The acceptance test: a baseline written on shop still suppresses everything
/// after its components are reordered and comments added; a newly added problem is the
/// one finding reported.
#[test]
fn a_baseline_survives_edits_and_reports_only_the_new_problem() {
    let d = Dir::new("baseline");
    let text = std::fs::read_to_string("examples/shop.arch.yaml").unwrap();
    let design = d.write("shop.arch.yaml", &text);
    let baseline = d.0.join("archlint-baseline.json");
    let o = bin()
        .current_dir(&d.0)
        .args([
            "check",
            "--write-baseline",
            "archlint-baseline.json",
            "shop.arch.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(written["version"], 1);
    let entries = written["findings"].as_array().unwrap();
    assert!(entries.len() > 10);
    // sorted for review: by file, path, rule, fingerprint
    let keys: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["rule"].as_str().unwrap().to_string(),
                e["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);

    // reorder the components, add comments, and one new problem that touches no other
    // finding's nodes: a cache with neither TTL nor invalidation
    let (_, blocks) = split_components(&text);
    let order: Vec<usize> = (0..blocks.len()).rev().collect();
    let mut edited = rewrite(&text, &order, &[true, false, true, true]);
    edited.push_str("  search-cache:\n    kind: cache\n    tech: redis\n    replicas: 2\n");
    std::fs::write(&design, &edited).unwrap();
    let check = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--format",
            "json",
            "--baseline",
            "archlint-baseline.json",
        ];
        args.extend_from_slice(extra);
        args.push("shop.arch.yaml");
        bin().current_dir(&d.0).args(&args).output().unwrap()
    };
    let o = check(&[]);
    let j = json(&o);
    let rules = common::json_rules(&j);
    assert_eq!(rules, ["cache-without-invalidation"], "{j}");
    assert_eq!(j["diagnostics"][0]["path"], "components.search-cache");
    assert_eq!(
        j["summary"]["baselined"].as_u64().unwrap() as usize,
        entries.len()
    );
    assert_eq!(j["baseline"]["stale"].as_array().unwrap().len(), 0);
    assert_eq!(o.status.code(), Some(1));

    // fix a baselined problem: its entry is stale (listed, never failing) ...
    let fixed = edited.replace("stage: v1", "stage: growth");
    std::fs::write(&design, &fixed).unwrap();
    let j = json(&check(&["--fail-on", "error"]));
    let stale = j["baseline"]["stale"].as_array().unwrap();
    assert_eq!(stale.len(), 1, "{j}");
    assert_eq!(stale[0]["rule"], "microservices-for-v1");
    let human = bin()
        .current_dir(&d.0)
        .args([
            "check",
            "--baseline",
            "archlint-baseline.json",
            "shop.arch.yaml",
        ])
        .output()
        .unwrap();
    let h = stdout(&human);
    assert!(h.contains("baselined") && h.contains("(stale)"), "{h}");
    // ... and --write-baseline with --baseline prunes it, adding nothing new
    let o = check(&["--write-baseline", "archlint-baseline.json"]);
    assert!(o.status.success() || o.status.code() == Some(1));
    let pruned: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    let pruned = pruned["findings"].as_array().unwrap();
    assert_eq!(pruned.len(), entries.len() - 1);
    assert!(
        !pruned
            .iter()
            .any(|e| e["path"] == "components.search-cache")
    );
}

#[test]
fn the_configuration_names_a_baseline_and_a_bad_one_is_an_error() {
    let d = Dir::new("baseline-cfg");
    d.write(
        "design/shop.arch.yaml",
        &std::fs::read_to_string("examples/shop.arch.yaml").unwrap(),
    );
    d.write(".archlint.yaml", "baseline: ci/baseline.json\n");
    std::fs::create_dir_all(d.0.join("ci")).unwrap();
    let o = bin()
        .current_dir(&d.0)
        .args(["check", "--write-baseline", "ci/baseline.json", "design"])
        .output()
        .unwrap();
    // the configured baseline does not exist yet: writing one is what creates it
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = bin()
        .current_dir(&d.0)
        .args([
            "check",
            "--no-config",
            "--write-baseline",
            "ci/baseline.json",
            "design",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // fingerprints hold the file's path as given, so the baseline is used from the
    // directory it was written in (the repository root, in CI)
    let o = bin()
        .current_dir(&d.0)
        .args(["check", "design/shop.arch.yaml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("baselined"));
    std::fs::write(d.0.join("ci/baseline.json"), "{ not json").unwrap();
    let o = bin()
        .current_dir(&d.0)
        .args(["check", "design"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not an archlint baseline"),
        "{}",
        stderr(&o)
    );
}

const EXPIRING: &str = "name: exp
allow:
  missing-requirement: { reason: requirements workshop in March, until: 2027-03-31 }
components:
  web: { kind: client, calls: [a] }
  a: { kind: service, rate_limit: true, replicas: 2, calls: [{ to: db, timeout: 1s }] }
  b: { kind: service, replicas: 2, calls: [{ to: db, timeout: 1s }] }
  db:
    kind: database
    tech: postgresql
    replicas: 2
    allow:
      shared-database: { reason: b moves to its own store next quarter, until: 2027-01-01 }
";

fn check_on(day: &str, text: &str) -> serde_json::Value {
    let d = Dir::new(&format!("exp-{day}"));
    let f = d.write("exp.arch.yaml", text);
    let o = bin()
        .env("ARCHLINT_TODAY", day)
        .args(["check", "--format", "json", &f])
        .output()
        .unwrap();
    json(&o)
}

fn rules_in(j: &serde_json::Value) -> Vec<String> {
    j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn allow_entries_expire_on_their_date() {
    // the day before: both suppress, nothing reported
    let j = check_on("2026-12-31", EXPIRING);
    assert!(rules_in(&j).is_empty(), "{j}");
    // on the day: the database finding is back, with expired-allow at the entry
    let j = check_on("2027-01-01", EXPIRING);
    let rules = rules_in(&j);
    assert!(rules.contains(&"shared-database".to_string()), "{rules:?}");
    let exp: Vec<&serde_json::Value> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "expired-allow")
        .collect();
    assert_eq!(exp.len(), 1);
    assert_eq!(exp[0]["path"], "components.db.allow.shared-database");
    assert_eq!(exp[0]["severity"], "warning");
    assert!(
        exp[0]["message"]
            .as_str()
            .unwrap()
            .contains("expired on 2027-01-01")
    );
    assert!(!rules.contains(&"missing-requirement".to_string()));
    // later still: the file-level entry expires too
    let j = check_on("2027-04-01", EXPIRING);
    let rules = rules_in(&j);
    assert!(
        rules.contains(&"missing-requirement".to_string()),
        "{rules:?}"
    );
    assert_eq!(rules.iter().filter(|r| *r == "expired-allow").count(), 2);
    let top = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "expired-allow" && d["path"] == "allow.missing-requirement")
        .expect("the file-level entry is reported");
    assert_eq!(top["line"], 3);
}

/// A malformed `ARCHLINT_TODAY` is a usage error for every command, never a silent
/// "no allow expires" (the review and the diagram colour expired allows too).
#[test]
fn a_bad_archlint_today_is_a_usage_error_everywhere() {
    let shop = "examples/shop.arch.yaml";
    for args in [
        vec!["check", shop],
        vec!["graph", shop],
        vec!["report", shop],
        vec!["estimate", shop],
        vec!["diff", shop, shop],
        vec!["rules"],
        vec!["explain", "sync-chain-too-long"],
        vec!["schema"],
    ] {
        for bad in ["tomorrow", "2026-02-30", "2026-1-1"] {
            let o = bin()
                .env("ARCHLINT_TODAY", bad)
                .args(&args)
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(2), "{args:?} with {bad}");
            assert!(
                o.stdout.is_empty(),
                "{args:?}: {}",
                String::from_utf8_lossy(&o.stdout)
            );
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains(&format!("ARCHLINT_TODAY=`{bad}` is not a date")),
                "{args:?}: {err}"
            );
        }
    }
    let o = bin()
        .env("ARCHLINT_TODAY", "2026-02-28")
        .args(["graph", shop])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn a_file_level_allow_suppresses_a_rule_everywhere_and_bad_dates_are_input_errors() {
    let text = "name: x\nallow:\n  sync-call-without-timeout: prototype, timeouts come with the SDK\n  sticky-sessions: not used\ncomponents:\n  a: { kind: service, calls: [b, c] }\n  b: { kind: service }\n  c: { kind: service }\n";
    let r = lint_text(text);
    let rules = rules_of(&r);
    assert!(!rules.contains(&"sync-call-without-timeout"), "{rules:?}");
    let unused: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "unused-allow")
        .collect();
    assert_eq!(unused.len(), 1, "{rules:?}");
    assert_eq!(unused[0].path, "allow.sticky-sessions");

    let bad = "name: x\nallow:\n  sticky-sessions: { reason: ok, until: next year }\n  shared-database: { until: 2027-01-01 }\n  sync-chain-too-long: { reason: ok, untill: 2027-01-01 }\ncomponents:\n  a: { kind: service }\n";
    let r = lint_text(bad);
    assert!(r.input_error);
    let msgs: Vec<&str> = r.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        msgs.iter().any(|m| m.contains("must be a date")),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.contains("has no reason")), "{msgs:?}");
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.help.as_deref().is_some_and(|h| h.contains("`until`"))),
        "{msgs:?}"
    );
}

/// `missing-requirement` stands for the whole file: answering some of the items it
/// lists keeps its fingerprint, so a baseline keeps hiding it until all are answered.
#[test]
fn missing_requirement_is_one_finding_whose_fingerprint_is_the_files() {
    let before = "name: x\nrequirements:\n  availability: 99.9%\ncomponents:\n  a: { kind: service, replicas: 2 }\n";
    let after = "name: x\nrequirements:\n  availability: 99.9%\n  latency: { p99: 200ms }\n  retention: 1y\ncomponents:\n  a: { kind: service, replicas: 2 }\n";
    let of = |text: &str| {
        fingerprints("d.arch.yaml", text)
            .into_iter()
            .filter(|(_, rule, _)| rule == "missing-requirement")
            .collect::<Vec<_>>()
    };
    let (b, a) = (of(before), of(after));
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(a.len(), 1, "{a:?}");
    assert_ne!(b[0].2, a[0].2, "the message lists what is missing now");
    assert_eq!(
        b[0].0, a[0].0,
        "the fingerprint follows the file, not the items"
    );
}
