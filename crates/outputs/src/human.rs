//! Human output, drawn the way rustc and clippy draw theirs:
//!
//! ```text
//! warning[sync-chain-too-long]: synchronous chain of 4 hops (more than 3): ...
//!   --> examples/shop.arch.yaml:90:9
//! 41 |       - to: orders
//!    |         ------------ hop 1: gateway -> orders
//! ...
//! 90 |       - to: fraud-db
//!    |         ^^^^^^^^^^^^ hop 4: fraud -> fraud-db goes past the limit of 3
//!    = help: each synchronous hop adds its latency ...
//!    = note: `archlint explain sync-chain-too-long` says why and what to do
//! ```
//!
//! The header names the primary location (the one JSON and SARIF call primary). All
//! labels share one snippet, in line order, in which a gap of more than two unlabelled
//! lines is elided as `...`. The link to a rule's page is given with its first finding
//! in a run, as the command that prints it offline (machine formats carry the page's URL).
//! Nothing scans the file: every line is found through the line index, so the cost
//! is linear in the number of labels, whatever the distance between them. Text is
//! wrapped at the width given, between words only, so `sync-chain-too-long` or a
//! component id is never split at its hyphens.

use crate::text::{MIN_WIDTH, wrap};
use std::fmt::Write as _;

use archlint_core::diag::{Diagnostic, Severity};
use archlint_core::source::SourceFile;
use archlint_linter::input::FileResult;

/// Render options: colour and width.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            color: false,
            width: 100,
        }
    }
}

/// Most unlabelled lines printed in a row; longer gaps are elided.
const MAX_GAP: usize = 2;

#[derive(Clone, Copy)]
enum Paint {
    Error,
    Warning,
    Info,
    Gutter,
    Secondary,
    Bold,
}

struct Painter(bool);

impl Painter {
    fn paint(&self, out: &mut String, p: Paint, text: &str) {
        if !self.0 || text.is_empty() {
            out.push_str(text);
            return;
        }
        let code = match p {
            Paint::Error => "1;31",
            Paint::Warning => "1;33",
            Paint::Info => "1;36",
            Paint::Gutter => "1;34",
            Paint::Secondary => "1;34",
            Paint::Bold => "1",
        };
        let _ = write!(out, "\x1b[{code}m{text}\x1b[0m");
    }
}

fn severity_paint(s: Severity) -> Paint {
    match s {
        Severity::Error => Paint::Error,
        Severity::Warning => Paint::Warning,
        Severity::Info => Paint::Info,
    }
}

struct Label<'a> {
    start: usize,
    end: usize,
    line: usize,
    text: &'a str,
    primary: bool,
}

/// One finding, as rustc would print it.
pub fn render_one(src: &SourceFile, d: &Diagnostic, style: Style) -> String {
    let mut out = String::new();
    render_into(&mut out, src, d, style, true);
    out
}

/// One finding; `show_url` adds the link to the rule's page (given once per rule in
/// a run, as clippy names a lint's level once).
fn render_into(out: &mut String, src: &SourceFile, d: &Diagnostic, style: Style, show_url: bool) {
    let width = style.width.max(MIN_WIDTH);
    let p = Painter(style.color);
    let sev = severity_paint(d.severity);

    // Header: `warning[rule]: message`, wrapped under its own start.
    let code = format!("{}[{}]", d.severity.as_str(), d.rule);
    let mut head = code.chars().count() + 2;
    // a long rule id at a narrow width: the message starts on the next line
    if width.saturating_sub(head) < MIN_WIDTH / 2 {
        p.paint(out, sev, &code);
        p.paint(out, Paint::Bold, ":");
        out.push('\n');
        head = 0;
    }
    for (i, line) in wrap(&d.message, width, head.max(2), 2).iter().enumerate() {
        if i == 0 && head == 0 {
            out.push_str("  ");
            p.paint(out, Paint::Bold, line);
        } else if i == 0 {
            p.paint(out, sev, &code);
            p.paint(out, Paint::Bold, &format!(": {line}"));
        } else {
            out.push_str("  ");
            p.paint(out, Paint::Bold, line);
        }
        out.push('\n');
    }

    // Labels: the primary first (or at its place in a sequence), then the related ones
    // in their order (hop order).
    let shown = narrowed_primary(src, d);
    let primary = Label {
        start: shown.start(),
        end: shown.end(),
        line: src.line_of(d.span.start()),
        text: &d.label,
        primary: true,
    };
    let mut labels = vec![primary];
    for r in &d.related {
        if r.span == d.span && !d.label.is_empty() {
            continue;
        }
        labels.push(Label {
            start: r.span.start(),
            end: r.span.end(),
            line: src.line_of(r.span.start()),
            text: &r.message,
            primary: false,
        });
    }
    let has_text = !src.text.is_empty();
    let max_line = labels.iter().map(|l| l.line).max().unwrap_or(1);
    let gw = max_line.to_string().len();
    let pad = " ".repeat(gw);

    // One snippet, labels in line order, gaps of more than MAX_GAP lines elided; the
    // header names the primary location.
    let at = src.line_col(d.span.start());
    out.push_str(&pad);
    p.paint(out, Paint::Gutter, "-->");
    let _ = writeln!(out, " {}:{}:{}", src.name, at.line, at.column);
    let mut g = labels;
    if let Some(at) = d.sequence {
        // the steps in their order: a step above the one before starts a new excerpt
        let p0 = g.remove(0);
        g.insert(at.min(g.len()), p0);
    }
    if has_text {
        if d.sequence.is_none() {
            g.sort_by_key(|l| (l.line, l.start, !l.primary));
        }
        let mut i = 0;
        let mut prev: Option<usize> = None;
        while i < g.len() {
            let line = g[i].line;
            let mut j = i;
            while j < g.len() && g[j].line == line {
                j += 1;
            }
            if let Some(pl) = prev {
                // a step back up the file (or a far one) is a new excerpt
                let gap = line.checked_sub(pl + 1).unwrap_or(usize::MAX);
                if gap > MAX_GAP {
                    p.paint(out, Paint::Gutter, "...");
                    out.push('\n');
                } else {
                    for k in pl + 1..line {
                        let (ls, le) = line_range(src, k);
                        source_line(out, &p, &pad, k, &src.text[ls..le], width, gw, &[]);
                    }
                }
            }
            let (ls, le) = line_range(src, line);
            let marks: Vec<Mark> = g[i..j]
                .iter()
                .map(|l| {
                    let sc = src.text[ls..l.start.clamp(ls, le)].chars().count();
                    let end = l.end.clamp(l.start.clamp(ls, le), le);
                    let mut ec = sc + src.text[l.start.clamp(ls, le)..end].chars().count();
                    // a span running onto later lines is marked to its line's last word
                    if l.end > le {
                        ec = sc
                            + src.text[l.start.clamp(ls, le)..le]
                                .trim_end()
                                .chars()
                                .count();
                    }
                    Mark {
                        from: sc,
                        to: ec.max(sc + 1),
                        text: l.text,
                        primary: l.primary,
                        paint: if l.primary { sev } else { Paint::Secondary },
                    }
                })
                .collect();
            source_line(out, &p, &pad, line, &src.text[ls..le], width, gw, &marks);
            prev = Some(line);
            i = j;
        }
    }

    if let Some(h) = &d.help {
        note(out, &p, &pad, "help", h, width);
    }
    if show_url && super::page_url(&d.rule).is_some() {
        let text = format!("`archlint explain {}` says why and what to do", d.rule);
        note(out, &p, &pad, "note", &text, width);
    }
}

/// The primary span as drawn. a label nested inside another on the same line would be hidden
/// under the outer one's markers, which happens when
/// a flow mapping such as `{to: c, timeout: 1s, retry: {...}}` is at fault and a
/// secondary label points at one of its entries. The underline then shrinks to the
/// entry's key (`access_patterns`) or the mapping's first entry (`{to: c`), which
/// ends before the first nested label; JSON and SARIF keep the whole node.
fn narrowed_primary(src: &SourceFile, d: &Diagnostic) -> archlint_core::source::Span {
    let p = d.span;
    let nested = d
        .related
        .iter()
        .filter(|r| r.span != p && r.span.start() > p.start() && r.span.end() <= p.end())
        .map(|r| r.span.start())
        .min();
    match nested {
        Some(cut) if src.same_line(p.start(), p.end()) => {
            let head = src.text[p.start()..cut].trim_end_matches([' ', '\t', ',']);
            // `key: [a, b]` keeps the key; `{to: c, ...}` keeps its first entry.
            let head = match head.find([':', ',']) {
                Some(i) if !head.starts_with(['{', '[', '-']) && head.as_bytes()[i] == b':' => {
                    &head[..i]
                }
                Some(i) if head.starts_with('{') && head.as_bytes()[i] == b':' => {
                    head.find(',').map_or(head, |j| &head[..j])
                }
                _ => head,
            };
            if head.is_empty() {
                p
            } else {
                archlint_core::source::Span::new(p.start(), p.start() + head.len())
            }
        }
        _ => p,
    }
}

/// A source line as shown: its characters, borrowed when it is plain ASCII.
enum LineText<'a> {
    Ascii(&'a str),
    Chars(Vec<char>),
}

impl LineText<'_> {
    fn len(&self) -> usize {
        match self {
            LineText::Ascii(s) => s.len(),
            LineText::Chars(c) => c.len(),
        }
    }
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn push_range(&self, out: &mut String, from: usize, to: usize) {
        match self {
            LineText::Ascii(s) => out.push_str(&s[from..to]),
            LineText::Chars(c) => out.extend(&c[from..to]),
        }
    }
}

struct Mark<'a> {
    from: usize,
    to: usize,
    text: &'a str,
    primary: bool,
    paint: Paint,
}

/// The byte range of 1-based line `n`, without its line break.
fn line_range(src: &SourceFile, n: usize) -> (usize, usize) {
    let start = src.offset_of(n, 0).min(src.text.len());
    let (ls, le) = src.line_bounds(start);
    if ls == start {
        (ls, le)
    } else {
        (start, start)
    }
}

fn gutter(out: &mut String, p: &Painter, pad: &str, n: Option<usize>) {
    if p.0 {
        match n {
            Some(n) => p.paint(out, Paint::Gutter, &format!("{n:>w$} |", w = pad.len())),
            None => p.paint(out, Paint::Gutter, &format!("{pad} |")),
        }
        return;
    }
    match n {
        Some(n) => {
            let _ = write!(out, "{n:>w$} |", w = pad.len());
        }
        None => {
            out.push_str(pad);
            out.push_str(" |");
        }
    }
}

/// `= help: text`, wrapped under its own start.
fn note(out: &mut String, p: &Painter, pad: &str, kind: &str, text: &str, width: usize) {
    let lead = pad.len() + 3 + kind.len() + 2;
    for (i, line) in wrap(text, width, lead, lead).iter().enumerate() {
        if i == 0 {
            let _ = write!(out, "{pad} ");
            p.paint(out, Paint::Gutter, "=");
            out.push(' ');
            p.paint(out, Paint::Bold, kind);
            let _ = writeln!(out, ": {line}");
        } else {
            let _ = writeln!(out, "{}{line}", " ".repeat(lead));
        }
    }
}

/// A source line with its number, cut to the width around its marks, and one row
/// of markers (`^^^` primary, `---` secondary) per mark, each followed by its label.
#[allow(clippy::too_many_arguments)]
fn source_line(
    out: &mut String,
    p: &Painter,
    pad: &str,
    n: usize,
    text: &str,
    width: usize,
    gw: usize,
    marks: &[Mark],
) {
    // ASCII lines (nearly all) are used as they are; others as characters, so that
    // columns count characters as the line:column of the header does
    let chars = if text.is_ascii() && !text.contains('\t') {
        LineText::Ascii(text)
    } else {
        LineText::Chars(
            text.chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect(),
        )
    };
    let avail = width.saturating_sub(gw + 3).max(MIN_WIDTH / 2);
    // The window of the line shown: all of it when it fits, else the part around the
    // first mark with `...` where it is cut.
    let (mut from, mut to) = (0, chars.len());
    if chars.len() > avail {
        // the primary mark when the line has it, else the first one
        let anchor = marks
            .iter()
            .find(|m| m.primary)
            .or_else(|| marks.iter().min_by_key(|m| m.from))
            .map_or(0, |m| m.from);
        from = if anchor + 20 > avail {
            anchor.saturating_sub(10)
        } else {
            0
        };
        let room = avail - if from > 0 { 3 } else { 0 };
        to = (from + room).min(chars.len());
        if to < chars.len() {
            to = to.saturating_sub(3).max(from + 1);
        }
    }
    let lead = if from > 0 { 3 } else { 0 };
    gutter(out, p, pad, Some(n));
    if !chars.is_empty() {
        out.push(' ');
        if from > 0 {
            out.push_str("...");
        }
        chars.push_range(out, from, to);
        if to < chars.len() {
            out.push_str("...");
        }
    }
    out.push('\n');
    for m in marks {
        // a mark outside the excerpt of a cut line is not drawn (it stays in the
        // message, JSON and SARIF)
        if chars.len() > avail && (m.to <= from || m.from >= to) && !m.primary {
            continue;
        }
        let mf = m.from.clamp(from, to) - from + lead;
        let mt = (m.to.clamp(from, to.max(from + 1)) - from + lead).max(mf + 1);
        gutter(out, p, pad, None);
        out.push(' ');
        out.push_str(&" ".repeat(mf));
        let ch = if m.primary { "^" } else { "-" };
        p.paint(out, m.paint, &ch.repeat(mt - mf));
        if m.text.is_empty() {
            out.push('\n');
            continue;
        }
        // the label after the markers, wrapped under its own start when it fits there
        let col = gw + 3 + mt + 1;
        let label_w = m.text.chars().count();
        // a short label fits after its markers even near the right edge
        let after = width.saturating_sub(col) >= label_w.min(30);
        let indent = if after && width.saturating_sub(col) >= 30 {
            col
        } else if after {
            gw + 5
        } else {
            // below the markers: under their start, or as far right as the label
            // still fits, never left of the code's first column
            (gw + 3 + mf)
                .min(width.saturating_sub(label_w.min(width / 2)))
                .max(gw + 5)
        };
        let lines = wrap(m.text, width, if after { col } else { indent }, indent);
        for (i, l) in lines.iter().enumerate() {
            if i == 0 && after {
                out.push(' ');
                p.paint(out, m.paint, l);
            } else {
                out.push('\n');
                gutter(out, p, pad, None);
                out.push_str(&" ".repeat(indent.saturating_sub(gw + 2)));
                p.paint(out, m.paint, l);
            }
        }
        out.push('\n');
    }
}

/// All diagnostics of all files, then a summary line.
pub fn render(results: &[FileResult], style: Style, quiet: bool) -> String {
    render_with(results, style, quiet, false)
}

/// As [`render`], leaving out input errors (they go to stderr); the summary counts
/// the files with input errors apart.
pub fn render_findings(results: &[FileResult], style: Style, quiet: bool) -> String {
    render_with(results, style, quiet, true)
}

fn render_with(results: &[FileResult], style: Style, quiet: bool, skip_input: bool) -> String {
    let mut out = String::new();
    let mut linked: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for r in results {
        for d in r
            .diagnostics
            .iter()
            .filter(|d| !(skip_input && d.is_input_error()))
        {
            let first = linked.insert(d.rule.as_str());
            render_into(&mut out, &r.source, d, style, first);
            out.push('\n');
        }
    }
    if !quiet {
        out.push_str(&summary_with(results, skip_input));
        out.push('\n');
    }
    out
}

pub fn summary(results: &[FileResult]) -> String {
    summary_with(results, false)
}

/// `2 files checked: 1 error, 3 warnings, 0 infos`; with `skip_input`, input errors
/// are counted apart from the findings: the files that could not be linted at all,
/// and those linted without the parts at fault.
pub fn summary_with(results: &[FileResult], skip_input: bool) -> String {
    let shown = || {
        results
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(move |d| !(skip_input && d.is_input_error()))
    };
    let count = |s: Severity| shown().filter(|d| d.severity == s).count();
    let (e, w, i) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let files = results.len();
    let (failed, partial) = if skip_input {
        (
            results
                .iter()
                .filter(|r| r.input_error && !r.linted)
                .count(),
            results.iter().filter(|r| r.input_error && r.linted).count(),
        )
    } else {
        (0, 0)
    };
    let mut apart = String::new();
    if failed > 0 {
        let _ = write!(
            apart,
            "; {} not linted: input errors (above, on stderr)",
            super::plural(failed, "file")
        );
    }
    // a line of its own (it fits 80 columns): linted, but without the parts at fault
    let mut partial_line = String::new();
    if partial > 0 {
        let held: usize = results.iter().map(|r| r.held_back as usize).sum();
        let _ = write!(
            partial_line,
            "\n{} with input errors (above, on stderr): ",
            super::plural(partial, "file")
        );
        if held > 0 {
            let _ = write!(
                partial_line,
                "{} held back until fixed",
                super::plural(held, "finding")
            );
        } else {
            partial_line.push_str("linted without the parts at fault");
        }
    }
    let main = if failed == files {
        format!(
            "{} not linted: input errors (above, on stderr)",
            super::plural(files, "file")
        )
    } else if e + w + i == 0 {
        format!("{}: no findings{apart}", super::plural(files, "file"))
    } else {
        format!(
            "{} checked: {}, {}, {}{apart}",
            super::plural(files, "file"),
            super::plural(e, "error"),
            super::plural(w, "warning"),
            super::plural(i, "info")
        )
    };
    format!("{main}{partial_line}")
}
