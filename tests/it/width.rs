//! Every command's human output fits the terminal: at 80 and 60 columns no line is
//! wider, except a line that cannot be broken (one word, one code span, a code block
//! written as the page has it, an address).

use crate::common::*;

/// A line may be wider than the terminal only when nothing in it can break: after its
/// indent and a leading mark (`= help:`, `- `, `1. `, `12 |`), one unit remains (no
/// space outside a code span or an address).
fn unbreakable(line: &str) -> bool {
    let lead = regex::Regex::new(r"^\s*(?:= \w+: |- |\d+\. |\d* *\| ?|[a-z ]+: )?").unwrap();
    let rest = lead.replace(line, "");
    let mut in_code = false;
    let mut in_link = false;
    for c in rest.trim_end().chars() {
        match c {
            '`' => in_code = !in_code,
            '<' => in_link = true,
            '>' => in_link = false,
            ' ' if !in_code && !in_link => return false,
            _ => {}
        }
    }
    true
}

/// The lines of `text` wider than `cols` that could have been broken; `verbatim` are
/// lines allowed as written (code blocks of the page the output was drawn from).
fn too_wide(text: &str, cols: usize, verbatim: &[&str]) -> Vec<String> {
    text.lines()
        .filter(|l| l.chars().count() > cols)
        .filter(|l| !unbreakable(l))
        .filter(|l| !verbatim.iter().any(|v| v.trim() == l.trim()))
        .map(|l| format!("{} columns: {l}", l.chars().count()))
        .collect()
}

fn at(cols: usize, args: &[&str]) -> std::process::Output {
    bin()
        .env("COLUMNS", cols.to_string())
        .args(args)
        .output()
        .unwrap()
}

fn examples() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("examples")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| p.display().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn every_command_fits_80_and_60_columns() {
    let mut wide: Vec<String> = Vec::new();
    let mut check = |what: String, text: &str, cols: usize, verbatim: &[&str]| {
        assert!(!text.trim().is_empty(), "{what} printed nothing");
        for l in too_wide(text, cols, verbatim) {
            wide.push(format!("{what}: {l}"));
        }
    };
    for cols in [80, 60] {
        check(
            format!("rules at {cols}"),
            &stdout(&at(cols, &["rules"])),
            cols,
            &[],
        );
        let mut ids: Vec<&str> = archlint_linter::rules::RULES.iter().map(|r| r.id).collect();
        ids.push("invalid-input");
        for id in ids {
            let src = stdout(&at(cols, &["explain", id, "--format", "markdown"]));
            let page = stdout(&at(cols, &["explain", id]));
            let lines: Vec<&str> = src.lines().collect();
            check(format!("explain {id} at {cols}"), &page, cols, &lines);
        }
        for f in examples() {
            check(
                format!("check {f} at {cols}"),
                &stdout(&at(cols, &["check", "--select", "all", &f])),
                cols,
                &[],
            );
            check(
                format!("estimate {f} at {cols}"),
                &stdout(&at(cols, &["estimate", "--at", "10x", &f])),
                cols,
                &[],
            );
            let md = stdout(&at(cols, &["report", &f]));
            let lines: Vec<&str> = md.lines().collect();
            check(
                format!("report {f} at {cols}"),
                &stdout(&at(cols, &["report", "--format", "text", &f])),
                cols,
                &lines,
            );
        }
        check(
            format!("diff at {cols}"),
            &stdout(&at(
                cols,
                &[
                    "diff",
                    "examples/shop.arch.yaml",
                    "examples/pastebin.arch.yaml",
                ],
            )),
            cols,
            &[],
        );
        check(
            format!("learn list at {cols}"),
            &stdout(&at(cols, &["learn", "list"])),
            cols,
            &[],
        );
        check(
            format!("drift at {cols}"),
            &stdout(&at(
                cols,
                &[
                    "drift",
                    "tests/fixtures/drift/hotrod/design.arch.yaml",
                    "tests/fixtures/drift/hotrod/jaeger.json",
                    "--window",
                    "1h",
                ],
            )),
            cols,
            &[],
        );
        // the notes on stderr too: a design with a typo, a recording without a window
        let typo_dir = Dir::new(&format!("width-typo-{cols}"));
        let typo = typo_dir.write(
            "d.arch.yaml",
            &std::fs::read_to_string("tests/fixtures/drift/hotrod/design.arch.yaml")
                .unwrap()
                .replace("route: { kind: service", "route: { kind: servce"),
        );
        for args in [
            vec!["drift", &typo, "tests/fixtures/drift/hotrod/jaeger.json"],
            vec!["estimate", &typo],
            vec!["graph", &typo],
        ] {
            check(
                format!("{} stderr at {cols}", args[0]),
                &String::from_utf8_lossy(&at(cols, &args).stderr),
                cols,
                &[],
            );
        }
        check(
            format!("test-rules at {cols}"),
            &stdout(&at(
                cols,
                &[
                    "test-rules",
                    "--config",
                    "examples/rule-packs/acme.archlint.yaml",
                ],
            )),
            cols,
            &[],
        );
        let dir = Dir::new(&format!("width-import-{cols}"));
        let target = dir.0.join("out.yaml").display().to_string();
        for args in [
            vec![
                "import",
                "k8s",
                "tests/fixtures/import/bank-of-anthos.kubernetes-manifests.yaml",
                "tests/fixtures/import/online-boutique.kubernetes-manifests.yaml",
            ],
            vec![
                "import",
                "compose",
                "tests/fixtures/import/eshoponcontainers.docker-compose.yml",
                "tests/fixtures/import/eshoponcontainers.docker-compose.override.yml",
            ],
            vec![
                "import",
                "calm",
                "tests/fixtures/import/calm/payment-gateway.calm.json",
            ],
            vec![
                "import",
                "backstage",
                "tests/fixtures/import/backstage/artists",
            ],
            vec![
                "import",
                "structurizr",
                "tests/fixtures/import/structurizr/big-bank-plc.workspace.json",
            ],
        ] {
            let mut args = args.clone();
            args.extend(["-o", &target, "--force"]);
            let o = at(cols, &args);
            assert_eq!(
                o.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            check(
                format!("{} at {cols}", args[..2].join(" ")),
                &String::from_utf8_lossy(&o.stderr),
                cols,
                &[],
            );
        }
    }
    assert!(
        wide.is_empty(),
        "{} lines too wide:\n{}",
        wide.len(),
        wide.join("\n")
    );
}

#[test]
fn report_to_a_terminal_is_laid_out_and_to_a_pipe_is_markdown() {
    let md = stdout(&run(&["report", "examples/shop.arch.yaml"]));
    assert!(md.starts_with("# Design review: shop"), "{md}");
    let text = stdout(&at(
        80,
        &["report", "--format", "text", "examples/shop.arch.yaml"],
    ));
    assert!(
        text.starts_with("Design review: shop\n==================="),
        "{text}"
    );
    assert!(
        !text.contains("](http"),
        "links show their text only: {text}"
    );
    // the Mermaid source stays as written, to copy into a Markdown file
    assert!(text.contains("\n    flowchart LR\n"), "{text}");
}
