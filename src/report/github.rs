//! GitHub Actions workflow commands: one annotation line per finding.

use super::locate;
use crate::FileResult;
use crate::diag::Severity;

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
    let mut out = String::new();
    for r in results {
        for d in &r.diagnostics {
            let l = locate(&r.source, d);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut msg = d.message.clone();
            if let Some(h) = &d.help {
                msg.push_str("\nhelp: ");
                msg.push_str(h);
            }
            out.push_str(&format!(
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                escape_prop(&r.source.name),
                l.line,
                l.column,
                l.end_line,
                l.end_column,
                escape_prop(&format!("archlint {}", d.rule)),
                escape_data(&msg)
            ));
        }
    }
    out
}
