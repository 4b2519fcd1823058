//! A document as the handlers see it: its file, its configuration, its findings, and
//! positions (LSP counts UTF-16 code units; the source, bytes).

use std::path::PathBuf;

use lsp_types::{Position, Range, Uri};

use archlint_core::diag::Diagnostic;
use archlint_core::model::Date;
use archlint_core::source::{SourceFile, Span};
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
/// afresh (so edits to it apply on the next lint).
pub(crate) fn config_for(uri: &str) -> Result<Config, String> {
    match uri_to_path(uri)
        .and_then(|p| p.parent().map(|d| d.to_path_buf()))
        .and_then(|d| archlint_linter::config::discover(&d))
    {
        None => Ok(Config::default()),
        Some(p) => archlint_linter::config::load(&p).map_err(|r| {
            let first = r.diagnostics.first().map_or(String::new(), |d| {
                let at = archlint_outputs::locate(&r.source, d);
                format!("{}:{}: {}", r.source.name, at.line, d.message)
            });
            format!("the configuration has errors ({first}); the built-in defaults are used")
        }),
    }
}

/// The settings a document is linted with: its configuration's, on `today`.
pub(crate) fn settings_for(uri: &str, today: Date) -> Result<Settings, String> {
    Ok(config_for(uri)?.settings(None, None)?.on(today))
}

/// A document linted as `archlint check` would lint its file.
pub(crate) struct Linted {
    pub(crate) src: SourceFile,
    pub(crate) diags: Vec<Diagnostic>,
    /// Why the configuration was not used, when it has errors.
    pub(crate) config_error: Option<String>,
}

pub(crate) fn lint(uri: &str, text: &str, today: Date) -> Linted {
    let name = uri_to_path(uri).map_or(uri.to_string(), |p| p.display().to_string());
    let (settings, config_error) = match settings_for(uri, today) {
        Ok(s) => (s, None),
        Err(e) => (Settings::default().on(today), Some(e)),
    };
    let r = archlint_linter::lint_source(SourceFile::new(name, text), &settings);
    Linted {
        src: r.source,
        diags: r.diagnostics,
        config_error,
    }
}

/// The model and graph of a document that loads, with its configuration's custom rule
/// ids (an `allow` may name them).
pub(crate) fn analysed(src: &SourceFile, uri: &Uri) -> Option<Analysis> {
    let cfg = config_for(uri.as_str()).unwrap_or_default();
    let mut ids = archlint_linter::rules::ids();
    ids.extend(cfg.custom.iter().map(|c| c.meta.id.as_str()));
    archlint_linter::analyse_for(src, Default::default(), &ids).ok()
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
