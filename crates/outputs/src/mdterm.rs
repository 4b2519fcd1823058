//! Markdown rendered for a terminal: `explain`'s rule pages and `report` when it is
//! printed to a terminal. Headings underlined, emphasis and code in colour when
//! colour is on, paragraphs and list items wrapped to the width between words (never
//! inside a word or a `code span`), code blocks kept exactly as written (YAML must
//! stay copyable), tables as aligned columns when they fit, else one record per row.
//!
//! Parsing is pulldown-cmark's (already used for the HTML review); this module only
//! lays the events out.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::text::{MIN_WIDTH, wrap};

const BOLD: &str = "\x1b[1m";
const ITALIC: &str = "\x1b[3m";
const CODE: &str = "\x1b[36m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Markers placed in the inline text while it is wrapped (one column each at most,
/// so a line is never wider than counted) and turned into colour, or dropped, after.
const STRONG_ON: char = '\u{E000}';
const STRONG_OFF: char = '\u{E001}';
const EM_ON: char = '\u{E002}';
const EM_OFF: char = '\u{E003}';

/// `md` laid out for a terminal `width` columns wide, in colour when `color`.
pub fn render(md: &str, width: usize, color: bool) -> String {
    let width = width.max(MIN_WIDTH);
    let mut r = Renderer {
        out: String::new(),
        width,
        color,
        inline: String::new(),
        lists: Vec::new(),
        prefix: Vec::new(),
        pending_bullet: None,
        code: None,
        table: None,
        link: Vec::new(),
        link_start: Vec::new(),
        heading: None,
    };
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for ev in Parser::new_ext(md, opts) {
        r.event(ev);
    }
    r.flush_inline();
    let mut out = r.out.trim_end().to_string();
    out.push('\n');
    out
}

struct Table {
    rows: Vec<Vec<String>>,
    cell: String,
    head_rows: usize,
}

struct Renderer {
    out: String,
    width: usize,
    color: bool,
    /// The inline text of the block being read.
    inline: String,
    /// Open lists: the next number of an ordered one, `None` for bullets.
    lists: Vec<Option<u64>>,
    /// What each line of the current block starts with (quotes, list indents).
    prefix: Vec<String>,
    /// The bullet of an item whose first line is not written yet.
    pending_bullet: Option<String>,
    /// The text of the code block being read.
    code: Option<String>,
    table: Option<Table>,
    /// Open links' destinations, and where their text starts in `inline`.
    link: Vec<String>,
    link_start: Vec<usize>,
    heading: Option<HeadingLevel>,
}

impl Renderer {
    fn indent(&self) -> String {
        self.prefix.concat()
    }

    /// The first line's lead and the other lines' lead of the block being written:
    /// an item's first line has its bullet where its indent is.
    fn leads(&mut self) -> (String, String) {
        let rest = self.indent();
        match self.pending_bullet.take() {
            Some(b) => {
                let n = self.prefix.len().saturating_sub(1);
                (format!("{}{b}", self.prefix[..n].concat()), rest)
            }
            None => (rest.clone(), rest),
        }
    }

    /// A blank line between blocks (none at the top, none twice).
    fn gap(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn paint(&self, s: &str, code: &str) -> String {
        if self.color {
            format!("{code}{s}{RESET}")
        } else {
            s.to_string()
        }
    }

    /// Turn markers into colour (or drop them) and code spans into colour when on.
    fn finish_line(&self, line: &str) -> String {
        let mut s = String::with_capacity(line.len());
        let mut in_code = false;
        for ch in line.chars() {
            match ch {
                STRONG_ON | EM_ON if self.color => {
                    s.push_str(if ch == STRONG_ON { BOLD } else { ITALIC })
                }
                STRONG_OFF | EM_OFF if self.color => s.push_str(RESET),
                STRONG_ON | STRONG_OFF | EM_ON | EM_OFF => {}
                '`' if self.color => {
                    in_code = !in_code;
                    s.push_str(if in_code { CODE } else { RESET });
                }
                c => s.push(c),
            }
        }
        if in_code {
            s.push_str(RESET);
        }
        s
    }

    /// Write the inline text read so far as a wrapped paragraph (or heading).
    fn flush_inline(&mut self) {
        let text = std::mem::take(&mut self.inline);
        let text = text.trim();
        if text.is_empty() {
            if self.pending_bullet.is_some() {
                let (first, _) = self.leads();
                self.out.push_str(first.trim_end());
                self.out.push('\n');
            }
            return;
        }
        let (first, rest) = self.leads();
        let base = rest.clone();
        let lines = wrap(
            text,
            self.width,
            first.chars().count(),
            rest.chars().count(),
        );
        for (i, l) in lines.iter().enumerate() {
            let lead = if i == 0 { &first } else { &rest };
            let body = self.finish_line(l);
            let body = match self.heading {
                Some(_) => self.paint(&body, BOLD),
                None => body,
            };
            self.out.push_str(lead);
            self.out.push_str(&body);
            self.out.push('\n');
        }
        if let Some(level) = self.heading {
            let w = lines
                .iter()
                .map(|l| {
                    l.chars()
                        .filter(|c| !('\u{E000}'..='\u{E003}').contains(c))
                        .count()
                })
                .max()
                .unwrap_or(0);
            let under = match level {
                HeadingLevel::H1 => Some('='),
                HeadingLevel::H2 => Some('-'),
                _ => None,
            };
            if let Some(c) = under {
                self.out.push_str(&base);
                self.out.push_str(&c.to_string().repeat(w));
                self.out.push('\n');
            }
        }
    }

    fn event(&mut self, ev: Event) {
        if let Some(t) = &mut self.table {
            match &ev {
                Event::Text(s) | Event::Code(s) => {
                    if matches!(ev, Event::Code(_)) {
                        t.cell.push('`');
                        t.cell.push_str(s);
                        t.cell.push('`');
                    } else {
                        t.cell.push_str(s);
                    }
                    return;
                }
                Event::Start(Tag::TableRow) | Event::Start(Tag::TableHead) => {
                    t.rows.push(Vec::new());
                    return;
                }
                Event::End(TagEnd::TableHead) => {
                    t.head_rows = t.rows.len();
                    return;
                }
                Event::End(TagEnd::TableCell) => {
                    let cell = std::mem::take(&mut t.cell);
                    if let Some(row) = t.rows.last_mut() {
                        row.push(cell.trim().to_string());
                    }
                    return;
                }
                Event::End(TagEnd::Table) => {
                    let t = self.table.take().expect("open table");
                    self.table_out(&t);
                    return;
                }
                Event::SoftBreak | Event::HardBreak => {
                    t.cell.push(' ');
                    return;
                }
                _ => return,
            }
        }
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(s) => match &mut self.code {
                Some(c) => c.push_str(&s),
                None => self.inline.push_str(&s),
            },
            Event::Code(s) => {
                // a span holding a backtick is shown as written, with double backticks
                if s.contains('`') {
                    self.inline.push_str("`` ");
                    self.inline.push_str(&s);
                    self.inline.push_str(" ``");
                } else {
                    self.inline.push('`');
                    self.inline.push_str(&s);
                    self.inline.push('`');
                }
            }
            Event::SoftBreak => self.inline.push(' '),
            Event::HardBreak => self.inline.push('\n'),
            Event::Rule => {
                self.flush_inline();
                self.gap();
                let w = self.width.min(60);
                let line = self.paint(&"─".repeat(w), DIM);
                self.out.push_str(&format!("{}{line}\n", self.indent()));
            }
            Event::Html(_) | Event::InlineHtml(_) => {}
            Event::FootnoteReference(s) => self.inline.push_str(&format!("[{s}]")),
            Event::TaskListMarker(done) => self.inline.push_str(if done { "[x] " } else { "[ ] " }),
            Event::InlineMath(s) | Event::DisplayMath(s) => self.inline.push_str(&s),
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph if self.pending_bullet.is_none() => self.gap(),
            Tag::Heading { level, .. } => {
                self.flush_inline();
                self.gap();
                self.heading = Some(level);
            }
            Tag::BlockQuote(_) => {
                self.flush_inline();
                self.prefix.push("│ ".to_string());
            }
            Tag::CodeBlock(_) => {
                self.flush_inline();
                if self.pending_bullet.is_none() {
                    self.gap();
                }
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                self.flush_inline();
                if self.lists.is_empty() {
                    self.gap();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush_inline();
                let bullet = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let b = format!("{n}. ");
                        *n += 1;
                        b
                    }
                    _ => "- ".to_string(),
                };
                self.prefix.push(" ".repeat(bullet.chars().count()));
                self.pending_bullet = Some(bullet);
            }
            Tag::Table(_) => {
                self.flush_inline();
                self.gap();
                self.table = Some(Table {
                    rows: Vec::new(),
                    cell: String::new(),
                    head_rows: 0,
                });
            }
            Tag::Emphasis => self.inline.push(EM_ON),
            Tag::Strong => self.inline.push(STRONG_ON),
            Tag::Strikethrough => self.inline.push('~'),
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.link.push(dest_url.to_string());
                self.link_start.push(self.inline.len());
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush_inline(),
            TagEnd::Heading(_) => {
                self.flush_inline();
                self.heading = None;
            }
            TagEnd::BlockQuote(_) => {
                self.flush_inline();
                self.prefix.pop();
            }
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                let (first, rest) = self.leads();
                for (i, line) in code.trim_end_matches('\n').split('\n').enumerate() {
                    let lead = format!("{}    ", if i == 0 { &first } else { &rest });
                    let body = if line.is_empty() {
                        String::new()
                    } else {
                        self.paint(line, CODE)
                    };
                    let full = format!("{lead}{body}");
                    self.out.push_str(full.trim_end());
                    self.out.push('\n');
                }
            }
            TagEnd::List(_) => {
                self.flush_inline();
                self.lists.pop();
                self.gap();
            }
            TagEnd::Item => {
                self.flush_inline();
                self.prefix.pop();
            }
            TagEnd::Emphasis => self.inline.push(EM_OFF),
            TagEnd::Strong => self.inline.push(STRONG_OFF),
            TagEnd::Strikethrough => self.inline.push('~'),
            TagEnd::Link | TagEnd::Image => {
                let url = self.link.pop().unwrap_or_default();
                let start = self.link_start.pop().unwrap_or(0);
                let text: String = self.inline[start..]
                    .chars()
                    .filter(|c| !('\u{E000}'..='\u{E003}').contains(c))
                    .collect();
                // an autolink shows its address; a named link shows its text only
                // (in the review, a rule's name: `archlint explain` prints its page)
                if text == url {
                    self.inline.truncate(start);
                    self.inline.push('<');
                    self.inline.push_str(&url);
                    self.inline.push('>');
                }
            }
            _ => {}
        }
    }

    /// A table as aligned columns when they fit the width, else each row as a
    /// record: `header: value` lines, wrapped.
    fn table_out(&mut self, t: &Table) {
        let base = self.indent();
        let cols = t.rows.iter().map(Vec::len).max().unwrap_or(0);
        let plain = |s: &str| s.chars().count();
        let widths: Vec<usize> = (0..cols)
            .map(|c| {
                t.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| plain(s))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let total =
            base.chars().count() + widths.iter().sum::<usize>() + 2 * cols.saturating_sub(1);
        if total <= self.width {
            for (i, row) in t.rows.iter().enumerate() {
                let mut line = base.clone();
                for (c, w) in widths.iter().enumerate() {
                    let cell = row.get(c).map_or("", String::as_str);
                    let shown = self.finish_line(cell);
                    let shown = if i < t.head_rows {
                        self.paint(&shown, BOLD)
                    } else {
                        shown
                    };
                    line.push_str(&shown);
                    if c + 1 < cols {
                        line.push_str(&" ".repeat(w - plain(cell) + 2));
                    }
                }
                self.out.push_str(line.trim_end());
                self.out.push('\n');
                if i + 1 == t.head_rows {
                    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                    self.out.push_str(&format!("{base}{}\n", rule.join("  ")));
                }
            }
            return;
        }
        let head: Vec<String> = if t.head_rows > 0 {
            t.rows[0].clone()
        } else {
            vec![String::new(); cols]
        };
        for row in &t.rows[t.head_rows..] {
            for (c, cell) in row.iter().enumerate() {
                let name = head.get(c).map_or("", String::as_str);
                let first = if name.is_empty() {
                    String::new()
                } else {
                    format!("{name}: ")
                };
                let lead = format!("{base}{first}");
                let indent = base.chars().count() + 2;
                let lines = wrap(cell, self.width, lead.chars().count(), indent);
                for (i, l) in lines.iter().enumerate() {
                    if i == 0 {
                        let name = self.paint(&first, BOLD);
                        self.out
                            .push_str(&format!("{base}{name}{}\n", self.finish_line(l)));
                    } else {
                        self.out.push_str(&format!(
                            "{}{}\n",
                            " ".repeat(indent),
                            self.finish_line(l)
                        ));
                    }
                }
            }
            self.out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widest(s: &str) -> usize {
        s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
    }

    #[test]
    fn headings_paragraphs_and_emphasis() {
        let md = "# Title\n\nSome *emphasis* and **strong** text with `a code span` in it, long enough to wrap at forty columns.\n\n## Section\n\nMore.\n";
        let out = render(md, 40, false);
        assert!(
            out.starts_with("Title\n=====\n\nSome emphasis and strong text"),
            "{out}"
        );
        assert!(out.contains("\nSection\n-------\n\nMore.\n"), "{out}");
        assert!(widest(&out) <= 40, "{out}");
        assert!(!out.contains('*'), "{out}");
        for l in out.lines() {
            assert_eq!(l.matches('`').count() % 2, 0, "a code span split: {out}");
        }
        let colored = render(md, 40, true);
        assert!(colored.contains("\x1b[1mTitle"), "{colored}");
        assert!(colored.contains("\x1b[3memphasis\x1b[0m"), "{colored}");
        assert!(colored.contains("\x1b[36ma code span\x1b[0m"), "{colored}");
    }

    #[test]
    fn lists_hang_and_nest() {
        let md = "- first item, which is long enough that it has to wrap onto a second line\n- second\n  - nested item that also needs to wrap because it is long\n\n1. one\n2. two\n";
        let out = render(md, 40, false);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("- first item"), "{out}");
        assert!(
            lines[1].starts_with("  ") && !lines[1].starts_with("   "),
            "{out}"
        );
        assert!(out.contains("\n  - nested item"), "{out}");
        assert!(
            out.contains("\n    "),
            "the nested item hangs under its text: {out}"
        );
        assert!(out.contains("1. one\n2. two"), "{out}");
        assert!(widest(&out) <= 40, "{out}");
    }

    #[test]
    fn code_blocks_are_kept_as_written() {
        let long = format!("key: {}", "x".repeat(80));
        let md = format!(
            "Text.\n\n```yaml\nname: shop\ncomponents:\n  api: {{ kind: service }}\n{long}\n```\n"
        );
        let out = render(&md, 40, false);
        assert!(
            out.contains("\n    name: shop\n    components:\n      api: { kind: service }\n"),
            "{out}"
        );
        assert!(
            out.contains(&format!("    {long}")),
            "a code line is never wrapped: {out}"
        );
    }

    #[test]
    fn tables_as_columns_when_they_fit_else_records() {
        let md = "| a | b |\n|---|---|\n| one | `two` |\n| three | four |\n";
        let out = render(md, 40, false);
        assert!(
            out.contains("a      b\n─────  ─────\none    `two`\nthree  four"),
            "{out}"
        );
        let wide = format!(
            "| name | text |\n|---|---|\n| x | {} |\n",
            "word ".repeat(20)
        );
        let out = render(&wide, 40, false);
        assert!(out.starts_with("name: x\ntext: word word"), "{out}");
        assert!(widest(&out) <= 40, "{out}");
    }

    #[test]
    fn links_show_an_address_once_and_names_alone() {
        let md = "See <https://example.com/a> and [the rule](https://example.com/b).\n";
        let out = render(md, 80, false);
        assert_eq!(out, "See <https://example.com/a> and the rule.\n");
    }
}
