//! `archlint diff OLD NEW` over files, stdin and git revisions.

use crate::common;

use common::*;

/// A git repository in a temp dir with `shop.arch.yaml` committed.
struct Repo(Dir);

impl Repo {
    fn new(name: &str, text: &str) -> Repo {
        let d = Dir::new(name);
        d.write("shop.arch.yaml", text);
        let r = Repo(d);
        r.git(&["init", "-q"]);
        r.git(&["add", "shop.arch.yaml"]);
        r.git(&[
            "-c",
            "user.email=ci@example.com",
            "-c",
            "user.name=CI",
            "commit",
            "-qm",
            "design",
        ]);
        r
    }
    fn git(&self, args: &[&str]) {
        let o = std::process::Command::new("git")
            .current_dir(&self.0.0)
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    fn diff(&self, args: &[&str]) -> std::process::Output {
        bin()
            .current_dir(&self.0.0)
            .arg("diff")
            .args(args)
            .output()
            .unwrap()
    }
}

/// shop with its components in reverse order, comments added, and one new problem.
fn edited_shop() -> String {
    let text = std::fs::read_to_string("examples/shop.arch.yaml").unwrap();
    let (head, rest) =
        text.split_at(text.find("\ncomponents:\n").unwrap() + "\ncomponents:\n".len());
    let mut blocks: Vec<String> = Vec::new();
    for line in rest.split_inclusive('\n') {
        if line.starts_with("  ") && !line.starts_with("   ") && !line.trim_start().starts_with('#')
        {
            blocks.push(String::new());
        }
        if let Some(b) = blocks.last_mut() {
            b.push_str(line);
        }
    }
    blocks.reverse();
    let mut out = head.to_string();
    for b in blocks {
        out.push_str("  # reviewed\n");
        out.push_str(&b);
    }
    out.push_str("  search-cache:\n    kind: cache\n    tech: redis\n    replicas: 2\n");
    out
}

#[test]
fn diff_by_revision_names_exactly_the_introduced_finding() {
    let shop = std::fs::read_to_string("examples/shop.arch.yaml").unwrap();
    let repo = Repo::new("diff-git", &shop);
    std::fs::write(repo.0.0.join("shop.arch.yaml"), edited_shop()).unwrap();
    let o = repo.diff(&["HEAD:shop.arch.yaml", "shop.arch.yaml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let j = json(&o);
    let intro = j["findings"]["introduced"].as_array().unwrap();
    assert_eq!(intro.len(), 1, "{j}");
    assert_eq!(intro[0]["rule"], "cache-without-invalidation");
    assert_eq!(intro[0]["path"], "components.search-cache");
    assert_eq!(intro[0]["file"], "shop.arch.yaml");
    assert!(j["findings"]["resolved"].as_array().unwrap().is_empty());
    assert!(j["findings"]["unchanged"].as_u64().unwrap() > 10);
    // reordering and comments are no change; the one new component is
    assert_eq!(j["components"]["added"][0]["id"], "search-cache");
    assert_eq!(j["components"]["added"][0]["kind"], "cache");
    assert!(j["components"]["removed"].as_array().unwrap().is_empty());
    assert!(
        j["components"]["changed"].as_array().unwrap().is_empty(),
        "{j}"
    );
    assert!(j["calls"]["added"].as_array().unwrap().is_empty());
    assert!(j["requirements"].as_array().unwrap().is_empty());

    // the same through stdin
    let old = std::process::Command::new("git")
        .current_dir(&repo.0.0)
        .args(["show", "HEAD:shop.arch.yaml"])
        .output()
        .unwrap()
        .stdout;
    let o = run_stdin_in(
        &repo.0.0,
        &["diff", "-", "shop.arch.yaml", "--format", "json"],
        &old,
    );
    assert_eq!(
        json(&o)["findings"]["introduced"].as_array().unwrap().len(),
        1
    );

    // --fail-on error: a new warning does not fail
    let o = repo.diff(&[
        "HEAD:shop.arch.yaml",
        "shop.arch.yaml",
        "--fail-on",
        "error",
    ]);
    assert_eq!(o.status.code(), Some(0));
}

fn run_stdin_in(dir: &std::path::Path, args: &[&str], input: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = bin()
        .current_dir(dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn field_changes_calls_and_requirements_are_listed() {
    let d = Dir::new("diff-fields");
    let old = d.write(
        "old.arch.yaml",
        "name: x\nrequirements: { availability: 99.9%, latency: { p99: 500ms } }\ncomponents:\n  web: { kind: client, calls: [api] }\n  api:\n    kind: service\n    replicas: 2\n    rate_limit: true\n    calls:\n      - { to: db, timeout: 1s }\n      - { to: legacy, timeout: 1s }\n  db: { kind: database, tech: postgresql, replicas: 2 }\n  legacy: { kind: service }\n",
    );
    let new = d.write(
        "new.arch.yaml",
        "name: x\nrequirements: { availability: 99.95%, latency: { p99: 500ms } }\ncomponents:\n  web: { kind: client, calls: [api] }\n  api:\n    kind: service\n    replicas: 3\n    rate_limit: true\n    calls:\n      - { to: cache, timeout: 50ms }\n      - { to: db, timeout: 2s, retry: { attempts: 2, backoff: exponential, jitter: true } }\n  db: { kind: database, tech: postgresql, replicas: 2 }\n  cache: { kind: cache, tech: redis, replicas: 2 }\n",
    );
    let o = run(&["diff", &old, &new, "--format", "json"]);
    let j = json(&o);
    assert_eq!(j["components"]["added"][0]["id"], "cache");
    assert_eq!(j["components"]["removed"][0]["id"], "legacy");
    let changed = &j["components"]["changed"][0];
    assert_eq!(changed["id"], "api");
    assert_eq!(changed["fields"][0]["field"], "replicas");
    assert_eq!(changed["fields"][0]["old"], 2);
    assert_eq!(changed["fields"][0]["new"], 3);
    assert_eq!(j["calls"]["added"][0]["to"], "cache");
    assert_eq!(j["calls"]["removed"][0]["to"], "legacy");
    let call = &j["calls"]["changed"][0];
    assert_eq!(
        (call["from"].as_str(), call["to"].as_str()),
        (Some("api"), Some("db"))
    );
    let fields: Vec<&str> = call["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["retry.attempts", "retry.backoff", "retry.jitter", "timeout"]
    );
    assert_eq!(j["requirements"][0]["field"], "availability");
    assert_eq!(j["requirements"][0]["old"], "99.9%");
    assert_eq!(j["requirements"][0]["new"], "99.95%");
    assert_eq!(j["requirements"].as_array().unwrap().len(), 1);

    let human = stdout(&run(&["diff", &old, &new]));
    let md = stdout(&run(&["diff", &old, &new, "--format", "markdown"]));
    let clean = |s: &str| s.replace(&d.0.display().to_string(), "DIR");
    insta::assert_snapshot!("diff_human", clean(&human));
    insta::assert_snapshot!("diff_markdown", clean(&md));
}

#[test]
fn revisions_are_never_options_and_git_errors_are_clear() {
    let shop = std::fs::read_to_string("examples/shop.arch.yaml").unwrap();
    let repo = Repo::new("diff-hostile", &shop);
    // a revision that would be a git option is refused
    let o = repo.diff(&["--", "--output=pwned:shop.arch.yaml", "shop.arch.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("refusing the revision"),
        "{}",
        stderr(&o)
    );
    assert!(!repo.0.0.join("pwned").exists());
    assert!(
        !repo
            .0
            .0
            .join("shop.arch.yaml")
            .metadata()
            .unwrap()
            .permissions()
            .readonly()
    );
    // a bad revision
    let o = repo.diff(&["no-such-branch:shop.arch.yaml", "shop.arch.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read `no-such-branch:shop.arch.yaml` from git"),
        "{}",
        stderr(&o)
    );
    // a shell never sees the argument
    let o = repo.diff(&["HEAD;touch injected:shop.arch.yaml", "shop.arch.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!repo.0.0.join("injected").exists());
    // git missing
    let empty = Dir::new("no-git-path");
    let o = bin()
        .current_dir(&repo.0.0)
        .env("PATH", &empty.0)
        .args(["diff", "HEAD:shop.arch.yaml", "shop.arch.yaml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("git is not installed"),
        "{}",
        stderr(&o)
    );
    // an input error in either version: exit 2, located on stderr
    let bad = repo.0.write(
        "bad.arch.yaml",
        "name: x\ncomponents:\n  a: { kind: servise }\n",
    );
    let o = repo.diff(&["shop.arch.yaml", &bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}

#[test]
fn a_call_left_with_only_its_target_and_an_added_requirement() {
    let d = Dir::new("diff-bare-call");
    let old = d.write(
        "old.arch.yaml",
        "name: x\ncomponents:\n  web: { kind: client, calls: [{ to: api, protocol: https }] }\n  api:\n    kind: service\n    calls:\n      - to: db\n        timeout: 200ms\n  db: { kind: database }\n",
    );
    let new = d.write(
        "new.arch.yaml",
        "name: x\nrequirements:\n  availability: 99.9%\ncomponents:\n  web: { kind: client, calls: [{ to: api }] }\n  api:\n    kind: service\n    calls:\n      - to: db\n  db: { kind: database }\n",
    );
    let j = json(&run(&["diff", &old, &new, "--format", "json"]));
    // each call lost one field, and that is all that changed about it
    for call in j["calls"]["changed"].as_array().unwrap() {
        let fields = call["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 1, "{call}");
        assert!(!fields[0]["field"].as_str().unwrap().is_empty(), "{call}");
    }
    assert_eq!(j["calls"]["changed"].as_array().unwrap().len(), 2);
    assert_eq!(j["requirements"].as_array().unwrap().len(), 1, "{j}");
    let human = stdout(&run(&["diff", &old, &new]));
    assert!(!human.contains("``"), "{human}");
    assert!(!human.contains("{  }"), "{human}");
    assert!(
        human.contains("+ requirement `availability` added: 99.9%"),
        "{human}"
    );
    assert!(human.contains("~ call `api -> db`: `timeout` removed (was 200ms)"));
    // and the other way round: the requirement is removed
    let back = stdout(&run(&["diff", &new, &old]));
    assert!(
        back.contains("- requirement `availability` removed (was 99.9%)"),
        "{back}"
    );
}
