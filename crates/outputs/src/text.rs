//! Wrapping text to the terminal's width: between words only, never inside a word
//! or a `code span`, with an arrow or operator kept with the word before it.

/// Narrowest width text is wrapped to, whatever the terminal says.
pub const MIN_WIDTH: usize = 40;

/// Wrap `text` to `width` columns between words (never inside a word, so hyphenated
/// names stay whole); the first line has `first` columns less, the others `rest` less.
pub fn wrap(text: &str, width: usize, first: usize, rest: usize) -> Vec<&str> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        // Units are byte ranges of `para`: a word, or words glued together. An arrow
        // or operator stays with the word before it (`a ->` / `b`, never `a` / `-> b`),
        // and a short `code span` is not broken. A line is a range too, so wrapping
        // allocates nothing per word.
        let mut line: Option<(usize, usize)> = None;
        let mut line_w = 0;
        let mut unit: Option<(usize, usize)> = None;
        let mut at = 0;
        for word in para.split(' ') {
            let (ws, we) = (at, at + word.len());
            at = we + 1;
            unit = match unit {
                Some((us, ue)) => {
                    let u = &para[us..ue];
                    // a code span is never split: a unit with an odd number of
                    // backticks takes the next word while the span closes later
                    let open_code = u.matches('`').count() % 2 == 1 && para[ue..].contains('`');
                    if open_code
                        || open_group(u, &para[ue..])
                        || matches!(word, "->" | "→" | "×" | "=" | "+")
                    {
                        Some((us, we))
                    } else {
                        flush(
                            para,
                            (us, ue),
                            (&mut line, &mut line_w),
                            &mut lines,
                            (width, first, rest),
                        );
                        Some((ws, we))
                    }
                }
                None => Some((ws, we)),
            };
        }
        if let Some(u) = unit {
            flush(
                para,
                u,
                (&mut line, &mut line_w),
                &mut lines,
                (width, first, rest),
            );
        }
        lines.push(line.map_or("", |(s, e)| &para[s..e]));
    }
    lines
}

/// Whether `unit` opens a short parenthesised term with a number in it that closes
/// in `rest`: a factor such as `(db: 1 − 0.001²)` or `(more than 3)` stays on one
/// line; a parenthesised phrase of words may wrap like any other.
fn open_group(unit: &str, rest: &str) -> bool {
    const MAX_GROUP: usize = 40;
    let Some(open) = unit.rfind('(') else {
        return false;
    };
    if unit[open..].contains(')') {
        return false;
    }
    let so_far = unit.len() - open;
    rest.find(')').is_some_and(|close| {
        let inner = &rest[..close];
        so_far + close < MAX_GROUP
            && !inner.contains('(')
            && (unit[open..].bytes().chain(inner.bytes())).any(|b| b.is_ascii_digit())
    })
}

/// Add a unit (a byte range of `para`) to the current line, or start a new line
/// with it when it does not fit.
fn flush<'t>(
    para: &'t str,
    u: (usize, usize),
    (line, line_w): (&mut Option<(usize, usize)>, &mut usize),
    lines: &mut Vec<&'t str>,
    (width, first, rest): (usize, usize, usize),
) {
    let w = para[u.0..u.1].chars().count();
    let avail = width
        .saturating_sub(if lines.is_empty() { first } else { rest })
        .max(MIN_WIDTH / 2);
    match line {
        Some((ls, le)) if *line_w + 1 + w > avail => {
            lines.push(&para[*ls..*le]);
            *line = Some(u);
            *line_w = w;
        }
        Some((_, le)) => {
            *le = u.1;
            *line_w += 1 + w;
        }
        None => {
            *line = Some(u);
            *line_w = w;
        }
    }
}

/// `text` wrapped to `width` columns, its first line after `first` (already printed
/// by the caller, counted in columns) and the others after `indent` spaces; paragraphs
/// (`\n`) stay apart. Ends without a newline.
pub fn fill(text: &str, width: usize, first: usize, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for (i, line) in wrap(text, width.max(MIN_WIDTH), first, indent)
        .iter()
        .enumerate()
    {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&pad);
            }
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_never_splits_hyphenated_words() {
        let text = "the synchronous chain gateway -> orders-service -> payments-service -> fraud-detection-service is too long";
        for w in [20, 40, 60, 80] {
            for line in wrap(text, w, 0, 0) {
                assert!(!line.ends_with('-') || line.ends_with("->"), "{line}");
            }
        }
        let joined = wrap(text, 30, 0, 0).join(" ");
        assert_eq!(joined, text);
    }

    #[test]
    fn code_spans_stay_whole_and_unclosed_backticks_do_not_glue() {
        let text = "set `retry: { attempts: 3, backoff: exponential, jitter: true }` on the call from `gateway` to `orders`";
        for w in [20, 30, 40, 60] {
            for line in wrap(text, w, 0, 0) {
                assert_eq!(line.matches('`').count() % 2, 0, "{w}: {line}");
            }
        }
        let odd = "a ` b c d e f g h i j k l m n o p q r s t u v w x y z";
        assert_eq!(wrap(odd, 20, 0, 0).len(), 3);
    }

    #[test]
    fn short_parenthesised_terms_stay_whole() {
        let text = "availability along the critical path web -> api -> db is (api: 99.9%) × (orders-db: 1 − 0.001²) × (payments: 99.95%) = 99.8% < 99.9% target";
        for w in [20, 30, 40, 50, 60, 80] {
            for line in wrap(text, w, 0, 0) {
                assert_eq!(
                    line.matches('(').count(),
                    line.matches(')').count(),
                    "{w}: {line}"
                );
            }
        }
    }

    #[test]
    fn fill_indents_the_lines_after_the_first() {
        let s = fill(
            "one two three four five six seven eight nine ten eleven twelve",
            40,
            10,
            4,
        );
        let lines: Vec<&str> = s.lines().collect();
        assert!(lines.len() > 1);
        assert!(lines[0].len() <= 30);
        assert!(
            lines[1..]
                .iter()
                .all(|l| l.starts_with("    ") && l.len() <= 40)
        );
    }
}
