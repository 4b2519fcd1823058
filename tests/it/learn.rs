//! `archlint learn`: the course in the terminal, in a directory of its own.

use crate::common::*;

fn learn(dir: &Dir, args: &[&str]) -> std::process::Output {
    bin()
        .current_dir(&dir.0)
        .env("COLUMNS", "80")
        .arg("learn")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn an_exercise_from_start_to_solved() {
    let d = Dir::new("learn-flow");
    let list = stdout(&learn(&d, &["list"]));
    assert!(list.lines().count() >= 24, "{list}");
    assert!(list.lines().all(|l| l.ends_with("not started")), "{list}");
    assert!(list.starts_with(" 1  "), "{list}");

    // write exercise 4: the task as comments, the design, `x-learn: 4`
    let o = learn(&d, &["4"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let file = d.0.join("exercise-4.arch.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("# archlint learn, exercise 4 of "),
        "{text}"
    );
    assert!(text.contains("\nx-learn: 4\n"));
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    // never overwritten without --force
    assert_eq!(learn(&d, &["4"]).status.code(), Some(2));
    assert_eq!(learn(&d, &["4", "--force"]).status.code(), Some(0));

    // as given: the goal is not met, and the finding says where
    let o = learn(&d, &["check", "exercise-4.arch.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    let report = stdout(&o);
    assert!(
        report.contains("todo `sync-chain-too-long` does not fire"),
        "{report}"
    );
    assert!(report.contains("gateway ->"), "{report}");

    // hints one at a time, then a pointer to the solution
    let h1 = stdout(&learn(&d, &["hint", "4"]));
    let h2 = stdout(&learn(&d, &["hint", "4"]));
    assert!(
        h1.starts_with("Hint 1 of 3") && h2.starts_with("Hint 2 of 3"),
        "{h1}{h2}"
    );
    assert_ne!(h1, h2);
    learn(&d, &["hint", "4"]);
    assert!(stdout(&learn(&d, &["hint", "4"])).contains("learn solution 4"));

    // typing the fix: make the fraud check asynchronous, as a learner would
    let fixed = text.replace(
        "    calls: [{ to: fraud, timeout: 200ms }]",
        "    calls: [{ to: fraud-checks }]\n  fraud-checks: { kind: queue, tech: sqs }",
    );
    let fixed = fixed.replace(
        "  fraud:\n    kind: service\n    replicas: 2\n",
        "  fraud:\n    kind: worker\n    replicas: 2\n    consumes: [{ from: fraud-checks, idempotent: true }]\n",
    );
    std::fs::write(&file, &fixed).unwrap();
    let o = learn(&d, &["check", "exercise-4.arch.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}\n{fixed}", stdout(&o));
    assert!(
        stdout(&learn(&d, &["list"]))
            .lines()
            .nth(3)
            .unwrap()
            .ends_with("done")
    );

    // the solution passes too, and says why in its comments
    let sol = stdout(&learn(&d, &["solution", "4"]));
    assert!(sol.contains("x-learn: 4") && sol.contains("# "), "{sol}");
    d.write("mine.arch.yaml", &sol);
    assert_eq!(
        learn(&d, &["check", "mine.arch.yaml"]).status.code(),
        Some(0)
    );
}

#[test]
fn cheating_and_bad_input_never_pass() {
    let d = Dir::new("learn-cheat");
    learn(&d, &["7"]);
    let text = std::fs::read_to_string(d.0.join("exercise-7.arch.yaml")).unwrap();
    // deleting the design
    d.write("gone.arch.yaml", "x-learn: 7\nname: api\ncomponents: {}\n");
    assert_eq!(
        learn(&d, &["check", "gone.arch.yaml"]).status.code(),
        Some(1)
    );
    // suppressing the finding
    d.write(
        "allowed.arch.yaml",
        &format!("{text}allow:\n  public-api-without-rate-limit: internal only\n"),
    );
    let o = learn(&d, &["check", "allowed.arch.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("todo no `allow`"), "{}", stdout(&o));
    // no exercise named, an unknown one, a file that does not load
    d.write("plain.arch.yaml", "name: x\ncomponents: {}\n");
    assert_eq!(
        learn(&d, &["check", "plain.arch.yaml"]).status.code(),
        Some(2)
    );
    assert_eq!(learn(&d, &["99"]).status.code(), Some(2));
    d.write(
        "broken.arch.yaml",
        "x-learn: 7\nname: api\ncomponents:\n  api: { kind: servce }\n",
    );
    let o = learn(&d, &["check", "broken.arch.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("servce"));
}

/// `learn list` reads each exercise's file as every design is read: a named pipe in
/// its place is never opened (it would block the listing for ever).
#[cfg(unix)]
#[test]
fn a_pipe_in_an_exercises_place_does_not_block_the_list() {
    let d = Dir::new("learn-fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(d.0.join("exercise-3.arch.yaml"))
        .status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let mut child = bin()
        .current_dir(&d.0)
        .args(["learn", "list"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            panic!("`learn list` blocked on the pipe");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains(" 3  "));
}
