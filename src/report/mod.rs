//! Output formats for `check`, plus the diagram and the Markdown review.

pub mod github;
pub mod graph;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

use crate::diag::Diagnostic;
use crate::source::SourceFile;

/// `1 error`, `2 errors`: a count with its noun, in the singular when it is one.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Where a rule's page lives, for links in diagnostics and SARIF.
pub fn rule_url(rule: &str) -> String {
    format!("{}/blob/main/rules/{rule}.md", env!("CARGO_PKG_REPOSITORY"))
}

/// A diagnostic with its resolved 1-based positions.
pub struct Located<'a> {
    pub d: &'a Diagnostic,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub fn locate<'a>(src: &SourceFile, d: &'a Diagnostic) -> Located<'a> {
    let s = src.line_col(d.span.start);
    let e = src.line_col(d.span.end.max(d.span.start));
    let (end_line, end_column) = if d.span.is_empty() {
        (s.line, s.column + 1)
    } else {
        (e.line, e.column)
    };
    Located {
        d,
        line: s.line,
        column: s.column,
        end_line,
        end_column,
    }
}
