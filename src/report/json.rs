//! JSON output (SPEC §3.3).

use serde::Serialize;

use super::locate;
use crate::diag::Severity;
use crate::input::FileResult;

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
    /// `10x` or `3y` for a finding that appears only under `--at` / `--in`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projected: Option<String>,
}

#[derive(Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings hidden by `--baseline` (present only with a baseline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baselined: Option<usize>,
}

/// What a baseline did in this run.
#[derive(Serialize)]
pub struct BaselineReport {
    pub file: String,
    pub baselined: usize,
    /// Entries that match no finding any more (never failing; `--write-baseline`
    /// with `--baseline` prunes them).
    pub stale: Vec<crate::baseline::Entry>,
}

#[derive(Serialize)]
pub struct Output {
    pub diagnostics: Vec<JsonDiagnostic>,
    pub summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineReport>,
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
                projected: d.projected.clone(),
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
        baselined: None,
    };
    Output {
        diagnostics,
        summary,
        baseline: None,
    }
}

pub fn render(results: &[FileResult]) -> String {
    render_with(results, None)
}

/// [`render`], with what a baseline did.
pub fn render_with(results: &[FileResult], baseline: Option<BaselineReport>) -> String {
    let mut out = build(results);
    if let Some(b) = baseline {
        out.summary.baselined = Some(b.baselined);
        out.baseline = Some(b);
    }
    let mut s = serde_json::to_string_pretty(&out).expect("JSON output serializes");
    s.push('\n');
    s
}
