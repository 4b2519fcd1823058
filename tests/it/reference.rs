//! The reference in `docs/`: the generated pages are what the program generates now,
//! and the CI recipes' commands run.

use crate::common::*;
use std::path::Path;

const HAND_WRITTEN: &[&str] = &["ci.md"];

/// `docs/` holds exactly the generated pages, as `archlint generate-docs` writes them
/// today, and the hand-written recipes. Set ARCHLINT_BLESS=1 to rewrite the pages.
#[test]
fn generated_docs_are_current() {
    let tmp = Dir::new("docs-gen");
    let out = tmp.0.join("docs");
    let o = run(&["generate-docs", &out.display().to_string()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let bless = std::env::var_os("ARCHLINT_BLESS").is_some();
    let mut generated: Vec<String> = Vec::new();
    for e in std::fs::read_dir(&out).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().to_string();
        let want = std::fs::read_to_string(e.path()).unwrap();
        let have = std::fs::read_to_string(docs.join(&name)).unwrap_or_default();
        if have != want {
            if bless {
                std::fs::write(docs.join(&name), &want).unwrap();
            } else {
                panic!(
                    "docs/{name} is stale; run `ARCHLINT_BLESS=1 cargo test --test it reference::`"
                );
            }
        }
        generated.push(name);
    }
    for e in std::fs::read_dir(&docs).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            generated.contains(&name) || HAND_WRITTEN.contains(&name.as_str()),
            "docs/{name} is neither generated nor a hand-written page"
        );
    }
    // every page the index links exists
    let index = std::fs::read_to_string(docs.join("README.md")).unwrap();
    for link in index.split("](").skip(1) {
        let target = &link[..link.find(')').unwrap()];
        assert!(docs.join(target).exists(), "docs/README.md links {target}");
    }
}

/// The reference covers every field, rule, command and configuration key.
#[test]
fn the_reference_names_everything() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let read = |n: &str| std::fs::read_to_string(docs.join(n)).unwrap();
    let format = read("format.md");
    use archlint_core::model::fields;
    for table in [
        fields::TOP,
        fields::REQUIREMENTS,
        fields::SCALE,
        fields::COMPONENT,
        fields::CALL,
        fields::CONSUME,
        fields::RETRY,
        fields::ENTITY,
        fields::JOURNEY,
    ] {
        for f in table {
            assert!(
                format.contains(&format!("| `{}` |", f.name)),
                "format.md: {}",
                f.name
            );
        }
    }
    let rules = read("rules.md");
    for r in archlint_linter::rules::RULES {
        assert!(
            rules.contains(&format!("[`{}`](../rules/{}.md)", r.id, r.id)),
            "{}",
            r.id
        );
    }
    let commands = read("commands.md");
    for c in [
        "check",
        "rules",
        "explain",
        "estimate",
        "graph",
        "report",
        "diff",
        "import",
        "server",
        "schema",
        "init",
        "completions",
    ] {
        assert!(
            commands.contains(&format!("## archlint {c}\n")),
            "commands.md: {c}"
        );
    }
    assert!(
        !commands.contains("## archlint generate-docs"),
        "the hidden command is not documented"
    );
    let config = read("configuration.md");
    for k in archlint_linter::config::KEYS {
        assert!(
            config.contains(&format!("| `{}` |", k.name)),
            "configuration.md: {}",
            k.name
        );
    }
    let editors = read("editors.md");
    for f in [
        "vscode/package.json",
        "vscode/extension.js",
        "neovim/archlint.lua",
        "emacs/archlint.el",
        "helix/languages.toml",
    ] {
        let text = std::fs::read_to_string(Path::new("editors").join(f)).unwrap();
        assert!(
            editors.contains(text.trim_end()),
            "editors.md holds editors/{f} as it is"
        );
    }
}

/// The YAML blocks under a heading of a Markdown page, up to the next `## `.
fn blocks(page: &str, heading: &str) -> Vec<serde_json::Value> {
    let start = page.find(heading).unwrap_or_else(|| panic!("{heading}"));
    let rest = &page[start + heading.len()..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    section
        .split("```yaml\n")
        .skip(1)
        .map(|b| {
            let text = &b[..b.find("```").unwrap()];
            let src = archlint_core::source::SourceFile::new("block.yaml", text);
            let arena = archlint_core::model::yaml::Arena::new();
            let p = archlint_core::model::yaml::parse(&src, &arena, Default::default())
                .unwrap_or_else(|e| panic!("{heading}: {e:?}\n{text}"));
            p.root.to_json()
        })
        .collect()
}

/// A git repository with `architecture.yaml` (the shop example) committed on a branch
/// named as the recipes name the base branch.
fn repository() -> Dir {
    let d = Dir::new("ci-recipes");
    d.write(
        "architecture.yaml",
        &std::fs::read_to_string("examples/shop.arch.yaml").unwrap(),
    );
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .current_dir(&d.0)
            .args(["-c", "user.email=ci@example.com", "-c", "user.name=CI"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "architecture.yaml"]);
    git(&["commit", "-qm", "design"]);
    git(&["branch", "origin/main"]);
    d
}

/// Run a recipe's `archlint …` command line in `dir`, as the CI system would.
fn run_recipe(dir: &Path, line: &str) -> std::process::Output {
    let line = line.replace("${{ github.base_ref }}", "main");
    let (cmd, redirect) = match line.split_once(" > ") {
        Some((c, f)) => (c.to_string(), Some(f.trim().to_string())),
        None => (line.clone(), None),
    };
    let args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
    let o = bin().current_dir(dir).args(&args).output().unwrap();
    if let Some(f) = redirect {
        std::fs::write(dir.join(f), &o.stdout).unwrap();
    }
    o
}

#[test]
fn ci_recipes_parse_and_their_commands_run() {
    let page = std::fs::read_to_string("docs/ci.md").unwrap();
    let repo = repository();
    let mut ran = 0;
    let mut commands: Vec<String> = Vec::new();
    for wf in blocks(&page, "## GitHub Actions") {
        let jobs = wf["jobs"].as_object().expect("a workflow has jobs");
        for job in jobs.values() {
            assert!(job["runs-on"].is_string());
            for step in job["steps"].as_array().unwrap() {
                assert!(
                    step["run"].is_string() || step["uses"].is_string(),
                    "{step}"
                );
                if let Some(r) = step["run"].as_str() {
                    commands.push(r.to_string());
                }
            }
        }
    }
    for ci in blocks(&page, "## GitLab CI") {
        let job = &ci["archlint"];
        for line in job["script"].as_array().unwrap() {
            commands.push(line.as_str().unwrap().to_string());
        }
        let reports = &job["artifacts"]["reports"];
        assert_eq!(reports["codequality"], "gl-code-quality-report.json");
    }
    for c in &commands {
        if !c.starts_with("archlint ") {
            continue;
        }
        let o = run_recipe(&repo.0, c);
        let code = o.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "`{c}` exited {code:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        if c.contains("--fail-on never") {
            assert_eq!(code, Some(0), "`{c}`");
        }
        if let Some(i) = c.find(" -o ") {
            let file = c[i + 4..].split_whitespace().next().unwrap();
            let text = std::fs::read_to_string(repo.0.join(file)).unwrap();
            if file.ends_with(".json") || file.ends_with(".sarif") {
                serde_json::from_str::<serde_json::Value>(&text).expect("a JSON report");
            }
        }
        ran += 1;
    }
    assert!(ran >= 7, "only {ran} recipe commands ran");
    let diff = std::fs::read_to_string(repo.0.join("diff.md")).unwrap();
    assert!(diff.contains("introduced"), "{diff}");
    // the pre-commit recipe names the hook this repository declares
    let cfg = &blocks(&page, "## pre-commit")[0];
    assert_eq!(cfg["repos"][0]["hooks"][0]["id"], "archlint");
}

/// The pre-commit hook runs `archlint check` on exactly the files `check` looks for.
#[test]
fn pre_commit_hook_selects_architecture_files() {
    let text = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    let src = archlint_core::source::SourceFile::new(".pre-commit-hooks.yaml", text);
    let arena = archlint_core::model::yaml::Arena::new();
    let hooks = archlint_core::model::yaml::parse(&src, &arena, Default::default())
        .unwrap()
        .root
        .to_json();
    let hook = &hooks[0];
    assert_eq!(hook["id"], "archlint");
    assert_eq!(hook["language"], "rust");
    let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    for yes in [
        "architecture.yaml",
        "architecture.yml",
        "shop.arch.yaml",
        "a/b/shop.arch.yml",
        "svc/architecture.yaml",
    ] {
        assert!(files.is_match(yes), "{yes}");
    }
    for no in [
        "other.yaml",
        "archive.yaml",
        "my-architecture.yaml",
        "architecture.yaml.bak",
    ] {
        assert!(!files.is_match(no), "{no}");
    }
    // pre-commit appends the matching files to the entry
    let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
    assert_eq!(entry, ["archlint", "check"]);
    let o = run(&[
        "check",
        "examples/photo-sharing.arch.yaml",
        "examples/shop.arch.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1));
}

/// The benchmark generator lives in the repository and writes a design archlint reads
/// without an input error, with the findings it plants.
#[test]
#[ignore = "needs Python 3 (`python3`); .ci/run installs it and runs the ignored tests"]
fn the_benchmark_generator_writes_a_valid_design() {
    let o = std::process::Command::new("python3")
        .args(["benches/gen_model.py", "40"])
        .output()
        .expect("python3 runs the generator");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    let r = lint_text(&text);
    assert!(
        errors_of(&r).is_empty(),
        "{:?}",
        errors_of(&r).iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    assert!(
        rules_of(&r).contains(&"sync-chain-too-long"),
        "{:?}",
        rules_of(&r)
    );
    assert!(Path::new("benches/spectral-ruleset.yaml").exists());
}

/// The product stands on its own: no file of it refers to a specification the user
/// does not have.
#[test]
fn nothing_refers_to_an_outside_specification() {
    let o = std::process::Command::new("git")
        .args(["ls-files"])
        .output()
        .expect("git lists the repository's files");
    let files = String::from_utf8(o.stdout).unwrap();
    // the word spelt in two parts, so this test does not find itself
    let spec = ["SP", "EC"].concat();
    let word = regex::Regex::new(&format!(r"\b{spec}\b")).unwrap();
    let mut found = Vec::new();
    let mut read = 0;
    for f in files.lines() {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue; // binary
        };
        read += 1;
        for (i, line) in text.lines().enumerate() {
            if word.is_match(line) {
                found.push(format!("{f}:{}: {line}", i + 1));
            }
        }
    }
    assert!(read > 200, "only {read} files read");
    assert!(found.is_empty(), "{}", found.join("\n"));
}
