//! Defects found trying the first release as a new user (issue "Ready for real
//! terminals and CI"); each test failed before its fix.

use crate::common;

use common::*;

const CHAIN: &str = "name: chain
components:
  web: { kind: client, calls: [a] }
  a: { kind: service, rate_limit: true, calls: [{ to: b, timeout: 1s }] }
  b: { kind: service, calls: [{ to: c, timeout: 1s }] }
  c: { kind: service, calls: [{ to: d, timeout: 1s }] }
  d: { kind: service, calls: [{ to: db, timeout: 1s }] }
  db: { kind: database, tech: postgresql }
";

/// 1. A `.archlint.yaml` in a parent of the working directory applies to a file named
///    relatively.
#[test]
fn parent_configuration_applies_to_a_relative_path() {
    let d = Dir::new("cfg-parent");
    d.write(
        ".archlint.yaml",
        "ignore: [sync-chain-too-long, missing-requirement]\n",
    );
    d.write("sub/chain.arch.yaml", CHAIN);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_archlint"))
        .current_dir(d.0.join("sub"))
        .args(["check", "--format", "json", "chain.arch.yaml"])
        .output()
        .unwrap();
    let j = json(&o);
    let rules = common::json_rules(&j);
    assert!(!rules.contains(&"sync-chain-too-long"), "{rules:?}");
    assert_eq!(o.status.code(), Some(0), "{rules:?}");
}

/// 2. A bare fraction where a percentage is expected is an input error suggesting the
///    percentage.
#[test]
fn a_fraction_for_a_percentage_is_refused() {
    let r = lint_text(
        "name: x\nrequirements:\n  availability: 0.999\ncomponents:\n  a: { kind: service }\n",
    );
    assert!(r.input_error);
    let d = errors_of(&r)[0];
    assert_eq!(d.path, "requirements.availability");
    assert!(d.message.contains("`99.9%`"), "{}", d.message);
    let r = lint_text("name: x\ncomponents:\n  a: { kind: service, availability: 0.95 }\n");
    assert!(r.input_error && errors_of(&r)[0].message.contains("`95%`"));
    // percentages and bare numbers of 1 or more still read as before
    assert!(
        !lint_text(
            "name: x\nrequirements:\n  availability: 99.9\ncomponents:\n  a: { kind: service }\n"
        )
        .input_error
    );
    assert!(
        !lint_text(
            "name: x\nrequirements:\n  availability: 0.5%\ncomponents:\n  a: { kind: service }\n"
        )
        .input_error
    );
}

/// 4. Consuming from anything but a queue is an input error.
#[test]
fn consuming_from_a_database_is_an_input_error() {
    let r = lint_text(
        "name: x\ncomponents:\n  db: { kind: database }\n  w:\n    kind: worker\n    consumes: [{ from: db }]\n",
    );
    assert!(r.input_error);
    let d = errors_of(&r)[0];
    assert_eq!(d.path, "components.w.consumes[0]");
    assert!(d.message.contains("not a queue"), "{}", d.message);
    assert!(d.help.as_deref().unwrap().contains("access: read"));
    let at = archlint_outputs::locate(&r.source, d);
    assert_eq!((at.line, at.column), (6, 16));
}

/// 5. A directory with no architecture file fails (exit 2), named or the implicit
///    `.`, and says what it looked for; `--allow-empty` makes it a warning.
#[test]
fn a_directory_without_files_is_an_error() {
    let d = Dir::new("empty");
    d.write("notes.md", "nothing here");
    let o = run(&["check", d.0.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no architecture files"));
    let in_dir = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_archlint"))
            .current_dir(&d.0)
            .args(args)
            .output()
            .unwrap()
    };
    let o = in_dir(&["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("*.arch.yaml"), "{}", stderr(&o));
    let o = in_dir(&["check", "--allow-empty"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("warning: no architecture files"));
}

/// 6. A worker named like a queue that consumes from a real broker is its client.
#[test]
fn a_broker_client_named_queue_is_not_a_custom_queue() {
    let text = "name: x\ncomponents:\n  rabbitmq: { kind: queue, tech: rabbitmq, delivery: at-most-once }\n  queue-master:\n    kind: worker\n    consumes: [rabbitmq]\n  api: { kind: service, calls: [{ to: rabbitmq }] }\n  message-bus: { kind: service }\n";
    let r = lint_text_all(text);
    let custom: Vec<&str> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "custom-message-queue")
        .map(|d| d.path.as_str())
        .collect();
    // the home-made bus that talks to no broker is still reported
    assert_eq!(custom, ["components.message-bus"], "{:?}", r.diagnostics);
}

/// 7. Attempts and retries said precisely; never "none backoff".
#[test]
fn retry_messages_count_attempts_and_retries() {
    let text = "name: x\ncomponents:\n  a: { kind: worker, calls: [{ to: b, timeout: 1s, retry: { attempts: 2, backoff: none } }] }\n  b: { kind: service }\n";
    let r = lint_text(text);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "retry-without-backoff")
        .unwrap();
    assert!(d.message.contains("2 attempts (1 retry)"), "{}", d.message);
    assert!(!d.message.contains("none backoff"), "{}", d.message);
    assert!(d.message.contains("no backoff"), "{}", d.message);
}

/// 8. A stdin that cannot be read reports the I/O error, not a size limit.
#[test]
fn unreadable_stdin_reports_the_io_error() {
    let dir = std::fs::File::open(std::env::temp_dir()).unwrap();
    let o = bin().args(["check", "-"]).stdin(dir).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("cannot read standard input"), "{err}");
    assert!(!err.contains("byte limit"), "{err}");
}

/// 9. Help names the likely cause: a dedented component field, an unclosed brace.
#[test]
fn help_names_the_likely_cause() {
    let r = lint_text(
        "name: x\ncomponents:\n  api:\n    kind: service\n  calls: [db]\n  db: { kind: database }\n",
    );
    assert!(r.input_error);
    let d = errors_of(&r)[0];
    assert!(d.message.contains("component field"), "{}", d.message);
    assert!(
        d.help.as_deref().unwrap().contains("indent `calls:`"),
        "{:?}",
        d.help
    );
    let r = lint_text(
        "name: x\ncomponents:\n  api: { kind: service, calls: [db]\n  db: { kind: database }\n",
    );
    assert!(r.input_error);
    let d = &r.diagnostics[0];
    assert!(
        d.help.as_deref().unwrap().contains("add `}`"),
        "{:?}",
        d.help
    );
    assert_eq!(
        d.related[0].span.start(),
        "name: x\ncomponents:\n  api: ".len()
    );
}

/// 12. A call to an in-process cache is a function call: no timeout, no hop.
#[test]
fn in_process_cache_calls_are_not_hops() {
    let text = "name: x
components:
  web: { kind: client, calls: [a] }
  a: { kind: service, rate_limit: true, calls: [{ to: b, timeout: 1s }] }
  b: { kind: service, calls: [{ to: c, timeout: 1s }] }
  c: { kind: service, calls: [{ to: d, timeout: 1s }] }
  d: { kind: service, calls: [l2] }
  l2: { kind: cache, scope: in-process, ttl: 5m }
";
    let r = lint_text(text);
    let rules = rules_of(&r);
    assert!(!rules.contains(&"sync-call-without-timeout"), "{rules:?}");
    assert!(!rules.contains(&"sync-chain-too-long"), "{rules:?}");
}

/// 13. A cycle on a chain neither hides the other findings nor shortens the chain.
#[test]
fn chains_through_a_cycle_are_measured_whole() {
    let retry = "retry: { attempts: 3, backoff: exponential, jitter: true }";
    let text = format!(
        "name: x
components:
  web: {{ kind: client, calls: [a] }}
  a: {{ kind: service, rate_limit: true, calls: [{{ to: b, timeout: 1s, {retry} }}] }}
  b:
    kind: service
    calls:
      - {{ to: a, timeout: 1s }}
      - {{ to: db, timeout: 1s, {retry} }}
  db: {{ kind: database, tech: postgresql }}
"
    );
    let r = lint_text(&text);
    let amp: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "retry-amplification")
        .collect();
    assert_eq!(amp.len(), 1, "{:?}", rules_of(&r));
    assert!(amp[0].message.contains("3 × 3 = 9"), "{}", amp[0].message);
    assert!(rules_of(&r).contains(&"sync-call-cycle"));

    let text = "name: x
components:
  web: { kind: client, calls: [a] }
  a: { kind: service, rate_limit: true, calls: [{ to: b, timeout: 1s }] }
  b: { kind: service, calls: [{ to: a, timeout: 1s }, { to: c, timeout: 1s }] }
  c: { kind: service, calls: [{ to: d, timeout: 1s }] }
  d: { kind: service, calls: [{ to: e, timeout: 1s }] }
  e: { kind: service, calls: [{ to: db, timeout: 1s }] }
  db: { kind: database, tech: postgresql }
";
    let r = lint_text(text);
    let chain = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "sync-chain-too-long")
        .expect("the chain is reported");
    assert!(
        chain.message.contains("5 hops") && chain.message.contains("a -> b -> c -> d -> e -> db"),
        "{}",
        chain.message
    );
}

/// "Did you mean" never suggests the component the reference is written in.
#[test]
fn did_you_mean_never_names_the_caller_itself() {
    let r = lint_text(
        "name: x\ncomponents:\n  fraud:\n    kind: service\n    calls: [fraud-store]\n  fraud-db: { kind: database }\n",
    );
    let e = errors_of(&r);
    assert_eq!(e.len(), 1, "{e:?}");
    let help = e[0].help.as_deref().unwrap_or("");
    assert!(!help.contains("`fraud`?"), "{help}");
    assert!(help.contains("`fraud-db`"), "{help}");
}
