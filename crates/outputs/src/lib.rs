//! archlint's outputs: every format of `check`'s findings (human, concise, JSON,
//! SARIF, GitHub, GitLab, JUnit), the diagram (Mermaid, DOT, SVG), the design review
//! (Markdown, HTML) and `diff`'s comparison of two designs.
//!
//! Invariant: rendering only. Nothing here lints, reads files or decides exit codes;
//! it is handed results and returns text.

pub mod concise;
pub mod diff;
pub mod estimate;
pub mod github;
pub mod gitlab;
pub mod graph;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod mdterm;
pub mod sarif;
pub mod text;

use archlint_core::diag::Diagnostic;
use archlint_core::source::SourceFile;

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

/// The page of a built-in rule (or of `invalid-input`); a custom rule has none (its
/// definition is its page: `archlint explain ID`).
pub fn page_url(rule: &str) -> Option<String> {
    (archlint_linter::rules::find(rule).is_some() || rule == archlint_core::diag::INVALID_INPUT)
        .then(|| rule_url(rule))
}

/// `` [`rule`](url) `` for a built-in rule, `` `rule` `` for a custom one.
pub fn rule_link(rule: &str) -> String {
    match page_url(rule) {
        Some(u) => format!("[`{rule}`]({u})"),
        None => format!("`{rule}`"),
    }
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
    let s = src.line_col(d.span.start());
    let e = src.line_col(d.span.end().max(d.span.start()));
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

/// `--statistics`: how many findings each rule made, most first.
pub fn statistics(
    results: &[archlint_linter::input::FileResult],
) -> Vec<(String, archlint_core::diag::Severity, usize)> {
    let mut m: std::collections::BTreeMap<(&str, archlint_core::diag::Severity), usize> =
        std::collections::BTreeMap::new();
    for d in results.iter().flat_map(|r| &r.diagnostics) {
        *m.entry((d.rule.as_str(), d.severity)).or_default() += 1;
    }
    let mut v: Vec<_> = m
        .into_iter()
        .map(|((r, s), n)| (r.to_string(), s, n))
        .collect();
    v.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    v
}

/// `--statistics` as text: a count, the severity and the rule, one line each.
pub fn statistics_text(results: &[archlint_linter::input::FileResult]) -> String {
    let stats = statistics(results);
    let w = stats
        .iter()
        .map(|s| s.2.to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for (rule, sev, n) in &stats {
        out.push_str(&format!("{n:>w$}  {:<7}  {rule}\n", sev.as_str()));
    }
    if stats.is_empty() {
        out.push_str("no findings\n");
    }
    out
}

/// `--statistics --format json`.
pub fn statistics_json(results: &[archlint_linter::input::FileResult]) -> String {
    let v: Vec<_> = statistics(results)
        .into_iter()
        .map(|(rule, severity, count)| serde_json::json!({"rule": rule, "severity": severity, "count": count}))
        .collect();
    let mut s = serde_json::to_string_pretty(&v).expect("serializes");
    s.push('\n');
    s
}
