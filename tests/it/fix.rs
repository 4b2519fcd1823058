//! SPEC §4.7: `check --fix` and `--diff` — safe fixes as text edits that keep comments
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
