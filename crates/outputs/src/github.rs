//! GitHub Actions workflow commands: one annotation line per finding.
//!
//! GitHub shows at most [`SHOWN_PER_LEVEL`] annotations of each level per step and
//! drops the rest silently, so errors come first, then warnings, then notices, and
//! when some would be dropped a final notice says how many and where to see them.

use std::fmt::Write as _;

use super::locate;
use archlint_core::diag::{Diagnostic, Severity};
use archlint_core::source::SourceFile;
use archlint_linter::input::FileResult;

/// Annotations GitHub displays per level (error, warning, notice) in one step.
pub const SHOWN_PER_LEVEL: usize = 10;

/// Escape data per the workflow-command rules.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_prop(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(results: &[FileResult]) -> String {
    let mut all: Vec<(&SourceFile, &Diagnostic)> = results
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(move |d| (&r.source, d)))
        .collect();
    // stable: within a level, file order and position order are kept
    all.sort_by_key(|(_, d)| std::cmp::Reverse(d.severity));
    let mut out = String::new();
    let mut hidden = [0usize; 3];
    let mut shown = [0usize; 3];
    for (src, d) in &all {
        let l = locate(src, d);
        let (level, i) = match d.severity {
            Severity::Error => ("error", 0),
            Severity::Warning => ("warning", 1),
            Severity::Info => ("notice", 2),
        };
        if shown[i] >= SHOWN_PER_LEVEL {
            hidden[i] += 1;
        }
        shown[i] += 1;
        let mut msg = d.message.clone();
        if let Some(h) = &d.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_prop(&src.name),
            l.line,
            l.column,
            l.end_line,
            l.end_column,
            escape_prop(&format!("archlint {}", d.rule)),
            escape_data(&msg)
        );
    }
    let more: usize = hidden.iter().sum();
    if more > 0 {
        let parts: Vec<String> = [("error", 0), ("warning", 1), ("notice", 2)]
            .iter()
            .filter(|(_, i)| hidden[*i] > 0)
            .map(|(n, i)| super::plural(hidden[*i], n))
            .collect();
        let _ = writeln!(
            out,
            "::notice title=archlint::{}",
            escape_data(&format!(
                "{} more {} than GitHub shows in one step ({}; it shows {SHOWN_PER_LEVEL} of each level). \
See them all in the job log with `archlint check`, or upload `archlint check --format sarif` to code scanning.",
                more,
                if more == 1 { "finding" } else { "findings" },
                parts.join(", ")
            ))
        );
    }
    out
}
