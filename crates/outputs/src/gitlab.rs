//! `--format gitlab`: GitLab Code Quality JSON (a list of issues).
//!
//! Fields as GitLab reads them: `description`, `check_name`, `fingerprint` (unique per
//! finding, the same one JSON and SARIF carry), `severity` (info → `info`, warning →
//! `minor`, error → `major`), `location.path` and `location.lines.begin`.

use serde::Serialize;

use super::locate;
use archlint_core::diag::Severity;
use archlint_linter::input::FileResult;

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: &'a str,
    check_name: &'a str,
    fingerprint: &'a str,
    severity: &'static str,
    categories: [&'static str; 1],
    location: Location<'a>,
}

pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "minor",
        Severity::Error => "major",
    }
}

pub fn render(results: &[FileResult]) -> String {
    let mut issues = Vec::new();
    for r in results {
        let path = r.source.name.strip_prefix("./").unwrap_or(&r.source.name);
        for d in &r.diagnostics {
            let l = locate(&r.source, d);
            issues.push(Issue {
                kind: "issue",
                description: &d.message,
                check_name: &d.rule,
                fingerprint: &d.fingerprint,
                severity: severity(d.severity),
                categories: ["Style"],
                location: Location {
                    path,
                    lines: Lines {
                        begin: l.line,
                        end: l.end_line,
                    },
                },
            });
        }
    }
    let mut s = serde_json::to_string_pretty(&issues).expect("Code Quality serializes");
    s.push('\n');
    s
}
