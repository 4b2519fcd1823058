//! Human output through miette: source snippet, labels along a chain, help, rule link.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::FileResult;
use crate::diag::{Diagnostic, Severity};
use crate::source::SourceFile;

/// The file as miette sees it. miette finds a snippet by scanning the text from its
/// start, which costs the whole file per diagnostic; this hands it only the lines
/// around the span (found with the line index) and shifts the answer back, so
/// rendering n findings stays linear in n.
struct Windowed<'a>(&'a SourceFile);

/// Lines of slack around the context miette asks for.
const SLACK: usize = 2;

impl SourceCode for Windowed<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let src = self.0;
        if let Some(contents) = long_line_excerpt(src, span) {
            return Ok(Box::new(contents));
        }
        let (ws, we, base_line) = src.window(
            span.offset(),
            span.offset() + span.len(),
            before + SLACK,
            after + SLACK,
        );
        let window = &src.text.as_bytes()[ws..we];
        let rel = SourceSpan::new((span.offset() - ws).into(), span.len());
        let inner = window.read_span(&rel, before, after)?;
        let at = SourceSpan::new((inner.span().offset() + ws).into(), inner.span().len());
        let contents = MietteSpanContents::new_named(
            src.name.clone(),
            inner.data(),
            at,
            inner.line() + base_line,
            inner.column(),
            inner.line_count() + base_line,
        )
        .with_language("yaml");
        Ok(Box::new(contents))
    }
}

/// Lines longer than this are shown as an excerpt around the span.
const LONG_LINE: usize = 320;
/// Bytes kept on either side of the span in such an excerpt.
const EXCERPT: usize = 100;

/// A minified or one-line file (JSON is YAML) would otherwise print its whole text
/// for every finding. When the span sits on one very long line, show only the part of
/// that line around it, with no context lines; offsets stay absolute, so labels land
/// where they should and the header's line and column stay true.
fn long_line_excerpt<'a>(src: &'a SourceFile, span: &SourceSpan) -> Option<MietteSpanContents<'a>> {
    let (start, end) = (span.offset(), span.offset() + span.len());
    let (ls, le) = src.line_bounds(start);
    if le - ls <= LONG_LINE || end > le || end - start > LONG_LINE {
        return None;
    }
    let text = src.text.as_str();
    let mut cs = start.saturating_sub(EXCERPT).max(ls);
    while !text.is_char_boundary(cs) {
        cs -= 1;
    }
    let mut ce = (end + EXCERPT).min(le);
    while !text.is_char_boundary(ce) {
        ce += 1;
    }
    let line = src.line_of(start) - 1;
    Some(
        MietteSpanContents::new_named(
            src.name.clone(),
            &text.as_bytes()[cs..ce],
            SourceSpan::new(cs.into(), ce - cs),
            line,
            start - ls,
            1,
        )
        .with_language("yaml"),
    )
}

/// On a very long line only labels near the primary span can be drawn (the excerpt
/// around it); others stay in the message's chain, JSON and SARIF.
fn near_enough(src: &SourceFile, primary: crate::source::Span, r: crate::source::Span) -> bool {
    let (ls, le) = src.line_bounds(r.start);
    le - ls <= LONG_LINE || (r.start + EXCERPT >= primary.start && r.end <= primary.end + EXCERPT)
}

struct Report<'a> {
    d: &'a Diagnostic,
    src: &'a Windowed<'a>,
    code: String,
    url: String,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}
impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}
impl std::error::Error for Report<'_> {}

fn span(s: crate::source::Span) -> SourceSpan {
    SourceSpan::new(s.start.into(), s.len())
}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.d.is_input_error()).then(|| Box::new(&self.url) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(
            (!self.d.label.is_empty()).then(|| self.d.label.clone()),
            span(narrowed_primary(self.src.0, self.d)),
        );
        let related = self
            .d
            .related
            .iter()
            .filter(|r| r.span != self.d.span && near_enough(self.src.0, self.d.span, r.span))
            .map(|r| LabeledSpan::new_with_span(Some(r.message.clone()), span(r.span)));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// The primary span as drawn. miette cannot draw a label nested inside another on
/// the same line (it moves the inner one to the outer one's end), which happens when
/// a flow mapping such as `{to: c, timeout: 1s, retry: {...}}` is at fault and a
/// secondary label points at one of its entries. The underline then shrinks to the
/// entry's key (`access_patterns`) or the mapping's first entry (`{to: c`), which
/// ends before the first nested label; JSON and SARIF keep the whole node.
fn narrowed_primary(src: &SourceFile, d: &Diagnostic) -> crate::source::Span {
    let p = d.span;
    let nested = d
        .related
        .iter()
        .filter(|r| r.span != p && r.span.start > p.start && r.span.end <= p.end)
        .map(|r| r.span.start)
        .min();
    match nested {
        Some(cut) if src.same_line(p.start, p.end) => {
            let head = src.text[p.start..cut].trim_end_matches([' ', '\t', ',']);
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
                crate::source::Span {
                    start: p.start,
                    end: p.start + head.len(),
                }
            }
        }
        _ => p,
    }
}

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

pub fn render_one(src: &SourceFile, d: &Diagnostic, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(style.width)
        .with_context_lines(1);
    let windowed = Windowed(src);
    let report = Report {
        d,
        src: &windowed,
        code: format!("{}[{}]", d.severity.as_str(), d.rule),
        url: super::rule_url(&d.rule),
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        let at = src.line_col(d.span.start);
        out = format!(
            "{}:{}:{}: {}[{}]: {}\n",
            src.name,
            at.line,
            at.column,
            d.severity.as_str(),
            d.rule,
            d.message
        );
    }
    out
}

/// All diagnostics of all files, then a summary line.
pub fn render(results: &[FileResult], style: Style, quiet: bool) -> String {
    let mut out = String::new();
    for r in results {
        for d in &r.diagnostics {
            out.push_str(&render_one(&r.source, d, style));
            out.push('\n');
        }
    }
    if !quiet {
        out.push_str(&summary(results));
        out.push('\n');
    }
    out
}

pub fn summary(results: &[FileResult]) -> String {
    let count = |s: Severity| {
        results
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.severity == s)
            .count()
    };
    let (e, w, i) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let files = results.len();
    if e + w + i == 0 {
        format!("{}: no findings", super::plural(files, "file"))
    } else {
        format!(
            "{} checked: {}, {}, {}",
            super::plural(files, "file"),
            super::plural(e, "error"),
            super::plural(w, "warning"),
            super::plural(i, "info")
        )
    }
}
