//! `--format concise`: one line per finding, `FILE:LINE:COL: SEVERITY[RULE] MESSAGE`.

use std::fmt::Write as _;

use super::locate;
use archlint_linter::input::FileResult;

/// One line per finding; input errors are left to stderr when `skip_input` is set.
pub fn render(results: &[FileResult], quiet: bool, skip_input: bool) -> String {
    let mut out = String::new();
    for r in results {
        for d in r
            .diagnostics
            .iter()
            .filter(|d| !(skip_input && d.is_input_error()))
        {
            let l = locate(&r.source, d);
            // one line, whatever the message holds
            let msg = d.message.replace(['\n', '\r'], " ");
            let _ = writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                r.source.name,
                l.line,
                l.column,
                d.severity.as_str(),
                d.rule,
                msg
            );
        }
    }
    if !quiet {
        out.push_str(&super::human::summary_with(results, skip_input));
        out.push('\n');
    }
    out
}
