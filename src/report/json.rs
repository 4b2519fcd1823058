//! JSON output (SPEC §3.3).

use serde::Serialize;

use super::locate;
use crate::FileResult;
use crate::diag::Severity;

#[derive(Serialize)]
pub struct JsonRelated {
    pub message: String,
    pub path: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub file: String,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub related: Vec<JsonRelated>,
    /// Stable across edits elsewhere in the file (SPEC §4.2).
    pub fingerprint: String,
}

#[derive(Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

#[derive(Serialize)]
pub struct Output {
    pub diagnostics: Vec<JsonDiagnostic>,
    pub summary: Summary,
}

pub fn build(results: &[FileResult]) -> Output {
    let mut diagnostics = Vec::new();
    for r in results {
        for d in &r.diagnostics {
            let l = locate(&r.source, d);
            diagnostics.push(JsonDiagnostic {
                rule: d.rule.clone(),
                severity: d.severity,
                message: d.message.clone(),
                help: d.help.clone(),
                file: r.source.name.clone(),
                path: d.path.clone(),
                line: l.line,
                column: l.column,
                end_line: l.end_line,
                end_column: l.end_column,
                related: d
                    .related
                    .iter()
                    .map(|x| {
                        let p = r.source.line_col(x.span.start);
                        JsonRelated {
                            message: x.message.clone(),
                            path: x.path.clone(),
                            line: p.line,
                            column: p.column,
                        }
                    })
                    .collect(),
                fingerprint: d.fingerprint.clone(),
            });
        }
    }
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.rule).cmp(&(&b.file, b.line, b.column, &b.rule))
    });
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let summary = Summary {
        files: results.len(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
    };
    Output {
        diagnostics,
        summary,
    }
}

pub fn render(results: &[FileResult]) -> String {
    let mut s = serde_json::to_string_pretty(&build(results)).expect("JSON output serializes");
    s.push('\n');
    s
}
