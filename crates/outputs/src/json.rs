//! JSON output.

use serde::Serialize;

use super::locate;
use archlint_core::diag::Severity;
use archlint_linter::input::FileResult;

#[derive(Serialize)]
pub struct JsonRelated<'a> {
    pub message: &'a str,
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
}

#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub rule: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub file: &'a str,
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub related: Vec<JsonRelated<'a>>,
    /// Stable across edits elsewhere in the file.
    pub fingerprint: &'a str,
    /// `10x` or `3y` for a finding that appears only under `--at` / `--in`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projected: Option<&'a str>,
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
    /// Findings held back because they involve a part with an input error (present
    /// only when some are).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_back: Option<usize>,
}

/// What a baseline did in this run.
#[derive(Serialize)]
pub struct BaselineReport {
    pub file: String,
    pub baselined: usize,
    /// Entries that match no finding any more (never failing; `--write-baseline`
    /// with `--baseline` prunes them).
    pub stale: Vec<archlint_linter::baseline::Entry>,
}

#[derive(Serialize)]
pub struct Output<'a> {
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
    pub summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineReport>,
}

/// The document, borrowing every string from `results`.
pub fn build(results: &[FileResult]) -> Output<'_> {
    let mut diagnostics = Vec::with_capacity(results.iter().map(|r| r.diagnostics.len()).sum());
    for r in results {
        for d in &r.diagnostics {
            let l = locate(&r.source, d);
            diagnostics.push(JsonDiagnostic {
                rule: &d.rule,
                severity: d.severity,
                message: &d.message,
                help: d.help.as_deref(),
                file: &r.source.name,
                path: &d.path,
                line: l.line,
                column: l.column,
                end_line: l.end_line,
                end_column: l.end_column,
                related: d
                    .related
                    .iter()
                    .map(|x| {
                        let p = r.source.line_col(x.span.start());
                        JsonRelated {
                            message: &x.message,
                            path: &x.path,
                            line: p.line,
                            column: p.column,
                        }
                    })
                    .collect(),
                fingerprint: &d.fingerprint,
                projected: d.projected.as_deref(),
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
        held_back: Some(results.iter().map(|r| r.held_back as usize).sum()).filter(|&n| n > 0),
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
    // about 1.4 kB a finding pretty-printed: one allocation instead of ~20 doublings
    let n: usize = results.iter().map(|r| r.diagnostics.len()).sum();
    let mut buf = Vec::with_capacity(256 + n * 1536);
    write_with(&mut buf, results, baseline).expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// [`render_with`], written to `w` as it is serialized (the command line streams it to
/// its output instead of holding the whole document).
pub fn write_with(
    mut w: impl std::io::Write,
    results: &[FileResult],
    baseline: Option<BaselineReport>,
) -> std::io::Result<()> {
    let mut out = build(results);
    if let Some(b) = baseline {
        out.summary.baselined = Some(b.baselined);
        out.baseline = Some(b);
    }
    serde_json::to_writer_pretty(&mut w, &out)?;
    w.write_all(b"\n")
}
