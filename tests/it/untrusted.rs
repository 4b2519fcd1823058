//! Hardening III: what a hostile pull request, a full disk or an odd file system can
//! do to a run. Each test is one defect's shape: reads bounded to regular files,
//! configuration kept in its repository, writes that never cut or lose a file.

use crate::common::*;

const DESIGN: &str = "name: x\ncomponents:\n  api: { kind: service, replicas: 2 }\n";

/// Stdout and stderr as one line of words (messages wrap at the terminal's width).
fn said(o: &std::process::Output) -> String {
    format!("{} {}", stdout(o), stderr(o))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Run `args` in `dir`, giving up after 20 s (a read that blocks would hang).
fn run_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let child = bin()
        .current_dir(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // read the output while it runs (a full pipe would stop it), on another thread
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(20)) {
        Ok(o) => o.unwrap(),
        Err(_) => {
            let _ = std::process::Command::new("kill")
                .arg("-9")
                .arg(pid.to_string())
                .status();
            panic!(
                "`archlint {}` did not finish: a read blocked",
                args.join(" ")
            );
        }
    }
}

#[test]
#[cfg(unix)]
fn a_fifo_or_a_device_is_refused_by_name_and_never_read() {
    let d = Dir::new("fifo");
    let fifo = d.0.join("pipe.arch.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", d.0.join("zero.arch.yaml")).unwrap();
    for name in ["pipe.arch.yaml", "zero.arch.yaml"] {
        let o = run_in(&d.0, &["check", name]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = said(&o);
        assert!(
            err.contains(&format!("`{name}` is not a regular file")),
            "{err}"
        );
    }
    // the same for a configuration's pack and baseline
    d.write(
        ".archlint.yaml",
        "rule_packs: [pipe.arch.yaml]\nbaseline: zero.arch.yaml\n",
    );
    d.write("d.arch.yaml", DESIGN);
    let o = run_in(&d.0, &["check", "d.arch.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(said(&o).contains("is not a regular file"), "{}", said(&o));
}

#[test]
fn a_configuration_cannot_name_files_outside_its_repository() {
    let d = Dir::new("confine");
    std::fs::create_dir_all(d.0.join("repo/.git")).unwrap();
    let outside = d.write(
        "secrets/credentials",
        "aws_secret_access_key = AKIASECRETSECRET\n",
    );
    d.write("repo/d.arch.yaml", DESIGN);
    for cfg in [
        format!("rule_packs: [{outside}]\n"),
        "rule_packs: [../secrets/credentials]\n".to_string(),
        "baseline: ../secrets/credentials\n".to_string(),
    ] {
        d.write("repo/.archlint.yaml", &cfg);
        let o = run_in(&d.0.join("repo"), &["check", "d.arch.yaml"]);
        assert_eq!(o.status.code(), Some(2), "{cfg}");
        let all = said(&o);
        assert!(all.contains("leads outside the repository"), "{cfg}: {all}");
        assert!(all.contains("--allow-path"), "{all}");
        assert!(
            !all.contains("AKIASECRET"),
            "a secret reached the log: {all}"
        );
    }
    // a link inside the repository pointing out is refused the same way
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, d.0.join("repo/pack.yaml")).unwrap();
        d.write("repo/.archlint.yaml", "rule_packs: [pack.yaml]\n");
        let o = run_in(&d.0.join("repo"), &["check", "d.arch.yaml"]);
        assert!(
            said(&o).contains("leads outside the repository"),
            "{}",
            said(&o)
        );
    }
    // allowed by whoever runs it: read, and still never shown, for it is no pack
    d.write(
        "repo/.archlint.yaml",
        "rule_packs: [../secrets/credentials]\n",
    );
    let allow = d.0.join("secrets");
    let o = run_in(
        &d.0.join("repo"),
        &[
            "check",
            "--allow-path",
            allow.to_str().unwrap(),
            "d.arch.yaml",
        ],
    );
    let all = said(&o);
    assert!(all.contains("is not a rule pack"), "{all}");
    assert!(
        !all.contains("AKIASECRET"),
        "a secret reached the log: {all}"
    );
}

#[test]
fn a_baseline_with_a_byte_order_mark_is_read() {
    let d = Dir::new("bom-baseline");
    d.write("d.arch.yaml", DESIGN);
    let o = run_in(
        &d.0,
        &["check", "d.arch.yaml", "--write-baseline", "b.json"],
    );
    assert!(o.status.code().is_some());
    let text = std::fs::read(d.0.join("b.json")).unwrap();
    let mut bom = vec![0xef, 0xbb, 0xbf];
    bom.extend(text);
    std::fs::write(d.0.join("b.json"), bom).unwrap();
    let o = run_in(&d.0, &["check", "d.arch.yaml", "--baseline", "b.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// `--fix` writes a new file and renames it over the old one: the old inode is
/// replaced whole (never cut mid-line), the file keeps its permissions, and a link is
/// written through, staying a link.
#[test]
#[cfg(unix)]
fn fix_replaces_the_file_whole_keeping_its_mode_and_links() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let d = Dir::new("atomic-fix");
    let real = d.write(
        "real.arch.yaml",
        include_str!("../fixtures/fix/before.arch.yaml"),
    );
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("real.arch.yaml", d.0.join("link.arch.yaml")).unwrap();
    let before = std::fs::metadata(&real).unwrap().ino();
    let o = run_in(&d.0, &["check", "--fix", "link.arch.yaml"]);
    assert!(stderr(&o).contains("fixed"), "{}", stderr(&o));
    let after = std::fs::metadata(&real).unwrap();
    assert_ne!(
        after.ino(),
        before,
        "written to a new file, renamed over the old"
    );
    assert_eq!(after.permissions().mode() & 0o777, 0o640);
    assert!(
        std::fs::symlink_metadata(d.0.join("link.arch.yaml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let fixed = std::fs::read_to_string(&real).unwrap();
    assert_ne!(fixed, include_str!("../fixtures/fix/before.arch.yaml"));
    // no temporary file is left behind
    let left: Vec<String> = std::fs::read_dir(&d.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A file whose name is not UTF-8 is fixed in place, not written to a lossy name.
#[test]
#[cfg(target_os = "linux")]
fn fix_writes_a_non_utf8_name_back_to_itself() {
    use std::os::unix::ffi::OsStrExt as _;
    let d = Dir::new("non-utf8");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.arch.yaml");
    let path = d.0.join(name);
    std::fs::write(&path, include_str!("../fixtures/fix/before.arch.yaml")).unwrap();
    let o = bin()
        .current_dir(&d.0)
        .arg("check")
        .arg("--fix")
        .arg(name)
        .output()
        .unwrap();
    assert!(stderr(&o).contains("fixed"), "{}", stderr(&o));
    let entries: Vec<std::ffi::OsString> = std::fs::read_dir(&d.0)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, [name.to_os_string()], "one file, the same name");
    assert_ne!(
        std::fs::read_to_string(&path).unwrap(),
        include_str!("../fixtures/fix/before.arch.yaml")
    );
}

#[test]
fn report_and_import_need_force_to_overwrite() {
    let d = Dir::new("force");
    let design = d.write("d.arch.yaml", DESIGN);
    let compose = d.write("compose.yaml", "services:\n  web: { image: nginx }\n");
    for args in [
        vec!["report", design.as_str(), "-o", design.as_str()],
        vec!["import", "compose", compose.as_str(), "-o", design.as_str()],
    ] {
        let o = run_in(&d.0, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(said(&o).contains("exists; pass --force"), "{}", said(&o));
        assert_eq!(
            std::fs::read_to_string(&design).unwrap(),
            DESIGN,
            "untouched"
        );
    }
    let o = run_in(
        &d.0,
        &["import", "compose", &compose, "-o", &design, "--force"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    assert!(std::fs::read_to_string(&design).unwrap().contains("web"));
}

/// A workload named like a YAML keyword is quoted, so the import loads; a replica
/// count out of range is said, not dropped silently.
#[test]
fn import_quotes_keyword_names_and_notes_unreadable_replicas() {
    let d = Dir::new("import-null");
    let compose = d.write(
        "compose.yaml",
        "services:\n  \"null\":\n    image: nginx\n    depends_on: [\"yes\"]\n  \"yes\":\n    image: redis\n    deploy: { replicas: 99999999999999999999999 }\n",
    );
    let o = run_in(&d.0, &["import", "compose", &compose]);
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    let yaml = stdout(&o);
    assert!(
        yaml.contains("  \"null\":") && yaml.contains("  \"yes\":"),
        "{yaml}"
    );
    assert!(yaml.contains("not a number of replicas"), "{yaml}");
    let out = d.write("imported.arch.yaml", &yaml);
    let r = lint_file(&out, &["all"]);
    assert!(errors_of(&r).is_empty(), "{:?}", errors_of(&r));
}

/// A directory walk does not follow links to directories: a link back up the tree
/// cannot make it go round for ever.
#[test]
#[cfg(unix)]
fn directory_walks_do_not_follow_links_into_loops() {
    let d = Dir::new("walk-loop");
    d.write("a/d.arch.yaml", DESIGN);
    d.write("k8s/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec: { replicas: 2, template: { spec: { containers: [{ name: web, image: nginx }] } } }\n");
    std::os::unix::fs::symlink("..", d.0.join("a/up")).unwrap();
    std::os::unix::fs::symlink("..", d.0.join("k8s/up")).unwrap();
    let o = run_in(&d.0, &["check", "."]);
    assert!(said(&o).contains("1 file"), "{}", said(&o));
    let o = run_in(&d.0, &["import", "k8s", "k8s"]);
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    assert!(stdout(&o).contains("web"));
}

/// A blob too large is refused from its size, before git writes a byte of it.
#[test]
fn diff_refuses_a_huge_git_blob_by_its_size() {
    let have_git = std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(have_git, "git is not installed; this test needs it");
    let d = Dir::new("git-blob");
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .current_dir(&d.0)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    git(&["init", "-q"]);
    // 65 MiB of comment: over the 64 MiB limit
    let big = format!("name: x\n{}", "#".repeat(65 << 20));
    d.write("big.arch.yaml", &big);
    d.write("d.arch.yaml", DESIGN);
    git(&["add", "."]);
    git(&["commit", "-qm", "big"]);
    let o = run_in(&d.0, &["diff", "HEAD:big.arch.yaml", "d.arch.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        said(&o).contains("more than the 67108864 byte limit"),
        "{}",
        said(&o)
    );
}

/// `--baseline F --write-baseline F` prunes only what it could check: entries of a file
/// not linted in this run, of a file with an input error, or of a rule `--select` left
/// out all stay.
#[test]
fn pruning_a_baseline_keeps_what_this_run_could_not_check() {
    let d = Dir::new("prune");
    let design = "name: x\ncomponents:\n  web: { kind: client, calls: [api] }\n  api: { kind: service, calls: [db] }\n  db: { kind: database }\n";
    d.write("a.arch.yaml", design);
    d.write("b.arch.yaml", design);
    let entries = |d: &Dir| -> usize {
        let j: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.0.join("base.json")).unwrap()).unwrap();
        j["findings"].as_array().unwrap().len()
    };
    run_in(
        &d.0,
        &[
            "check",
            "a.arch.yaml",
            "b.arch.yaml",
            "--write-baseline",
            "base.json",
        ],
    );
    let all = entries(&d);
    assert!(all >= 4, "{all}");
    let prune = |d: &Dir, args: &[&str]| {
        let mut a = vec![
            "check",
            "--baseline",
            "base.json",
            "--write-baseline",
            "base.json",
        ];
        a.extend_from_slice(args);
        run_in(&d.0, &a)
    };
    // one of the two files linted: the other's entries stay
    prune(&d, &["a.arch.yaml"]);
    assert_eq!(entries(&d), all, "linting a alone dropped b's entries");
    // a rule left out by --select: its entries stay
    prune(
        &d,
        &[
            "--select",
            "sync-call-without-timeout",
            "a.arch.yaml",
            "b.arch.yaml",
        ],
    );
    assert_eq!(
        entries(&d),
        all,
        "--select dropped the other rules' entries"
    );
    // a syntax error for a moment: the file's entries stay
    d.write("a.arch.yaml", "name: x\ncomponents: [\n");
    prune(&d, &["a.arch.yaml", "b.arch.yaml"]);
    assert_eq!(
        entries(&d),
        all,
        "a syntax error dropped the file's entries"
    );
    // a finding really gone is pruned
    d.write(
        "a.arch.yaml",
        &design.replace("calls: [db]", "calls: [{ to: db, timeout: 1s }]"),
    );
    prune(&d, &["a.arch.yaml", "b.arch.yaml"]);
    assert!(entries(&d) < all);
}

/// Import is linear: 8,000 compose services (each calling the next) took 10 s and
/// 10 GB (a copy of the whole file per service); 8,000 Kubernetes Deployments and
/// Services grew quadratically (every selector against every workload).
#[test]
fn importing_thousands_of_workloads_is_linear() {
    let d = Dir::new("import-scale");
    let n = 8_000;
    let mut compose = String::from("services:\n");
    let mut k8s = String::new();
    for i in 0..n {
        let next = (i + 1) % n;
        compose.push_str(&format!(
            "  svc{i}:\n    image: myorg/svc{i}:1.0\n    environment: {{ NEXT_URL: \"http://svc{next}:8080\" }}\n"
        ));
        k8s.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{ name: svc{i} }}\nspec:\n  selector: {{ matchLabels: {{ app: svc{i} }} }}\n  template:\n    metadata: {{ labels: {{ app: svc{i} }} }}\n    spec: {{ containers: [{{ name: c, image: myorg/svc{i}:1, env: [{{ name: NEXT_URL, value: \"http://svc{next}:8080\" }}] }}] }}\n---\napiVersion: v1\nkind: Service\nmetadata: {{ name: svc{i} }}\nspec: {{ selector: {{ app: svc{i} }}, ports: [{{ port: 8080 }}] }}\n"
        ));
    }
    let c = d.write("compose.yaml", &compose);
    let k = d.write("k8s.yaml", &k8s);
    for (from, file) in [("compose", &c), ("k8s", &k)] {
        let t = std::time::Instant::now();
        let o = run_in(&d.0, &["import", from, file]);
        assert_eq!(o.status.code(), Some(0), "{}", said(&o));
        assert!(stdout(&o).contains("svc7999"));
        // seconds in a debug build; the quadratic versions took minutes there
        assert!(t.elapsed().as_secs() < 15, "{from}: {:?}", t.elapsed());
    }
}
