//! Linting through input errors: the part at fault is left out, every rule runs on the
//! rest, and no rule reports what the left-out part would have caused.

use std::collections::HashSet;

use crate::common::*;

fn shop() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/shop.arch.yaml"
    ))
    .unwrap()
}

fn fingerprints(r: &archlint_linter::FileResult) -> HashSet<String> {
    r.diagnostics
        .iter()
        .filter(|d| !d.is_input_error())
        .map(|d| d.fingerprint.clone())
        .collect()
}

#[test]
fn a_bad_value_keeps_the_other_findings_and_is_not_read_as_absent() {
    let clean = lint_text(&shop());
    // the call from payments to fraud has `timeout: 1s`; make it unreadable
    let text = shop().replacen(
        "      - to: fraud\n        timeout: 1s",
        "      - to: fraud\n        timeout: fast",
        1,
    );
    assert_ne!(text, shop());
    let r = lint_text(&text);
    assert!(r.input_error && r.linted);
    let errors = errors_of(&r);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].path, "components.payments.calls[0].timeout");
    // not "no timeout" on the call whose timeout could not be read
    assert!(
        !r.diagnostics
            .iter()
            .any(|d| d.rule == "sync-call-without-timeout" && d.message.contains("to `fraud`")),
        "{:?}",
        rules_of(&r)
    );
    // the rest of the design is linted: most findings stay, and all are the clean file's
    let kept = fingerprints(&r);
    assert!(kept.len() * 2 > fingerprints(&clean).len(), "{kept:?}");
    assert!(kept.is_subset(&fingerprints(&clean)));
    assert!(r.held_back > 0);
    for rule in ["l4-balancer-with-l7-needs", "cache-without-invalidation"] {
        assert!(
            rules_of(&r).contains(&rule),
            "{rule} lost: {:?}",
            rules_of(&r)
        );
    }
}

#[test]
fn a_call_to_an_unknown_component_is_dropped_with_what_it_would_cause() {
    let text = "name: x\nrequirements:\n  availability: 99.9%\ncomponents:\n  web: { kind: client, calls: [api] }\n  api:\n    kind: service\n    replicas: 2\n    calls: [{ to: dbb, timeout: 1s }]\n  db: { kind: database, replicas: 2 }\n  other: { kind: service, replicas: 2, calls: [db] }\n";
    let r = lint_text(text);
    assert!(r.input_error && r.linted);
    let errors = errors_of(&r);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("unknown component `dbb`"));
    // `other` calls `db` without a timeout: still reported
    assert!(
        r.diagnostics.iter().any(
            |d| d.rule == "sync-call-without-timeout" && d.path.starts_with("components.other")
        ),
        "{:?}",
        rules_of(&r)
    );
    // nothing about `api` (the caller) or `db` (what `dbb` was probably meant to be)
    for d in r.diagnostics.iter().filter(|d| !d.is_input_error()) {
        assert!(
            !d.path.starts_with("components.api") && !d.path.starts_with("components.db"),
            "{d:?}"
        );
    }
}

#[test]
fn a_component_without_a_valid_kind_is_left_out_with_its_calls() {
    let text = "name: x\ncomponents:\n  web: { kind: client, calls: [api, broken] }\n  api: { kind: service, calls: [db] }\n  broken: { kind: servise, calls: [db] }\n  db: { kind: database }\n";
    let r = lint_text(text);
    assert!(r.input_error && r.linted);
    let errors = errors_of(&r);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("servise"));
    let rules = rules_of(&r);
    // api -> db has no timeout: reported; nothing involves `broken`
    assert!(rules.contains(&"sync-call-without-timeout"), "{rules:?}");
    for d in &r.diagnostics {
        assert!(!d.message.contains("broken") || d.is_input_error(), "{d:?}");
    }
}

#[test]
fn a_syntax_error_still_lints_nothing_and_exits_2() {
    let r = lint_text("name: x\ncomponents:\n  api: { kind: service\n");
    assert!(r.input_error && !r.linted);
    assert!(r.diagnostics.iter().all(|d| d.is_input_error()));
}

/// The property behind all of it: an error anywhere leaves findings that the file
/// without the error also has. Each field line of every example is made invalid in
/// turn (a value no field accepts), and every finding that remains must be one the
/// clean file has: the same rule at the same place (its message may list fewer parts,
/// as "6 deployable services" becomes 5 when one is left out).
#[test]
fn an_error_in_any_field_only_ever_removes_findings() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut tried = 0;
    for e in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let clean = lint_text(&text);
        assert!(!clean.input_error, "{}", p.display());
        let places = |r: &archlint_linter::FileResult| -> HashSet<(String, String)> {
            r.diagnostics
                .iter()
                .filter(|d| !d.is_input_error())
                .map(|d| (d.rule.clone(), d.path.clone()))
                .collect()
        };
        let clean_places = places(&clean);
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            // `    key: value` with a scalar value, inside a component or a call
            let t = line.trim_start();
            let indent = line.len() - t.len();
            let Some((key, value)) = t.trim_start_matches("- ").split_once(": ") else {
                continue;
            };
            if indent < 4
                || value.starts_with(['{', '[', '"', '#', '&', '*'])
                || value.trim().is_empty()
                || !key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                || matches!(
                    key,
                    "description" | "tech" | "name" | "protocol" | "fallback"
                )
            {
                continue;
            }
            let mut broken: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            broken[i] = line.replacen(&format!("{key}: {value}"), &format!("{key}: \"@@\""), 1);
            let r = lint_text(&(broken.join("\n") + "\n"));
            if !r.input_error {
                continue; // a string field: any text is valid
            }
            tried += 1;
            let extra: Vec<String> = r
                .diagnostics
                .iter()
                .filter(|d| {
                    !d.is_input_error() && !clean_places.contains(&(d.rule.clone(), d.path.clone()))
                })
                .map(|d| format!("{}: {}", d.rule, d.message))
                .collect();
            assert!(
                extra.is_empty(),
                "{}:{}: `{}` made invalid, and these findings appeared: {extra:#?}",
                p.display(),
                i + 1,
                line.trim()
            );
        }
    }
    assert!(tried > 100, "only {tried} fields tried");
}

#[test]
fn every_command_lints_the_rest_and_exits_2() {
    let d = Dir::new("partial");
    let f = d.write(
        "a.arch.yaml",
        &shop().replacen(
            "      - to: fraud\n        timeout: 1s",
            "      - to: fraud\n        timeout: fast",
            1,
        ),
    );
    for (args, expect) in [
        (vec!["check", f.as_str()], "l4-balancer-with-l7-needs"),
        (vec!["graph", f.as_str()], "fraud"),
        (vec!["estimate", f.as_str()], "payments"),
        (vec!["report", f.as_str()], "l4-balancer-with-l7-needs"),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stdout(&o).contains(expect), "{args:?}: {}", stdout(&o));
        assert!(stderr(&o).contains("`fast` is not a duration"), "{args:?}");
    }
    // the review says what it leaves out
    let review = stdout(&run(&["report", &f]));
    assert!(
        review.contains("**The file has input errors**")
            && review.contains("`components.payments`"),
        "{review}"
    );
    let j = json(&run(&["check", "--format", "json", &f]));
    assert!(j["summary"]["held_back"].as_u64().unwrap() > 0);
    let rules: HashSet<&str> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains("invalid-input") && rules.len() > 5,
        "{rules:?}"
    );
}

/// Each syntax error at the token that is wrong, with a message naming the problem.
#[test]
fn syntax_errors_point_at_the_token_that_is_wrong() {
    let head = "name: x\ncomponents:\n  api:\n    kind: service\n";
    let tail = "  db: { kind: database }\n";
    for (middle, line, column, says) in [
        // a half-typed key: on its own line, not the next key's
        (
            "    replic\n    latency: 120ms\n",
            5,
            5,
            "`replic` has no `:`",
        ),
        (
            "    replicas 2\n    latency: 120ms\n",
            5,
            5,
            "no `:` after `replicas`",
        ),
        ("     latency: 120ms\n", 5, 6, "indented more than `kind`"),
        ("   latency: 120ms\n", 5, 4, "no mapping's column"),
        ("    calls: [db]]\n", 5, 16, "closes nothing"),
        ("    calls: { to: db ]\n", 5, 21, "cannot close the `{`"),
    ] {
        let text = format!("{head}{middle}{tail}");
        let r = lint_text(&text);
        let e = errors_of(&r);
        assert_eq!(e.len(), 1, "{text}: {e:?}");
        let at = archlint_outputs::locate(&r.source, e[0]);
        assert_eq!(
            (at.line, at.column),
            (line, column),
            "{text}: {}",
            e[0].message
        );
        assert!(e[0].message.contains(says), "{text}: {}", e[0].message);
    }
}

/// What docker compose, libyaml and Go's yaml.v3 accept loads here too: a flow list or
/// mapping over several lines, closed in its key's column.
#[test]
fn flow_collections_closed_in_their_keys_column_load() {
    let text = "name: x\ncomponents:\n  api:\n    kind: service\n    calls: [\n      db,\n      cache\n    ]\n  cache: { kind: cache, ttl: 1m }\n  db: {\n    kind: database,  # the store\n    replicas: 2\n  }\n";
    let r = lint_text(text);
    assert!(!r.input_error, "{:?}", errors_of(&r));
    let calls: Vec<&str> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "sync-call-without-timeout")
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(
        calls,
        ["components.api.calls[0]", "components.api.calls[1]"]
    );
}

/// The language server's lint of a stale text stops at once: after loading or
/// between rules, and says so with `None`.
#[test]
fn a_lint_stops_when_asked() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let settings = archlint_linter::config::Config::default()
        .settings(None, None)
        .unwrap()
        .on(archlint_testing::TODAY);
    let src = || archlint_core::source::SourceFile::new("shop.arch.yaml", shop());
    assert!(archlint_linter::lint_source_until(src(), &settings, &|| true).is_none());
    // stopped after a few questions: while the rules run
    let asked = AtomicUsize::new(0);
    let stop = || asked.fetch_add(1, Ordering::SeqCst) >= 3;
    assert!(archlint_linter::lint_source_until(src(), &settings, &stop).is_none());
    assert!(asked.load(Ordering::SeqCst) > 3);
    // never stopped: the same as `lint_source`
    let whole = archlint_linter::lint_source_until(src(), &settings, &|| false).unwrap();
    assert_eq!(
        fingerprints(&whole),
        fingerprints(&archlint_linter::lint_source(src(), &settings))
    );
}

/// A syntax error about one line (a half-typed key, a key without its `:`, a key
/// indented past its neighbours) is reported there, and the rest of the file is linted
/// without that line.
#[test]
fn a_half_typed_line_is_left_out_and_the_rest_linted() {
    let clean = lint_text(&shop());
    for (broken, says) in [
        ("    replic\n", "`replic` has no `:`"),
        ("    replicas 3\n", "no `:` after `replicas`"),
        ("      latency: 1s\n", "indented more than"),
    ] {
        let text = shop().replacen(
            "  fraud:\n    kind: service\n",
            &format!("  fraud:\n    kind: service\n{broken}"),
            1,
        );
        assert_ne!(text, shop());
        let r = lint_text(&text);
        assert!(r.input_error && r.linted, "{broken}");
        let e = errors_of(&r);
        assert_eq!(e.len(), 1, "{broken}: {e:?}");
        assert!(e[0].message.contains(says), "{}", e[0].message);
        let kept = fingerprints(&r);
        assert!(
            kept.len() * 2 > fingerprints(&clean).len(),
            "{broken}: {kept:?}"
        );
        assert!(kept.is_subset(&fingerprints(&clean)), "{broken}");
        // nothing about `fraud`, the component the line is in
        assert!(
            r.diagnostics
                .iter()
                .all(|d| d.is_input_error() || !d.path.starts_with("components.fraud")),
            "{broken}"
        );
    }
}
