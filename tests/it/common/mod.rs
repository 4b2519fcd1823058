#![allow(dead_code)]
//! Helpers shared by the integration tests.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use archlint_core::source::SourceFile;
use archlint_linter::config::Config;
use archlint_linter::{FileResult, lint_source};

pub(crate) fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_archlint"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("NO_COLOR", "1");
    // the width human output wraps to when not a terminal, whatever the caller's shell says
    c.env_remove("COLUMNS");
    c
}

pub(crate) fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("archlint runs")
}

pub(crate) fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write");
    child.wait_with_output().expect("wait")
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub(crate) fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(o)))
}

/// The rule of each diagnostic in a JSON report (`check --format json`), in order.
pub(crate) fn json_rules(j: &serde_json::Value) -> Vec<&str> {
    j["diagnostics"]
        .as_array()
        .expect("a JSON report has diagnostics")
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect()
}

/// Lint a file in-process with only the given rules selected.
pub(crate) fn lint_file(path: &str, select: &[&str]) -> FileResult {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{path}: {e}"));
    let select: Vec<String> = select.iter().map(|s| s.to_string()).collect();
    let settings = Config::default()
        .settings(Some(&select), None)
        .expect("valid selection")
        .on(archlint_testing::TODAY);
    lint_source(SourceFile::new(path, text), &settings)
}

/// Lint YAML text with the default rule selection.
pub(crate) fn lint_text(text: &str) -> FileResult {
    let settings = Config::default()
        .settings(None, None)
        .expect("defaults")
        .on(archlint_testing::TODAY);
    lint_source(SourceFile::new("test.arch.yaml", text), &settings)
}

/// Drift of a design file against an observed file (window 1h), as `archlint drift`
/// finds it, with only `select` on.
pub(crate) fn drift_file(path: &str, observed: &str, select: &[&str]) -> FileResult {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let src = SourceFile::new(path, text);
    let a = archlint_linter::analyse(&src).unwrap_or_else(|e| panic!("{path}: {e:?}"));
    let file =
        std::fs::File::open(root.join(observed)).unwrap_or_else(|e| panic!("{observed}: {e}"));
    let o = archlint_linter::observed::read(observed, std::io::BufReader::new(file))
        .unwrap_or_else(|e| panic!("{observed}: {e:?}"));
    let map = std::collections::BTreeMap::new();
    let recorded = [archlint_linter::drift::Recorded {
        name: observed,
        observed: &o,
    }];
    let cmp = archlint_linter::drift::compare(
        &a.model,
        &recorded,
        &archlint_linter::drift::Options {
            map: &map,
            window: Some(3600.0),
        },
    );
    let select: Vec<String> = select.iter().map(|s| s.to_string()).collect();
    let settings = Config::default()
        .settings(Some(&select), None)
        .expect("valid selection")
        .on(archlint_testing::TODAY);
    let ds = archlint_linter::rules::settle(&a.model, path, cmp.findings, &settings);
    FileResult::linted(src, ds, Vec::new())
}

/// The observed file of a drift rule's fixtures, when the rule is one.
pub(crate) fn observed_fixture(id: &str) -> Option<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/rules/{id}"));
    ["observed.json", "observed.prom"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file())
        .map(|p| {
            format!(
                "tests/fixtures/rules/{id}/{}",
                p.file_name().unwrap().to_string_lossy()
            )
        })
}

/// Lint with every rule on, the trade-offs included.
pub(crate) fn lint_text_all(text: &str) -> FileResult {
    let settings = Config::default()
        .settings(Some(&["all".to_string()]), None)
        .expect("all")
        .on(archlint_testing::TODAY);
    lint_source(SourceFile::new("test.arch.yaml", text), &settings)
}

/// The input errors of a result, without the findings on the rest of the file.
pub(crate) fn errors_of(r: &FileResult) -> Vec<&archlint_core::diag::Diagnostic> {
    r.diagnostics
        .iter()
        .filter(|d| d.is_input_error())
        .collect()
}

pub(crate) fn rules_of(r: &FileResult) -> Vec<&str> {
    r.diagnostics.iter().map(|d| d.rule.as_str()).collect()
}

pub(crate) fn human(r: FileResult) -> String {
    archlint_outputs::human::render(&[r], Default::default(), false)
}

pub(crate) fn json_of(r: FileResult) -> String {
    archlint_outputs::json::render(&[r])
}

/// A scratch directory with files in it.
pub(crate) struct Dir(pub std::path::PathBuf);

impl Dir {
    /// A fresh directory, its own even when tests running at once share a name.
    pub(crate) fn new(name: &str) -> Dir {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let d = std::env::temp_dir().join(format!("archlint-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    pub(crate) fn write(&self, rel: &str, text: &str) -> String {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
