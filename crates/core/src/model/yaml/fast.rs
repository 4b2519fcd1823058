//! A fast path for the YAML that architecture files are written in: block mappings and
//! lists indented with spaces, plain and simply quoted scalars, one-line flow
//! collections and comments. It builds the same tree, spans included, that
//! [`super::parse_stream`] builds from `saphyr-parser` events, in one pass over the
//! bytes with no token queue.
//!
//! Anything outside that subset (anchors, aliases, tags, block scalars, multi-line
//! plain scalars, escapes, tabs, CR line ends, documents markers, odd indentation, any
//! syntax error, any limit reached) makes it give up with `None`, and the caller parses
//! the file again with `saphyr-parser`: every error message, limit and edge case stays
//! the full parser's. The tests in `super::tests` hold the two trees (spans, text,
//! style, duplicate-key problems) equal on every file in the repository and on random
//! documents, and check that the examples take this path.

use super::{Arena, Limits, Node, Value, YamlError, check_duplicates, merge_keys};
use crate::source::Span;

/// Give up: the file needs the full parser.
struct Bail;

type R<T> = Result<T, Bail>;

struct Fast<'a> {
    text: &'a str,
    b: &'a [u8],
    arena: &'a Arena,
    limits: Limits,
    nodes: usize,
    problems: Vec<YamlError>,
    /// The items and entries of the lists and mappings being read, innermost last: a
    /// nested container is finished (copied to the arena, its part truncated) before
    /// its parent's next item, so a container's own items are the top of the stack.
    items: Vec<Node<'a>>,
    entries: Vec<(Node<'a>, Node<'a>)>,
    /// The last line end found, and from where it was searched: a line's key, value
    /// and next-line lookups all ask for the same `\n`.
    eol: std::cell::Cell<(usize, usize)>,
}

/// A significant line: where it starts, its indentation and where its content starts.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    indent: usize,
    content: usize,
}

/// The tree of a one-document file in the subset, and the duplicate-key problems found
/// on the way; `None` when the file needs the full parser.
pub(super) fn parse<'a>(
    text: &'a str,
    arena: &'a Arena,
    limits: Limits,
) -> Option<(Node<'a>, Vec<YamlError>)> {
    parse_with(text, arena, limits)
}

fn parse_with<'a>(
    text: &'a str,
    arena: &'a Arena,
    limits: Limits,
) -> Option<(Node<'a>, Vec<YamlError>)> {
    let b = text.as_bytes();
    // tabs, CR, control characters (which YAML rejects) and, outside ASCII, the
    // characters YAML treats specially or rejects: the full parser's business
    if has_control(b) {
        return None;
    }
    if !text.is_ascii()
        && text.chars().any(|c| {
            matches!(
                c,
                '\u{80}'
                    ..='\u{a0}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
        })
    {
        return None;
    }
    let mut f = Fast {
        text,
        b,
        arena,
        limits,
        nodes: 0,
        problems: Vec::new(),
        items: Vec::new(),
        entries: Vec::new(),
        eol: std::cell::Cell::new((usize::MAX, 0)),
    };
    let first = f.significant(0)?;
    if first.indent != 0 {
        return None;
    }
    let (root, next) = f.block_node(first, 0).ok()?;
    if next.is_some() || !matches!(root.value, Value::Map(_) | Value::Seq(_)) {
        return None;
    }
    Some((root, f.problems))
}

fn is_space(c: u8) -> bool {
    c == b' '
}

impl<'a> Fast<'a> {
    /// The first line at or after `from` with content other than a comment. A line
    /// that starts a document marker or a directive is not in the subset.
    fn significant(&self, mut from: usize) -> Option<Line> {
        let b = self.b;
        while from < b.len() {
            let mut i = from;
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            let end = self.line_end(i);
            if i < end && b[i] != b'#' {
                if i == from
                    && (b[i..].starts_with(b"---") || b[i..].starts_with(b"...") || b[i] == b'%')
                {
                    return Some(Line {
                        start: from,
                        indent: 0,
                        content: usize::MAX,
                    });
                }
                return Some(Line {
                    start: from,
                    indent: i - from,
                    content: i,
                });
            }
            from = end + 1;
        }
        None
    }

    /// The position of the next `\n` at or after `pos`, or the end of the text.
    fn line_end(&self, pos: usize) -> usize {
        let (from, end) = self.eol.get();
        if from <= pos && pos <= end {
            return end;
        }
        let end = memchr_nl(self.b, pos);
        self.eol.set((pos, end));
        end
    }

    /// The next significant line after the line holding `pos`.
    fn after_line(&self, pos: usize) -> R<Option<Line>> {
        let next = self.significant(self.line_end(pos) + 1);
        match next {
            Some(l) if l.content == usize::MAX => Err(Bail),
            x => Ok(x),
        }
    }

    fn count(&mut self, depth: usize) -> R<()> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes || depth >= self.limits.max_depth {
            return Err(Bail);
        }
        Ok(())
    }

    fn scalar(&mut self, start: usize, end: usize, text: &'a str, plain: bool) -> Node<'a> {
        Node {
            value: Value::Scalar { text, plain },
            span: Span::new(start, end),
        }
    }

    fn is_item(&self, l: Line) -> bool {
        let c = l.content;
        self.b[c] == b'-' && (c + 1 == self.b.len() || matches!(self.b[c + 1], b' ' | b'\n'))
    }

    /// A block node starting on line `l`: a list when it starts with `- `, else a mapping.
    fn block_node(&mut self, l: Line, depth: usize) -> R<(Node<'a>, Option<Line>)> {
        if l.content == usize::MAX {
            return Err(Bail);
        }
        if self.is_item(l) {
            self.block_seq(l, l.indent, depth, false)
        } else {
            self.block_map(l.content, l.indent, depth)
        }
    }

    /// A plain `key:` at `pos`: the colon's position and where the value starts (after
    /// the colon and any spaces).
    fn key_at(&self, pos: usize) -> R<(usize, usize)> {
        let b = self.b;
        if matches!(
            b[pos],
            b'-' | b'?'
                | b':'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'#'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
        ) {
            return Err(Bail);
        }
        let end = self.line_end(pos);
        let mut i = pos;
        while i < end {
            // the bytes of a plain key, skipped a table lookup each
            while i < end && !KEY_STOP[b[i] as usize] {
                i += 1;
            }
            if i == end {
                break;
            }
            match b[i] {
                b':' if i + 1 == end || b[i + 1] == b' ' => {
                    if b[i - 1] == b' ' {
                        return Err(Bail);
                    }
                    let mut v = i + 1;
                    while v < end && b[v] == b' ' {
                        v += 1;
                    }
                    return Ok((i, v));
                }
                b'#' if b[i - 1] == b' ' => return Err(Bail),
                b'{' | b'}' | b'[' | b']' | b',' | b'"' | b'\'' => return Err(Bail),
                _ => i += 1,
            }
        }
        Err(Bail)
    }

    /// A block mapping whose first key is at `first` and whose keys are in column `col`.
    fn block_map(&mut self, first: usize, col: usize, depth: usize) -> R<(Node<'a>, Option<Line>)> {
        self.count(depth)?;
        let base = self.entries.len();
        let mut pos = first;
        let next = loop {
            let (kend, vstart) = self.key_at(pos)?;
            self.count(depth + 1)?;
            let key = self.scalar(pos, kend, &self.text[pos..kend], true);
            let (value, next) = self.value(kend, vstart, col, depth + 1)?;
            self.entries.push((key, value));
            match next {
                Some(l) if l.indent == col && !self.is_item(l) => pos = l.content,
                Some(l) if l.indent >= col => return Err(Bail),
                n => break n,
            }
        };
        let entries = self.arena.slice(&self.entries[base..]);
        self.entries.truncate(base);
        check_duplicates(entries, &mut self.problems);
        let end = entries.last().map_or(first, |(_, v)| v.span.end());
        let entries = merge_keys(self.arena, entries, &mut self.problems);
        Ok((
            Node {
                value: Value::Map(entries),
                span: Span::new(first, end),
            },
            next,
        ))
    }

    /// The value of a key (or list item) in column `col`: `empty_at` is where an empty
    /// value is placed (on the key's `:`, or at the end of a `-`'s line), `v` where the
    /// text after it starts.
    fn value(
        &mut self,
        empty_at: usize,
        v: usize,
        col: usize,
        depth: usize,
    ) -> R<(Node<'a>, Option<Line>)> {
        let b = self.b;
        let end = self.line_end(v);
        if v == end || b[v] == b'#' {
            let next = self.after_line(v)?;
            return match next {
                Some(l) if l.indent > col => self.block_node(l, depth),
                Some(l) if l.indent == col && self.is_item(l) && self.in_map(empty_at) => {
                    self.block_seq(l, col, depth, true)
                }
                _ => {
                    self.count(depth)?;
                    Ok((self.scalar(empty_at, empty_at, "", true), next))
                }
            };
        }
        let mut last = v;
        let node = match b[v] {
            b'"' | b'\'' => {
                self.count(depth)?;
                let (node, after) = self.quoted(v)?;
                self.to_line_end(node, after, end)?
            }
            b'[' | b'{' => {
                let (node, after) = self.flow(v, depth)?;
                // a flow collection may end on a later line: go on from there
                last = after;
                self.to_line_end(node, after, self.line_end(after))?
            }
            b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b'?' | b',' | b']' | b'}' => {
                return Err(Bail);
            }
            b'-' | b':' if v + 1 == end || b[v + 1] == b' ' => return Err(Bail),
            _ => {
                // a plain scalar to the end of the line or a ` #` comment
                let mut i = v;
                let mut stop = end;
                while i < end {
                    match b[i] {
                        b'#' if b[i - 1] == b' ' => {
                            stop = i;
                            break;
                        }
                        b':' if i + 1 == end || b[i + 1] == b' ' => return Err(Bail),
                        _ => i += 1,
                    }
                }
                while stop > v && b[stop - 1] == b' ' {
                    stop -= 1;
                }
                self.count(depth)?;
                self.scalar(v, stop, &self.text[v..stop], true)
            }
        };
        let next = self.after_line(last)?;
        if let Some(l) = next
            && l.indent > col
        {
            // a continuation line of a multi-line scalar, or bad indentation
            return Err(Bail);
        }
        Ok((node, next))
    }

    /// A quoted or flow value that ends its line: after it (and its spaces) only a
    /// comment may follow, and the full parser spans it to the end of the line.
    fn to_line_end(&self, node: Node<'a>, after: usize, end: usize) -> R<Node<'a>> {
        let b = self.b;
        let comment = after < end && b[after] == b'#' && b[after - 1] == b' ';
        if after != end && !comment {
            return Err(Bail);
        }
        Ok(Node {
            span: Span::new(node.span.start(), end),
            ..node
        })
    }

    /// Whether the value starting after `at` belongs to a mapping key (a list in the
    /// key's own column is the mapping's value) rather than to a list item.
    fn in_map(&self, at: usize) -> bool {
        self.b.get(at) == Some(&b':')
    }

    /// A block list whose first `-` is on line `l`, its items in column `col`. A
    /// `compact` list sits in its parent key's column and starts at its first item.
    fn block_seq(
        &mut self,
        l: Line,
        col: usize,
        depth: usize,
        compact: bool,
    ) -> R<(Node<'a>, Option<Line>)> {
        self.count(depth)?;
        let b = self.b;
        let base = self.items.len();
        let mut line = l;
        let next = loop {
            let dash = line.content;
            let end = self.line_end(dash);
            let mut v = dash + 1;
            while v < end && b[v] == b' ' {
                v += 1;
            }
            let (item, next) = if v < end && b[v] != b'#' && self.key_at(v).is_ok() {
                if b[v] == b'-' {
                    return Err(Bail);
                }
                // `- key: value`: a mapping whose keys are in the column of this key
                self.block_map(v, v - line.start, depth + 1)?
            } else {
                if v < end && b[v] == b'-' && (v + 1 == end || b[v + 1] == b' ') {
                    return Err(Bail);
                }
                if compact && self.items.len() == base && (v == end || b[v] == b'#') {
                    return Err(Bail);
                }
                // an empty item is placed at the end of its line (after any comment)
                self.value(end, v, col, depth + 1)?
            };
            self.items.push(item);
            match next {
                Some(n) if n.indent == col && self.is_item(n) => line = n,
                Some(n) if n.indent > col => return Err(Bail),
                Some(n) if n.indent == col && !compact => return Err(Bail),
                n => break n,
            }
        };
        let items = self.arena.slice(&self.items[base..]);
        self.items.truncate(base);
        // a compact list starts at its first item; the full parser takes one that
        // starts with `[` or `{` for a flow collection and ends it elsewhere
        if compact && matches!(b[items[0].span.start()], b'[' | b'{') {
            return Err(Bail);
        }
        let start = if compact {
            items[0].span.start()
        } else {
            l.content
        };
        let end = items.last().map_or(start, |n| n.span.end());
        Ok((
            Node {
                value: Value::Seq(items),
                span: Span::new(start, end),
            },
            next,
        ))
    }

    /// A quoted scalar at `q` with no escapes (`\` in double quotes, `''` in single)
    /// and on one line; returns the node, its span the quotes and the spaces after
    /// them (as the full parser spans it), and where the text after those starts.
    fn quoted(&mut self, q: usize) -> R<(Node<'a>, usize)> {
        let b = self.b;
        let quote = b[q];
        let mut i = q + 1;
        loop {
            match b.get(i) {
                None | Some(b'\n') => return Err(Bail),
                Some(b'\\') if quote == b'"' => return Err(Bail),
                Some(&c) if c == quote => {
                    if quote == b'\'' && b.get(i + 1) == Some(&b'\'') {
                        return Err(Bail);
                    }
                    break;
                }
                _ => i += 1,
            }
        }
        let inner = &self.text[q + 1..i];
        let mut after = i + 1;
        while after < b.len() && b[after] == b' ' {
            after += 1;
        }
        Ok((
            Node {
                value: Value::Scalar {
                    text: inner,
                    plain: false,
                },
                span: Span::new(q, after),
            },
            after,
        ))
    }

    /// A flow collection `[...]` or `{...}` at `at`; returns the node and the position
    /// after the closing bracket. It may span lines, and its lines may be indented
    /// anyhow (the closing bracket in its key's column, as libyaml, Go's yaml.v3 and
    /// docker compose accept): inside brackets, line breaks and comments are spaces.
    fn flow(&mut self, at: usize, depth: usize) -> R<(Node<'a>, usize)> {
        self.count(depth)?;
        let b = self.b;
        let close = if b[at] == b'[' { b']' } else { b'}' };
        let is_map = close == b'}';
        let mut i = at + 1;
        let (items_base, entries_base) = (self.items.len(), self.entries.len());
        let after_close = |mut i: usize| {
            while i < b.len() && b[i] == b' ' {
                i += 1;
            }
            i
        };
        // spaces, line breaks and comments between the items
        let skip = |mut i: usize| -> R<usize> {
            loop {
                match b.get(i) {
                    Some(b' ') => i += 1,
                    Some(b'\n') => {
                        i += 1;
                        // a document marker ends the document, brackets or not
                        if b[i..].starts_with(b"---") || b[i..].starts_with(b"...") {
                            return Err(Bail);
                        }
                    }
                    Some(b'#') if matches!(b[i - 1], b' ' | b'\n') => i = memchr_nl(b, i),
                    _ => return Ok(i),
                }
            }
        };
        i = skip(i)?;
        if b.get(i) == Some(&close) {
            i = after_close(i + 1);
        } else {
            loop {
                if is_map {
                    let (key, after) = self.flow_scalar(i, depth + 1, true)?;
                    // `key:` then the value (empty when `,` or `}` follows)
                    if b.get(after) != Some(&b':') {
                        return Err(Bail);
                    }
                    let colon = after;
                    let v = skip(colon + 1)?;
                    let (value, after) = match b.get(v) {
                        Some(b',' | b'}') => {
                            self.count(depth + 1)?;
                            (self.scalar(colon, colon, "", true), v)
                        }
                        _ => self.flow_item(v, depth + 1)?,
                    };
                    self.entries.push((key, value));
                    i = after;
                } else {
                    let (item, after) = self.flow_item(i, depth + 1)?;
                    self.items.push(item);
                    i = after;
                }
                i = skip(i)?;
                match b.get(i) {
                    Some(b',') => {
                        i = skip(i + 1)?;
                        if matches!(b.get(i), Some(b']' | b'}')) {
                            return Err(Bail);
                        }
                    }
                    Some(&c) if c == close => {
                        // like a quoted scalar, the collection's span takes the spaces after it
                        i = after_close(i + 1);
                        break;
                    }
                    _ => return Err(Bail),
                }
            }
        }
        let span = Span::new(at, i);
        let node = if is_map {
            let entries = self.arena.slice(&self.entries[entries_base..]);
            self.entries.truncate(entries_base);
            check_duplicates(entries, &mut self.problems);
            let entries = merge_keys(self.arena, entries, &mut self.problems);
            Node {
                value: Value::Map(entries),
                span,
            }
        } else {
            let items = self.arena.slice(&self.items[items_base..]);
            self.items.truncate(items_base);
            Node {
                value: Value::Seq(items),
                span,
            }
        };
        Ok((node, i))
    }

    /// A value inside a flow collection: a nested collection, a quoted or a plain scalar.
    fn flow_item(&mut self, at: usize, depth: usize) -> R<(Node<'a>, usize)> {
        match self.b.get(at) {
            Some(b'[' | b'{') => self.flow(at, depth),
            _ => self.flow_scalar(at, depth, false),
        }
    }

    /// A scalar in a flow collection; a `key` stops at its `:`.
    fn flow_scalar(&mut self, at: usize, depth: usize, key: bool) -> R<(Node<'a>, usize)> {
        let b = self.b;
        self.count(depth)?;
        match b.get(at) {
            Some(b'"' | b'\'') => {
                let (node, after) = self.quoted(at)?;
                if key {
                    return Err(Bail);
                }
                return Ok((node, after));
            }
            None
            | Some(
                b'\n' | b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*'
                | b'!' | b'|' | b'>' | b'%' | b'@' | b'`',
            ) => return Err(Bail),
            _ => {}
        }
        let mut i = at;
        loop {
            match b.get(i) {
                None => return Err(Bail),
                // the scalar ends with its line when a `,`, a bracket or (for a key) a
                // `:` comes next; otherwise it goes on, folded, on the next line
                Some(b'\n') => {
                    let mut j = i;
                    while matches!(b.get(j), Some(b' ' | b'\n')) {
                        j += 1;
                    }
                    match b.get(j) {
                        Some(b',' | b']' | b'}') if !key => break,
                        _ => return Err(Bail),
                    }
                }
                Some(b',' | b'[' | b']' | b'{' | b'}') => break,
                Some(b':')
                    if matches!(b.get(i + 1), Some(b' ' | b',' | b']' | b'}' | b'\n') | None) =>
                {
                    break;
                }
                Some(b'#') if b[i - 1] == b' ' => return Err(Bail),
                _ => i += 1,
            }
        }
        let mut stop = i;
        while stop > at && b[stop - 1] == b' ' {
            stop -= 1;
        }
        if key && b.get(i) != Some(&b':') {
            return Err(Bail);
        }
        if !key && b.get(i) == Some(&b':') {
            return Err(Bail);
        }
        Ok((
            self.scalar(at, stop, &self.text[at..stop], true),
            if key { i } else { stop },
        ))
    }
}

/// Whether the text holds a control character other than `\n` (tabs and CR included),
/// or DEL (it reads every byte of the file).
fn has_control(b: &[u8]) -> bool {
    crate::source::any_byte(b, |c| ((c < 0x20) & (c != b'\n')) | (c == 0x7f))
}

/// Whether a key node is the plain scalar `name`.
/// The bytes that end or rule out a plain key in [`Fast::key_at`]'s scan.
static KEY_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let stops = b":#{}[],\"'";
    let mut i = 0;
    while i < stops.len() {
        t[stops[i] as usize] = true;
        i += 1;
    }
    t
};

/// The position of the next `\n` at or after `from`, or the end of the text.
fn memchr_nl(b: &[u8], from: usize) -> usize {
    let from = from.min(b.len());
    memchr::memchr(b'\n', &b[from..]).map_or(b.len(), |p| from + p)
}
