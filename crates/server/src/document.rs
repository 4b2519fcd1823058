//! A document as the handlers see it: its file, its configuration, its findings, and
//! positions (LSP counts UTF-16 code units; the source, bytes).

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, Uri};

use archlint_core::diag::Diagnostic;
use archlint_core::model::Date;
use archlint_core::source::{SourceFile, Span};
use archlint_linter::baseline::Baseline;
use archlint_linter::config::Config;
use archlint_linter::graph::Analysis;
use archlint_linter::rules::Settings;

/// The file a `file://` URI names (percent-decoded).
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(PathBuf::from(String::from_utf8(out).ok()?))
}

/// The configuration for a document: `.archlint.yaml` found from its directory, read
/// afresh (so edits to it apply on the next lint), with the directory it is in.
pub(crate) fn config_for(uri: &str) -> (Result<Config, String>, Option<PathBuf>) {
    let found = uri_to_path(uri)
        .and_then(|p| p.parent().map(|d| d.to_path_buf()))
        .and_then(|d| archlint_linter::config::discover(&d));
    let dir = found
        .as_ref()
        .and_then(|p| p.parent().map(|d| d.to_path_buf()));
    let cfg = match found {
        None => Ok(Config::default()),
        Some(p) => archlint_linter::config::load(&p).map_err(|r| {
            let first = r.diagnostics.first().map_or(String::new(), |d| {
                let at = archlint_outputs::locate(&r.source, d);
                format!("{}:{}: {}", r.source.name, at.line, d.message)
            });
            format!("the configuration has errors ({first}); the built-in defaults are used")
        }),
    };
    (cfg, dir)
}

/// The settings a document is linted with: its configuration's, on `today`.
pub(crate) fn settings_for(uri: &str, today: Date) -> Result<Settings, String> {
    Ok(config_for(uri).0?.settings(None, None)?.on(today))
}

/// A document linted as `archlint check` would lint its file.
pub(crate) struct Linted {
    pub(crate) src: SourceFile,
    pub(crate) diags: Vec<Diagnostic>,
    /// Why the configuration (or its baseline) was not used, when it has errors.
    pub(crate) config_error: Option<String>,
    /// The rules ran: false when the text does not parse.
    pub(crate) linted: bool,
}

/// The name a document is linted under: the one `archlint check` gives its file, so
/// that fingerprints (and a baseline's entries) match. A baseline entry whose file the
/// document's path ends with names it; otherwise the path relative to the
/// configuration's directory (where CI usually runs `check`), or the path itself.
fn lint_name(
    path: Option<&Path>,
    uri: &str,
    dir: Option<&Path>,
    baseline: Option<&Baseline>,
) -> String {
    let Some(path) = path else {
        return uri.to_string();
    };
    if let Some(b) = baseline
        && let Some(e) = b.findings.iter().find(|e| {
            let f = Path::new(&e.file);
            f.is_relative() && path.ends_with(f)
        })
    {
        return e.file.clone();
    }
    match dir.and_then(|d| path.strip_prefix(d).ok()) {
        Some(rel) => rel.display().to_string(),
        None => path.display().to_string(),
    }
}

pub(crate) fn lint(uri: &str, text: &str, today: Date) -> Linted {
    lint_until(uri, text, today, &|| false).expect("never stopped")
}

/// [`lint`], given up (`None`) as soon as `stop` says so.
pub(crate) fn lint_until(
    uri: &str,
    text: &str,
    today: Date,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Linted> {
    let path = uri_to_path(uri);
    let (cfg, dir) = config_for(uri);
    let mut config_error = None;
    let (settings, baseline) =
        match cfg.and_then(|c| Ok((c.settings(None, None)?.on(today), c.baseline))) {
            Ok((s, b)) => (s, b),
            Err(e) => {
                config_error = Some(e);
                (Settings::default().on(today), None)
            }
        };
    let baseline = baseline.and_then(|p| match Baseline::load(&p) {
        Ok(b) => Some(b),
        Err(e) => {
            config_error = Some(format!("the baseline is not used: {e}"));
            None
        }
    });
    let name = lint_name(path.as_deref(), uri, dir.as_deref(), baseline.as_ref());
    let mut r = archlint_linter::lint_source_until(SourceFile::new(name, text), &settings, stop)?;
    if let Some(b) = &baseline {
        b.apply(std::slice::from_mut(&mut r));
    }
    Some(Linted {
        linted: r.linted,
        src: r.source,
        diags: r.diagnostics,
        config_error,
    })
}

/// The model and graph of a document, with its configuration's custom rule ids (an
/// `allow` may name them): what is valid of it when it has input errors, none when it
/// does not parse.
pub(crate) fn analysed(src: &SourceFile, uri: &Uri) -> Option<Analysis> {
    let cfg = config_for(uri.as_str()).0.unwrap_or_default();
    let mut ids = archlint_linter::rules::ids();
    ids.extend(cfg.custom.iter().map(|c| c.meta.id.as_str()));
    archlint_linter::analyse_partial(src, Default::default(), &ids).analysis
}

/// The LSP position of a byte offset.
pub(crate) fn position(src: &SourceFile, byte: usize) -> Position {
    let byte = byte.min(src.text.len());
    let (ls, _) = src.line_bounds(byte);
    let mut b = byte;
    while !src.text.is_char_boundary(b) {
        b -= 1;
    }
    let character: usize = src.text[ls..b].chars().map(char::len_utf16).sum();
    Position::new((src.line_of(byte) - 1) as u32, character as u32)
}

/// The LSP range of a span.
pub(crate) fn range(src: &SourceFile, span: Span) -> Range {
    Range::new(
        position(src, span.start()),
        position(src, span.end().max(span.start())),
    )
}

/// The byte offset of an LSP position.
pub(crate) fn offset(src: &SourceFile, p: Position) -> usize {
    let start = src.offset_of(p.line as usize + 1, 0).min(src.text.len());
    let (_, le) = src.line_bounds(start);
    let mut units = 0;
    for (i, ch) in src.text[start..le].char_indices() {
        if units >= p.character as usize {
            return start + i;
        }
        units += ch.len_utf16();
    }
    le
}

/// The word (id characters) under a byte offset, with its byte range.
pub(crate) fn word_at(src: &SourceFile, at: usize) -> Option<(String, usize, usize)> {
    let text = src.text.as_str();
    let is_id = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut s = at.min(text.len());
    while s > 0 {
        let prev = text[..s].chars().next_back()?;
        if !is_id(prev) {
            break;
        }
        s -= prev.len_utf8();
    }
    let mut e = at.min(text.len());
    while e < text.len() {
        let c = text[e..].chars().next()?;
        if !is_id(c) {
            break;
        }
        e += c.len_utf8();
    }
    let w = text[s..e].trim_end_matches('.');
    (!w.is_empty()).then(|| (w.to_string(), s, s + w.len()))
}
