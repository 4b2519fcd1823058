//! JSON output (SPEC §3.3).

use serde::Serialize;

use super::locate;
use archlint_core::diag::Severity;
use archlint_linter::input::FileResult;

#[derive(Serialize)]
pub struct JsonRelated<'a> {
    pub message: &'a str,
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
}

#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub rule: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub file: &'a str,
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub related: Vec<JsonRelated<'a>>,
    /// Stable across edits elsewhere in the file (SPEC §4.2).
    pub fingerprint: &'a str,
    /// `10x` or `3y` for a finding that appears only under `--at` / `--in`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projected: Option<&'a str>,
}

#[derive(Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings hidden by `--baseline` (present only with a baseline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baselined: Option<usize>,
}

/// What a baseline did in this run.
#[derive(Serialize)]
pub struct BaselineReport {
    pub file: String,
    pub baselined: usize,
    /// Entries that match no finding any more (never failing; `--write-baseline`
    /// with `--baseline` prunes them).
    pub stale: Vec<archlint_linter::baseline::Entry>,
}

#[derive(Serialize)]
pub struct Output<'a> {
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
    pub summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineReport>,
}

/// The document, borrowing every string from `results`.
pub fn build(results: &[FileResult]) -> Output<'_> {
    let mut diagnostics = Vec::with_capacity(results.iter().map(|r| r.diagnostics.len()).sum());
    for r in results {
        for d in &r.diagnostics {
            let l = locate(&r.source, d);
            diagnostics.push(JsonDiagnostic {
                rule: &d.rule,
                severity: d.severity,
                message: &d.message,
                help: d.help.as_deref(),
                file: &r.source.name,
                path: &d.path,
                line: l.line,
                column: l.column,
                end_line: l.end_line,
                end_column: l.end_column,
                related: d
                    .related
                    .iter()
                    .map(|x| {
                        let p = r.source.line_col(x.span.start());
                        JsonRelated {
                            message: &x.message,
                            path: &x.path,
                            line: p.line,
                            column: p.column,
                        }
                    })
                    .collect(),
                fingerprint: &d.fingerprint,
                projected: d.projected.as_deref(),
            });
        }
    }
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.rule).cmp(&(&b.file, b.line, b.column, &b.rule))
    });
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let summary = Summary {
        files: results.len(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        baselined: None,
    };
    Output {
        diagnostics,
        summary,
        baseline: None,
    }
}

pub fn render(results: &[FileResult]) -> String {
    render_with(results, None)
}

/// [`render`], with what a baseline did.
pub fn render_with(results: &[FileResult], baseline: Option<BaselineReport>) -> String {
    // about 1.4 kB a finding pretty-printed: one allocation instead of ~20 doublings
    let n: usize = results.iter().map(|r| r.diagnostics.len()).sum();
    let mut buf = Vec::with_capacity(256 + n * 1536);
    write_with(&mut buf, results, baseline).expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// [`render_with`], written to `w` as it is serialized (the command line streams it to
/// its output instead of holding the whole document).
pub fn write_with(
    mut w: impl std::io::Write,
    results: &[FileResult],
    baseline: Option<BaselineReport>,
) -> std::io::Result<()> {
    let mut out = build(results);
    if let Some(b) = baseline {
        out.summary.baselined = Some(b.baselined);
        out.baseline = Some(b);
    }
    write_pretty(&mut w, &out)?;
    w.write_all(b"\n")
}

/// `serde_json::to_writer_pretty(w, out)`, byte for byte (the tests hold the two
/// equal), with the findings written by hand: they are nearly all of the document,
/// and serde_json's field-by-field calls and byte-by-byte escaping were a sixth of a
/// large file's run. The summary and baseline go through serde_json.
fn write_pretty(w: &mut impl std::io::Write, out: &Output) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    buf.extend_from_slice(b"{\n  \"diagnostics\": [");
    for (i, d) in out.diagnostics.iter().enumerate() {
        // each key with its indentation and the separator before it, as one piece
        let start: &[u8] = if i == 0 { b"\n    {" } else { b",\n    {" };
        buf.extend_from_slice(start);
        put_str(&mut buf, b"\n      \"rule\": ", d.rule);
        put_str(&mut buf, b",\n      \"severity\": ", d.severity.as_str());
        put_str(&mut buf, b",\n      \"message\": ", d.message);
        buf.extend_from_slice(b",\n      \"help\": ");
        match d.help {
            Some(h) => escaped(&mut buf, h),
            None => buf.extend_from_slice(b"null"),
        }
        put_str(&mut buf, b",\n      \"file\": ", d.file);
        put_str(&mut buf, b",\n      \"path\": ", d.path);
        put_num(&mut buf, b",\n      \"line\": ", d.line);
        put_num(&mut buf, b",\n      \"column\": ", d.column);
        put_num(&mut buf, b",\n      \"end_line\": ", d.end_line);
        put_num(&mut buf, b",\n      \"end_column\": ", d.end_column);
        buf.extend_from_slice(b",\n      \"related\": ");
        if d.related.is_empty() {
            buf.extend_from_slice(b"[]");
        } else {
            buf.push(b'[');
            for (j, r) in d.related.iter().enumerate() {
                let start: &[u8] = if j == 0 {
                    b"\n        {"
                } else {
                    b",\n        {"
                };
                buf.extend_from_slice(start);
                put_str(&mut buf, b"\n          \"message\": ", r.message);
                put_str(&mut buf, b",\n          \"path\": ", r.path);
                put_num(&mut buf, b",\n          \"line\": ", r.line);
                put_num(&mut buf, b",\n          \"column\": ", r.column);
                buf.extend_from_slice(b"\n        }");
            }
            buf.extend_from_slice(b"\n      ]");
        }
        put_str(&mut buf, b",\n      \"fingerprint\": ", d.fingerprint);
        if let Some(p) = d.projected {
            put_str(&mut buf, b",\n      \"projected\": ", p);
        }
        buf.extend_from_slice(b"\n    }");
        if buf.len() >= 1 << 16 {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    buf.extend_from_slice(if out.diagnostics.is_empty() {
        b"]"
    } else {
        b"\n  ]"
    });
    buf.extend_from_slice(b",\n  \"summary\": ");
    nested(&mut buf, &out.summary);
    if let Some(b) = &out.baseline {
        buf.extend_from_slice(b",\n  \"baseline\": ");
        nested(&mut buf, b);
    }
    buf.extend_from_slice(b"\n}");
    w.write_all(&buf)
}

/// A value one level down in the document, pretty-printed by serde_json: its lines
/// after the first indented two more spaces (strings never hold a raw line break).
fn nested(buf: &mut Vec<u8>, v: &impl Serialize) {
    let text = serde_json::to_vec_pretty(v).expect("a summary or baseline serializes");
    for (i, line) in text.split(|&c| c == b'\n').enumerate() {
        if i > 0 {
            buf.extend_from_slice(b"\n  ");
        }
        buf.extend_from_slice(line);
    }
}

/// A key piece (separator, indentation, quoted key and `: `), then a string value.
pub(super) fn put_str(buf: &mut Vec<u8>, piece: &[u8], v: &str) {
    buf.extend_from_slice(piece);
    escaped(buf, v);
}

/// A key piece, then a number.
pub(super) fn put_num(buf: &mut Vec<u8>, piece: &[u8], n: usize) {
    buf.extend_from_slice(piece);
    number(buf, n);
}

/// `n` as serde_json writes a `usize`.
fn number(buf: &mut Vec<u8>, n: usize) {
    let mut digits = [0u8; 20];
    buf.extend_from_slice(archlint_core::model::decimal(n, &mut digits).as_bytes());
}

/// A JSON string as serde_json writes it: `"` and `\` escaped, control characters as
/// `\b \t \n \f \r` or `\u00xx`, everything else (DEL, non-ASCII) as is. Strings with
/// nothing to escape (nearly all) are found a chunk at a time (`any_byte`) and copied whole.
fn escaped(buf: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    buf.push(b'"');
    let clean = !archlint_core::source::any_byte(b, |c| (c < 0x20) | (c == b'"') | (c == b'\\'));
    if clean {
        buf.extend_from_slice(b);
    } else {
        let mut start = 0;
        for (i, &c) in b.iter().enumerate() {
            let short = match c {
                b'"' => b'"',
                b'\\' => b'\\',
                0x08 => b'b',
                0x0c => b'f',
                b'\n' => b'n',
                b'\r' => b'r',
                b'\t' => b't',
                0..=0x1f => b'u',
                _ => continue,
            };
            buf.extend_from_slice(&b[start..i]);
            buf.push(b'\\');
            buf.push(short);
            if short == b'u' {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                buf.extend_from_slice(b"00");
                buf.push(HEX[(c >> 4) as usize]);
                buf.push(HEX[(c & 0xf) as usize]);
            }
            start = i + 1;
        }
        buf.extend_from_slice(&b[start..]);
    }
    buf.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag<'a>(text: &'a str, related: usize, projected: Option<&'a str>) -> JsonDiagnostic<'a> {
        JsonDiagnostic {
            rule: "no-timeout",
            severity: Severity::Warning,
            message: text,
            help: related.is_multiple_of(2).then_some(text),
            file: "a \"b\".yaml",
            path: text,
            line: related * 1_000_003,
            column: 1,
            end_line: usize::MAX,
            end_column: 0,
            related: (0..related)
                .map(|i| JsonRelated {
                    message: text,
                    path: "components.x",
                    line: i,
                    column: 12_345,
                })
                .collect(),
            fingerprint: "0123456789abcdef",
            projected,
        }
    }

    /// The hand-written findings are serde_json's pretty output, byte for byte: every
    /// control character, quotes, backslashes, DEL, non-ASCII, `null` help, empty and
    /// non-empty `related`, `projected`, a baseline, and no findings at all.
    #[test]
    fn hand_written_json_is_serde_jsons() {
        let mut all: String = (0u8..=0x7f).map(char::from).collect();
        all.push_str("é ü 日本 🚀 \u{2028} `code` \\ \"quoted\"");
        let texts = [
            "plain text",
            "",
            all.as_str(),
            "tab\there",
            "\u{0}",
            "ends with \\",
        ];
        let stale = vec![archlint_linter::baseline::Entry {
            fingerprint: "f".into(),
            rule: "r\n".into(),
            file: "x".into(),
            path: "p".into(),
            message: "m \"q\"".into(),
        }];
        for (n, baseline) in [(0, None), (3, None), (6, Some(stale))] {
            let diagnostics: Vec<JsonDiagnostic> = texts
                .iter()
                .cycle()
                .take(n * 2)
                .enumerate()
                .map(|(i, t)| diag(t, i % 3, (i % 4 == 1).then_some("10x")))
                .collect();
            let out = Output {
                diagnostics,
                summary: Summary {
                    files: 2,
                    errors: 1,
                    warnings: 0,
                    infos: 7,
                    baselined: baseline.as_ref().map(|_| 4),
                },
                baseline: baseline.map(|stale| BaselineReport {
                    file: "b.json".into(),
                    baselined: 4,
                    stale,
                }),
            };
            let mut ours = Vec::new();
            write_pretty(&mut ours, &out).unwrap();
            let theirs = serde_json::to_vec_pretty(&out).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
        }
    }

    /// Random strings over control characters, quotes, backslashes, ASCII and
    /// multi-byte characters escape as serde_json escapes them.
    #[test]
    fn escaping_matches_serde_json_on_random_strings() {
        let alphabet: Vec<char> = (0u8..0x80)
            .map(char::from)
            .chain(['é', '日', '🚀', '\u{7f}', '\u{2029}'])
            .collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..5_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let len = (seed >> 58) as usize;
            let s: String = (0..len)
                .map(|i| {
                    let r = seed.rotate_left(i as u32 * 7) ^ (i as u64 * 0x2545_f491);
                    // mostly printable, sometimes a character that needs escaping
                    alphabet[(r % alphabet.len() as u64) as usize]
                })
                .collect();
            let mut ours = Vec::new();
            escaped(&mut ours, &s);
            assert_eq!(ours, serde_json::to_vec(&s).unwrap(), "{s:?}");
        }
    }
}
