//! The browser playground (`playground/`), driven in headless Chromium by
//! `playground/test/browser.mjs` (Playwright): it loads from `file://` on a design
//! with findings and a first prompt, lists shop's findings exactly as `archlint check`
//! does, bands their lines, numbers a chain's hops in the editor and on the diagram,
//! shows the writers of a shared store, keeps diagram labels at 11 px or more, applies
//! a quick fix with a click, runs the trade-off rules and the 10x projection with the
//! estimate, marks findings new since the last edit, keeps Tab in the editor, reopens
//! a share link in a fresh page with the same design, settings and findings, completes
//! a course exercise by typing its fix (progress kept over a reload), lays out in one
//! column at 390 px, turns a typed typo into a located input error, and makes no
//! network request and logs no error. Screenshots are kept under `target/tmp/browser/`.
//!
//! Needs the built page (`playground/build.sh`), Node.js with `npm ci` run in
//! `playground/`, and Chromium; `.ci/run` provides all three and runs it with the
//! other ignored tests (`cargo test -- --ignored`). A missing piece fails it.

use crate::common;

use std::path::Path;
use std::process::Command;

#[test]
#[ignore = "needs the built playground, Node.js with `npm ci` in playground/, and Chromium; .ci/run provides them and runs the ignored tests"]
fn playground_lints_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = root.join("playground/dist/index.html");
    let driver = root.join("playground/node_modules/playwright-core");
    let node = Command::new("node").arg("--version").output();
    let chromium = Command::new("chromium").arg("--version").output();
    let missing: Vec<&str> = [
        (!page.exists(), "the built page (run playground/build.sh)"),
        (
            !driver.exists(),
            "playwright-core (run `npm ci` in playground/)",
        ),
        (!node.is_ok_and(|o| o.status.success()), "node"),
        (!chromium.is_ok_and(|o| o.status.success()), "chromium"),
    ]
    .into_iter()
    .filter_map(|(gone, what)| gone.then_some(what))
    .collect();
    assert!(
        missing.is_empty(),
        "the playground test needs {}",
        missing.join(", ")
    );

    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&tmp).unwrap();
    let expected = tmp.join("shop-check.json");
    let o = common::run(&["check", "--format", "json", "examples/shop.arch.yaml"]);
    std::fs::write(&expected, &o.stdout).unwrap();
    assert!(
        !common::json(&o)["diagnostics"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let out = Command::new("node")
        .arg(root.join("playground/test/browser.mjs"))
        .current_dir(root.join("playground"))
        .env("PLAYGROUND", &page)
        .env("EXPECTED", &expected)
        .env("SCREENSHOTS", &tmp)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "the browser test failed:\n{}\n{}",
        common::stdout(&out),
        common::stderr(&out)
    );
    let report = common::stdout(&out);
    assert!(report.contains("\"ok\":true"), "{report}");
    for shot in [
        "playground-shop.png",
        "playground-typo.png",
        "playground-related-1280.png",
        "playground-course-1280.png",
        "playground-390.png",
    ] {
        let bytes = std::fs::read(tmp.join(shot)).expect("screenshot written");
        assert!(bytes.starts_with(b"\x89PNG"), "{shot} is not a PNG");
    }
}
