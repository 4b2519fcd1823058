//! `--format junit`: JUnit XML, as CI servers (Jenkins, GitLab, Azure, CircleCI) read it.
//!
//! One `<testsuite>` per file; in it one `<testcase>` per rule that found something
//! (`classname` the file, `name` the rule), with one `<failure>` per finding. A file
//! with no findings is one passing test case, so a clean run still reports a test;
//! a file that could not be read or validated fails its `invalid-input` case.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::locate;
use archlint_core::diag::Diagnostic;
use archlint_linter::input::FileResult;

/// Escape text for an XML attribute or element; drop characters XML 1.0 forbids.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\n' => o.push_str("&#10;"),
            '\t' | '\r' => o.push(' '),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => o.push(c),
        }
    }
    o
}

pub fn render(results: &[FileResult]) -> String {
    let total: usize = results.iter().map(|r| cases(r).len()).sum();
    let failures: usize = results.iter().map(|r| r.diagnostics.len()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"archlint\" tests=\"{total}\" failures=\"{failures}\" errors=\"0\">"
    );
    for r in results {
        let cs = cases(r);
        let file = esc(&r.source.name);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{file}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
            cs.len(),
            r.diagnostics.len()
        );
        for (rule, ds) in &cs {
            let _ = write!(
                out,
                "    <testcase classname=\"{file}\" name=\"{}\"",
                esc(rule)
            );
            if ds.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            for d in ds {
                let l = locate(&r.source, d);
                let mut body = format!(
                    "{}:{}:{}: {}[{}] {}\npath: {}",
                    r.source.name,
                    l.line,
                    l.column,
                    d.severity.as_str(),
                    d.rule,
                    d.message,
                    d.path
                );
                if let Some(h) = &d.help {
                    body.push_str("\nhelp: ");
                    body.push_str(h);
                }
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}:{}: {}\" type=\"{}\">{}</failure>",
                    l.line,
                    l.column,
                    esc(&d.message),
                    d.severity.as_str(),
                    esc(&body)
                );
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// The test cases of one file: rule → its findings, in rule order; one passing case
/// named `archlint` when the file has none.
fn cases(r: &FileResult) -> BTreeMap<&str, Vec<&Diagnostic>> {
    let mut m: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &r.diagnostics {
        m.entry(d.rule.as_str()).or_default().push(d);
    }
    if m.is_empty() {
        m.insert("archlint", Vec::new());
    }
    m
}
