//! Source text and the mapping between byte offsets and 1-based line/column.

/// A byte range `[start, end)` into a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
pub struct Span {
    lo: u32,
    hi: u32,
}

impl Span {
    /// Offsets past `u32::MAX` are clamped: inputs are limited to far less
    /// (`--max-file-size` is at most 4 GiB), and a span is half the size of two `usize`s,
    /// which matters in a model with one per field.
    pub fn new(start: usize, end: usize) -> Self {
        let lo = u32::try_from(start).unwrap_or(u32::MAX);
        let hi = u32::try_from(end).unwrap_or(u32::MAX);
        Span { lo, hi: hi.max(lo) }
    }
    pub fn start(&self) -> usize {
        self.lo as usize
    }
    pub fn end(&self) -> usize {
        self.hi as usize
    }
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }
    pub fn join(self, other: Span) -> Span {
        Span {
            lo: self.lo.min(other.lo),
            hi: self.hi.max(other.hi),
        }
    }
    pub fn len(&self) -> usize {
        (self.hi - self.lo) as usize
    }
    pub fn is_empty(&self) -> bool {
        self.hi == self.lo
    }
}

/// Whether any byte satisfies `hit`, tested a chunk at a time without a branch per
/// byte so that the compiler vectorises it: for scans over whole files and every
/// string of an output (control characters, bytes that need escaping).
pub(crate) fn any_byte(bytes: &[u8], hit: impl Fn(u8) -> bool) -> bool {
    bytes
        .chunks(32)
        .any(|chunk| chunk.iter().fold(false, |found, &c| found | hit(c)))
}

/// One architecture file as read: its display name and text (BOM removed).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    /// Where each line starts (the first `lines` entries), then per [`LINE_BLOCK`]
    /// bytes of text the line (0-based) its first byte is on: a lookup searches the
    /// few lines of one block, not the whole index, whose halving steps miss the cache
    /// on a large file (every finding's start and end and every related span are
    /// looked up). 32-bit, as spans are: inputs are limited to 4 GiB. One vector, so
    /// that a `SourceFile` stays small.
    index: Vec<u32>,
    lines: usize,
    /// All bytes are ASCII, so a character index is a byte offset.
    ascii: bool,
}

/// The bytes per entry of [`SourceFile::blocks`]: about 40 lines of a typical file.
const LINE_BLOCK: usize = 1024;

/// A resolved position: 1-based line and 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    fn line_starts(&self) -> &[u32] {
        &self.index[..self.lines]
    }

    fn blocks(&self) -> &[u32] {
        &self.index[self.lines..]
    }

    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let mut text: String = text.into();
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(bytes.len() / 16 + 1);
        line_starts.push(0);
        // \n, \r\n and a lone \r each end a line (memchr: this runs over every byte
        // of every file, and a vectorised search is several times faster)
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        let lines = line_starts.len();
        let mut index = line_starts;
        index.reserve_exact(bytes.len() / LINE_BLOCK + 1);
        let mut line = 0;
        for b in 0..=bytes.len() / LINE_BLOCK {
            let at = b * LINE_BLOCK;
            while line + 1 < lines && index[line + 1] as usize <= at {
                line += 1;
            }
            index.push(line as u32);
        }
        let ascii = text.is_ascii();
        SourceFile {
            name: name.into(),
            text,
            index,
            lines,
            ascii,
        }
    }

    /// Byte offset of a 1-based line and 0-based character column (as the YAML scanner reports).
    pub fn offset_of(&self, line: usize, col_chars: usize) -> usize {
        let line = line.max(1);
        let Some(&start) = self.line_starts().get(line - 1) else {
            return self.text.len();
        };
        let start = start as usize;
        let rest = &self.text[start..];
        match rest.char_indices().nth(col_chars) {
            Some((i, _)) => start + i,
            None => self.text.len(),
        }
    }

    /// Byte offset of a scanner position given as a character index and its
    /// 1-based line and 0-based character column (the index alone when the text is ASCII).
    pub fn offset_of_marker(&self, index: usize, line: usize, col_chars: usize) -> usize {
        if self.ascii {
            index.min(self.text.len())
        } else {
            self.offset_of(line, col_chars)
        }
    }

    /// True when no line break lies in `[start, end)`.
    pub fn same_line(&self, start: usize, end: usize) -> bool {
        let end = end.min(self.text.len());
        start >= end
            || !self.text.as_bytes()[start..end]
                .iter()
                .any(|&b| b == b'\n' || b == b'\r')
    }

    /// The byte range of whole lines around `[start, end)`: `before` lines before the
    /// first and `after` lines after the last (fewer at the ends of the file), and the
    /// 0-based index of the window's first line.
    pub fn window(
        &self,
        start: usize,
        end: usize,
        before: usize,
        after: usize,
    ) -> (usize, usize, usize) {
        let first = self.line_of(start).saturating_sub(1).saturating_sub(before);
        let last = self.line_of(end.saturating_sub(1).max(start)) - 1 + after;
        let ws = self.line_starts()[first] as usize;
        (ws, self.next_line_start(last).max(ws), first)
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_idx = self.line_of(offset) - 1;
        let start = self.line_starts()[line_idx] as usize;
        let mut o = offset;
        while !self.text.is_char_boundary(o) {
            o -= 1;
        }
        let column = if self.ascii {
            o - start + 1
        } else {
            self.text[start..o].chars().count() + 1
        };
        LineCol {
            line: line_idx + 1,
            column,
        }
    }

    /// The byte range of the line holding `offset`, without its line break.
    pub fn line_bounds(&self, offset: usize) -> (usize, usize) {
        let i = self.line_of(offset).saturating_sub(1);
        let start = self.line_starts()[i] as usize;
        let mut end = self.next_line_start(i);
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        (start, end)
    }

    /// Where the line after 0-based line `i` starts (the end of the text after the last).
    fn next_line_start(&self, i: usize) -> usize {
        self.line_starts()
            .get(i + 1)
            .map_or(self.text.len(), |&s| s as usize)
    }

    /// The line (1-based) a byte offset is on.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let b = offset / LINE_BLOCK;
        // the block's first line starts at or before `offset`, and every line after
        // the next block's first starts after it
        let (starts, blocks) = (self.line_starts(), self.blocks());
        let lo = blocks[b] as usize;
        let hi = blocks.get(b + 1).map_or(starts.len(), |&l| l as usize + 1);
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        lo + match starts[lo..hi].binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_of_agrees_with_a_search_of_every_line() {
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for round in 0..40 {
            // lines from empty to longer than a block, with all three line ends
            let mut text = String::new();
            while text.len() < 6 * LINE_BLOCK {
                let len = [0, 1, 30, LINE_BLOCK - 1, LINE_BLOCK, 3 * LINE_BLOCK][next(6)];
                text.push_str(&"x".repeat(len.min(next(len + 1) + round)));
                text.push_str(["\n", "\r\n", "\r"][next(3)]);
            }
            let src = SourceFile::new("t", text.clone());
            for offset in 0..=text.len() + 2 {
                let o = u32::try_from(offset.min(text.len())).unwrap();
                let want = match src.line_starts().binary_search(&o) {
                    Ok(i) => i + 1,
                    Err(i) => i,
                };
                assert_eq!(src.line_of(offset), want, "offset {offset}");
            }
        }
        assert_eq!(SourceFile::new("t", "").line_of(0), 1);
        assert_eq!(SourceFile::new("t", "a\n").line_of(2), 2);
    }

    #[test]
    fn spans_are_32_bit_and_clamp() {
        assert_eq!(std::mem::size_of::<Span>(), 8);
        let s = Span::new(5, 3);
        assert_eq!((s.start(), s.end(), s.len()), (5, 5, 0));
        let far = Span::new(usize::MAX, usize::MAX);
        assert_eq!(far.start(), u32::MAX as usize);
        assert_eq!(Span::new(2, 4).join(Span::new(1, 3)).range(), 1..4);
    }

    #[test]
    fn line_col_roundtrip() {
        let s = SourceFile::new("f", "ab\ncdé\r\nx");
        assert_eq!(s.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(s.line_col(3), LineCol { line: 2, column: 1 });
        assert_eq!(s.offset_of(2, 2), 5);
        assert_eq!(s.line_col(5), LineCol { line: 2, column: 3 });
        assert_eq!(s.line_of(5), 2);
        assert_eq!(s.line_of(0), 1);
        assert_eq!(s.line_of(s.text.len()), 3);
        assert!(s.same_line(0, 2) && !s.same_line(0, 3));
        assert_eq!(s.window(3, 4, 0, 0), (3, 9, 1));
        assert_eq!(s.window(3, 4, 5, 5), (0, 10, 0));
        assert_eq!(s.window(9, 10, 1, 0), (3, 10, 1));
        assert_eq!(
            s.line_col(s.offset_of(3, 0)),
            LineCol { line: 3, column: 1 }
        );
    }

    #[test]
    fn bom_is_removed() {
        let s = SourceFile::new("f", "\u{feff}name: x");
        assert!(s.text.starts_with("name"));
    }
}
