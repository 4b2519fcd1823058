//! `archlint report --format html`: one self-contained page with the seven sections, the
//! diagram inline, every finding linked to its component and to its rule's explanation.

use crate::common;

use archlint_core::source::SourceFile;

fn page(
    example: &str,
) -> (
    String,
    archlint_linter::graph::Analysis,
    Vec<archlint_core::diag::Diagnostic>,
) {
    let o = common::run(&["report", "--format", "html", example]);
    assert!(o.status.success(), "{example}: {}", common::stderr(&o));
    let text = std::fs::read_to_string(example).unwrap();
    let a = archlint_linter::analyse(&SourceFile::new(example, text)).unwrap();
    let findings = archlint_linter::all_findings(&a, archlint_testing::TODAY);
    (common::stdout(&o), a, findings)
}

#[test]
fn html_review_is_self_contained_and_linked() {
    for example in [
        "examples/shop.arch.yaml",
        "examples/petclinic.arch.yaml",
        "examples/url-shortener.arch.yaml",
    ] {
        let (html, a, findings) = page(example);
        assert!(html.starts_with("<!DOCTYPE html>"), "{example}");
        assert!(html.trim_end().ends_with("</html>"), "{example}");
        for n in 1..=7 {
            assert!(
                html.contains(&format!("<h2>{n}. ")),
                "{example}: section {n}"
            );
        }
        // nothing is loaded from anywhere: no scripts, stylesheets, images or frames
        for loads in [
            "<script", "<link", "<img", "<iframe", "@import", "url(http", " src=",
        ] {
            assert!(!html.contains(loads), "{example}: {loads}");
        }
        // the diagram: one inline SVG, well-formed, every component drawn once
        assert_eq!(html.matches("<svg").count(), 1, "{example}");
        let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap() + 6];
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{example}: {e}"));
        for c in &a.model.components {
            let id = format!("component-{}", c.id);
            let n = doc
                .descendants()
                .filter(|n| n.attribute("id") == Some(id.as_str()))
                .count();
            assert_eq!(n, 1, "{example}: {id}");
        }
        // every in-page link lands on an element of the page
        let ids: std::collections::HashSet<&str> = html
            .split(" id=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        for target in html
            .split("href=\"#")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
        {
            assert!(ids.contains(target), "{example}: dangling #{target}");
        }
        // every finding links to its rule's explanation, and to its component if it has one
        for d in &findings {
            assert!(
                html.contains(&format!("href=\"#rule-{}\"", d.rule)),
                "{example}: {} not linked",
                d.rule
            );
            assert!(
                ids.contains(format!("rule-{}", d.rule).as_str()),
                "{example}: {}",
                d.rule
            );
            if let Some(i) = a.model.component_at(&d.path) {
                let c = &a.model.components[i].id;
                assert!(
                    html.contains(&format!("href=\"#component-{c}\"")),
                    "{example}: {} at {c} not linked",
                    d.rule
                );
            }
        }
    }
}

/// The page's text escapes what the file says: a name with markup stays text.
#[test]
fn html_review_escapes_the_design_name() {
    let yaml = "name: \"<script>alert(1)</script>\"\ncomponents:\n  web: {kind: client, calls: [api]}\n  api: {kind: service}\n";
    let o = common::run_stdin(&["report", "--format", "html", "-"], yaml.as_bytes());
    assert!(o.status.success(), "{}", common::stderr(&o));
    let html = common::stdout(&o);
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("<title>Design review: &lt;script&gt;"));
}

/// The page in a real browser: headless Chromium (Debian's `chromium`, installed by
/// `.ci/run`) loads it from `file://` with no console message and no failed load, the
/// rendered DOM holds every component of the diagram, and a screenshot is kept as an
/// artifact under `target/tmp/browser/`.
#[test]
#[ignore = "needs Chromium (`chromium`); .ci/run installs it and runs the ignored tests"]
fn chromium_renders_the_html_review() {
    let have = std::process::Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        have,
        "Chromium (`chromium`) is not installed; this test needs it"
    );
    let example = "examples/shop.arch.yaml";
    let (html, a, _) = page(example);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("shop.html");
    std::fs::write(&file, &html).unwrap();
    let url = format!("file://{}", file.display());
    let chromium = |extra: &[&str]| {
        let profile = dir.join(format!("profile-{}", extra.len()));
        std::process::Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--enable-logging=stderr",
                "--v=0",
                "--window-size=1400,2400",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(&url)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let dom = chromium(&["--dump-dom"]);
    assert!(dom.status.success(), "{}", common::stderr(&dom));
    let (text, log) = (common::stdout(&dom), common::stderr(&dom));
    for line in log.lines() {
        assert!(
            !line.contains("CONSOLE") && !line.contains("net::ERR"),
            "browser reported: {line}"
        );
    }
    assert!(text.contains("<svg"), "no diagram in the rendered page");
    for c in &a.model.components {
        assert!(
            text.contains(&format!("id=\"component-{}\"", c.id)),
            "{} missing from the rendered diagram",
            c.id
        );
    }
    let png = dir.join("shop.png");
    let _ = std::fs::remove_file(&png);
    let shot = chromium(&[&format!("--screenshot={}", png.display())]);
    assert!(shot.status.success(), "{}", common::stderr(&shot));
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
}
