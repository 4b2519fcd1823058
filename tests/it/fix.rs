//! `check --fix` and `--diff` — safe fixes as text edits that keep comments
//! and layout; a second `--fix` changes nothing.

use crate::common;

use common::*;

const BEFORE: &str = include_str!("../fixtures/fix/before.arch.yaml");

#[test]
fn fix_applies_the_safe_fixes_and_keeps_comments() {
    let d = Dir::new("fix");
    let f = d.write("design.arch.yaml", BEFORE);
    let o = run(&["check", "--select", "all", "--fix", "--format", "json", &f]);
    let after = std::fs::read_to_string(&f).unwrap();
    insta::assert_snapshot!("fix_after", after);
    // what is left is reported, and none of it is fixable
    let j = json(&o);
    let rules = common::json_rules(&j);
    assert!(
        !rules.contains(&"unused-allow") && !rules.contains(&"retry-without-backoff"),
        "{rules:?}"
    );
    assert!(stderr(&o).contains("fixed 9 findings"), "{}", stderr(&o));
    // comments and untouched lines survive byte for byte
    for keep in [
        "# Fixable findings",
        "# the orders call retries without backoff",
        "backoff: exponential   # was a guess",
        "  stock: { kind: service, replicas: 2 }",
    ] {
        assert!(after.contains(keep), "lost `{keep}`:\n{after}");
    }
    // the file still loads
    assert!(!lint_text(&after).input_error);
    // idempotent: a second --fix changes nothing, and --diff has nothing to show
    let o = run(&["check", "--select", "all", "--fix", &f]);
    assert!(!stderr(&o).contains("fixed"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), after);
    let o = run(&["check", "--select", "all", "--diff", &f]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).is_empty());
}

#[test]
fn diff_shows_the_fixes_without_writing() {
    let d = Dir::new("fix-diff");
    let f = d.write("design.arch.yaml", BEFORE);
    let o = run(&["check", "--select", "all", "--diff", &f]);
    assert_eq!(o.status.code(), Some(1), "there is something to fix");
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        BEFORE,
        "--diff writes nothing"
    );
    let text = stdout(&o).replace(&f, "design.arch.yaml");
    assert!(
        text.starts_with("--- a/design.arch.yaml\n+++ b/design.arch.yaml\n"),
        "{text}"
    );
    insta::assert_snapshot!("fix_diff", text);
}

#[test]
fn crlf_files_keep_their_line_ends() {
    let d = Dir::new("fix-crlf");
    let text = "name: x\r\ncomponents:\r\n  a:\r\n    kind: worker\r\n    calls:\r\n      - to: b\r\n        timeout: 1s\r\n        retry:\r\n          attempts: 2\r\n  b: { kind: service }\r\n";
    let f = d.write("x.arch.yaml", text);
    run(&["check", "--fix", &f]);
    let after = std::fs::read_to_string(&f).unwrap();
    assert!(
        after.contains(
            "attempts: 2\r\n          backoff: exponential\r\n          jitter: true\r\n"
        ),
        "{after:?}"
    );
    assert!(!after.replace("\r\n", "").contains('\n'), "{after:?}");
}

/// Fixing random designs whose `allow`s are shared every way YAML allows (anchors,
/// aliases, merge keys, flow and block maps): the fixed file always loads, and every
/// finding it has, the original had (by rule and place).
#[test]
fn fixes_on_anchors_aliases_and_merges_keep_the_file_valid() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let rules = [
        "sticky-sessions",
        "single-point-of-failure",
        "sync-call-without-timeout",
        "shared-database",
        "cache-without-invalidation",
        "public-api-without-rate-limit",
    ];
    let mut tried = 0;
    for _ in 0..300 {
        let n = 3 + next(5) as usize;
        let mut text = String::from("name: x\n");
        let mut anchors: Vec<String> = Vec::new();
        // a shared allow to merge in
        if next(2) == 0 {
            let r = rules[next(rules.len() as u64) as usize];
            text.push_str(&format!("x-base: &base\n  allow: {{ {r}: \"shared\" }}\n"));
            anchors.push("base".into());
        }
        text.push_str("components:\n  web: { kind: client, calls: [c0] }\n");
        for i in 0..n {
            let kind = ["service", "service", "database", "cache"][next(4) as usize];
            text.push_str(&format!("  c{i}:\n    kind: {kind}\n"));
            if kind == "service" && i + 1 < n {
                text.push_str(&format!("    calls: [c{}]\n", i + 1));
            }
            match next(5) {
                0 if anchors.contains(&"base".to_string()) => text.push_str("    <<: *base\n"),
                1 => {
                    let a = format!("a{i}");
                    let (r1, r2) = (rules[next(6) as usize], rules[next(6) as usize]);
                    let r2 = if r1 == r2 { "sticky-sessions" } else { r2 };
                    if r1 == r2 {
                        continue;
                    }
                    text.push_str(&format!("    allow: &{a} {{ {r1}: \"x\", {r2}: \"y\" }}\n"));
                    anchors.push(a);
                }
                2 if anchors.iter().any(|a| a.starts_with('a')) => {
                    let a = anchors.iter().find(|a| a.starts_with('a')).unwrap().clone();
                    text.push_str(&format!("    allow: *{a}\n"));
                }
                3 => {
                    let r = rules[next(6) as usize];
                    text.push_str(&format!(
                        "    allow:\n      {r}: \"block\"  # kept comment\n"
                    ));
                }
                _ => {}
            }
        }
        let before = lint_text_all(&text);
        if before.input_error {
            continue;
        }
        tried += 1;
        let fixes = archlint_linter::fix::fixes(&before.source, &before.diagnostics);
        let edits: Vec<archlint_linter::fix::Edit> =
            fixes.iter().flat_map(|f| f.edits.clone()).collect();
        let fixed = archlint_linter::fix::apply(&text, &edits);
        let after = lint_text_all(&fixed);
        assert!(
            !after.input_error,
            "the fixed file does not load:\n{text}\n--- fixed:\n{fixed}\n{:?}",
            errors_of(&after)
        );
        let places =
            |r: &archlint_linter::FileResult| -> std::collections::HashSet<(String, String)> {
                r.diagnostics
                    .iter()
                    .map(|d| (d.rule.clone(), d.path.clone()))
                    .collect()
            };
        let (b, a) = (places(&before), places(&after));
        let new: Vec<_> = a.difference(&b).collect();
        assert!(
            new.is_empty(),
            "fixing added findings {new:?}:\n{text}\n--- fixed:\n{fixed}"
        );
    }
    assert!(tried > 200, "{tried}");
}

/// Every unused entry of one flow `allow:` goes in one run, a kept entry's comment
/// stays, and an `allow` the design needs at 10× is kept by `--fix --at 10x`.
#[test]
fn fix_removes_all_unused_entries_of_a_flow_map_at_once() {
    let d = Dir::new("fix-flow");
    let f = d.write(
        "d.arch.yaml",
        "name: x\ncomponents:\n  web: { kind: client, calls: [api] }\n  api:\n    kind: service\n    replicas: 2\n    rate_limit: true\n    calls: [db]\n    allow: { sticky-sessions: \"a\", sync-call-without-timeout: \"used\", shared-database: \"b\", l4-balancer-with-l7-needs: \"c\" }  # why\n  db: { kind: database, replicas: 2 }\n",
    );
    let o = run(&["check", "--fix", &f]);
    assert!(stderr(&o).contains("fixed 3 findings"), "{}", stderr(&o));
    let after = std::fs::read_to_string(&f).unwrap();
    assert!(
        after.contains("    allow: { sync-call-without-timeout: \"used\" }  # why\n"),
        "{after}"
    );
    let o = run(&["check", "--fix", &f]);
    assert!(
        !stderr(&o).contains("fixed"),
        "one run was enough: {}",
        stderr(&o)
    );
}

#[test]
fn fix_at_10x_keeps_an_allow_the_growth_needs() {
    let d = Dir::new("fix-at");
    let text = "name: x\nrequirements:\n  scale: { daily_active_users: 1M, requests_per_user_per_day: 10, peak_to_average: 3, growth_per_year: 2x }\ncomponents:\n  web: { kind: client, calls: [api] }\n  api:\n    kind: service\n    replicas: 2\n    rate_limit: true\n    capacity: 1000\n    allow: { capacity-exceeded: \"we add replicas as we grow\" }\n";
    let f = d.write("d.arch.yaml", text);
    // today the load fits (347 rps on 2 × 1,000): the allow is unused today...
    let o = run(&["check", "--format", "json", &f]);
    assert!(
        json_rules(&json(&o)).contains(&"unused-allow"),
        "{}",
        stdout(&o)
    );
    // ...but at 10× it is needed: --fix --at 10x keeps it
    let o = run(&["check", "--fix", "--at", "10x", &f]);
    assert!(!stderr(&o).contains("fixed"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), text);
}
