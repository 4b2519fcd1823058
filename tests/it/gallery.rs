//! The example gallery: `check` over all of it, every report rendered, every diagram drawn.

use crate::common;

use common::*;

fn examples() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("examples")
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".arch.yaml"))
        .collect();
    v.sort();
    v
}

#[test]
fn the_gallery_has_the_promised_systems() {
    let ex = examples();
    assert!(ex.len() >= 12, "{ex:?}");
    for name in [
        "url-shortener",
        "pastebin",
        "news-feed",
        "chat",
        "ride-hailing",
        "payments",
        "web-crawler",
        "notification-service",
        "video-streaming",
        "checkout",
        "retail-estate",
    ] {
        assert!(
            ex.iter().any(|e| e.ends_with(&format!("{name}.arch.yaml"))),
            "missing {name}"
        );
    }
    let estate = archlint_linter::analyse(&archlint_core::source::SourceFile::new(
        "e",
        std::fs::read_to_string("examples/retail-estate.arch.yaml").unwrap(),
    ))
    .unwrap();
    assert!(estate.model.components.len() >= 60);
    for e in &ex {
        let text = std::fs::read_to_string(e).unwrap();
        assert!(
            text.starts_with("# "),
            "{e} needs a header comment saying what it is"
        );
    }
}

#[test]
fn check_over_the_gallery() {
    let mut args = vec!["check", "--format", "json", "--fail-on", "never"];
    let ex = examples();
    args.extend(ex.iter().map(String::as_str));
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "no example is invalid input");
    insta::assert_snapshot!("gallery_json", stdout(&o));
}

#[test]
fn clean_examples_stay_clean() {
    for name in [
        "photo-sharing",
        "url-shortener",
        "news-feed",
        "chat",
        "ride-hailing",
        "video-streaming",
        "checkout",
    ] {
        let o = run(&[
            "check",
            "--select",
            "all",
            "--format",
            "json",
            &format!("examples/{name}.arch.yaml"),
        ]);
        let v = json(&o);
        assert_eq!(
            v["diagnostics"].as_array().unwrap().len(),
            0,
            "{name}: {}",
            stdout(&o)
        );
    }
}

#[test]
fn every_report_renders_with_seven_sections() {
    for e in examples() {
        let o = run(&["report", &e]);
        assert_eq!(o.status.code(), Some(0), "{e}");
        let text = stdout(&o);
        for (i, title) in [
            "Requirements",
            "Capacity estimation",
            "High-level design",
            "Component deep dive",
            "Data model",
            "Trade-offs and alternatives",
            "Failure modes",
        ]
        .iter()
        .enumerate()
        {
            assert!(
                text.contains(&format!("## {}. {title}", i + 1)),
                "{e}: section {title}"
            );
        }
        // every finding of the file appears in the report with its help
        let v = json(&run(&["check", "--select", "all", "--format", "json", &e]));
        for d in v["diagnostics"].as_array().unwrap() {
            assert!(
                text.contains(d["message"].as_str().unwrap()),
                "{e}: finding missing from the report: {}",
                d["message"]
            );
            // a help of several lines is a nested list in the review: each line is there
            for line in d["help"].as_str().unwrap().lines() {
                assert!(
                    text.contains(line),
                    "{e}: help missing: {line} (of {})",
                    d["help"]
                );
            }
        }
        let stem = e
            .trim_start_matches("examples/")
            .trim_end_matches(".arch.yaml");
        if ["shop", "photo-sharing", "petclinic"].contains(&stem) {
            insta::assert_snapshot!(format!("report_{stem}"), text);
        }
    }
}

/// A Mermaid flowchart line is a header, a node, an edge, a classDef or a class line.
fn mermaid_line_ok(line: &str) -> bool {
    let node = regex::Regex::new(r#"^  n\d+(\[\("[^"]*"\)\]|>"[^"]*"\]|\(\["[^"]*"\]\)|\[\["[^"]*"\]\]|\{\{"[^"]*"\}\}|\("[^"]*"\)|\["[^"]*"\])$"#).unwrap();
    let edge = regex::Regex::new(r#"^  n\d+ (-->|-\.->|==>)(\|"[^"]*"\|)? n\d+$"#).unwrap();
    let class_def = regex::Regex::new(r"^  classDef (error|warning|info) [a-z:#0-9,-]+$").unwrap();
    let class = regex::Regex::new(r"^  class n\d+ (error|warning|info)$").unwrap();
    line == "flowchart LR"
        || node.is_match(line)
        || edge.is_match(line)
        || class_def.is_match(line)
        || class.is_match(line)
}

#[test]
fn mermaid_is_valid_flowchart_syntax() {
    for e in examples() {
        let text = stdout(&run(&["graph", "--format", "mermaid", &e]));
        assert!(text.starts_with("flowchart LR\n"));
        for line in text.lines() {
            assert!(mermaid_line_ok(line), "{e}: not flowchart syntax: {line:?}");
        }
    }
    insta::assert_snapshot!(
        "graph_shop_mermaid",
        stdout(&run(&["graph", "examples/shop.arch.yaml"]))
    );
}

#[test]
fn dot_output_is_one_digraph() {
    for e in examples() {
        let text = stdout(&run(&["graph", "--format", "dot", &e]));
        assert!(text.starts_with("digraph ") && text.trim_end().ends_with('}'));
    }
}

#[test]
#[ignore = "needs Graphviz (`dot`); .ci/run installs it and runs the ignored tests"]
fn dot_is_accepted_by_graphviz() {
    let have_dot = std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        have_dot,
        "Graphviz (`dot`) is not installed; this test needs it"
    );
    for e in examples() {
        let text = stdout(&run(&["graph", "--format", "dot", &e]));
        let o = run_dot(&text);
        assert!(
            o.status.success(),
            "{e}: dot rejected it: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8_lossy(&o.stdout).contains("<svg"));
    }
}

fn run_dot(input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}
