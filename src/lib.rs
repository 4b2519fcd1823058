//! archlint: an offline, rule-based linter for system designs.
//!
//! Data flow: file text -> [`model::yaml`] (spanned tree) -> [`model::load`] (typed
//! model and `invalid-input` diagnostics) -> [`graph::SystemGraph`] -> [`rules::run`]
//! -> diagnostics -> [`report`] (human, JSON, SARIF, GitHub, Markdown).

pub mod baseline;
pub mod config;
pub mod diag;
pub mod diff;
pub mod discover;
pub mod estimate;
pub mod fingerprint;
pub mod graph;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
#[doc(hidden)]
pub mod testing;

use diag::Diagnostic;
use graph::SystemGraph;
use model::Architecture;
use source::SourceFile;

/// The commented starter file `archlint init` writes.
pub const STARTER: &str = include_str!("templates/architecture.yaml");

/// Default largest file archlint reads.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The result of linting one file.
pub struct FileResult {
    pub source: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    /// The file could not be read, parsed or validated (exit code 2).
    pub input_error: bool,
}

/// A loaded, valid file with its graph.
pub struct Analysis {
    pub model: Architecture,
    pub graph: SystemGraph,
}

/// Parse and validate; on success build the graph.
pub fn analyse(src: &SourceFile) -> Result<Analysis, Vec<Diagnostic>> {
    analyse_with(src, model::yaml::Limits::default())
}

/// [`analyse`] with explicit input limits.
pub fn analyse_with(
    src: &SourceFile,
    limits: model::yaml::Limits,
) -> Result<Analysis, Vec<Diagnostic>> {
    let loaded = model::load::load(src, &rules::ids(), limits);
    match loaded.model {
        Some(model) if loaded.errors.is_empty() => {
            let graph = SystemGraph::build(&model);
            Ok(Analysis { model, graph })
        }
        _ => Err(loaded.errors),
    }
}

/// Lint one source text with the given rule settings.
pub fn lint_source(src: SourceFile, settings: &rules::Settings) -> FileResult {
    lint_source_with(src, settings, model::yaml::Limits::default())
}

/// [`lint_source`] with explicit input limits.
pub fn lint_source_with(
    src: SourceFile,
    settings: &rules::Settings,
    limits: model::yaml::Limits,
) -> FileResult {
    match analyse_with(&src, limits) {
        Ok(a) => {
            let mut diagnostics = rules::run(&a.model, &a.graph, settings);
            sort(&mut diagnostics);
            fingerprint::assign(Some(&a.model), &src.name, &mut diagnostics);
            FileResult {
                source: src,
                diagnostics,
                input_error: false,
            }
        }
        Err(errors) => FileResult::failed(src, errors),
    }
}

impl FileResult {
    /// A file that could not be read, parsed or validated: its errors, sorted and
    /// fingerprinted.
    pub fn failed(source: SourceFile, mut errors: Vec<Diagnostic>) -> FileResult {
        sort(&mut errors);
        fingerprint::assign(None, &source.name, &mut errors);
        FileResult {
            source,
            diagnostics: errors,
            input_error: true,
        }
    }
}

/// Findings for pictures and reports: every rule, the trade-offs included, no config.
pub fn all_findings(a: &Analysis) -> Vec<Diagnostic> {
    let settings = config::Config::default()
        .settings(Some(&["all".to_string()]), None)
        .expect("`all` resolves");
    let mut ds = rules::run(&a.model, &a.graph, &settings);
    sort(&mut ds);
    ds
}

/// Diagnostics sorted by position, then rule (SPEC §3.3).
pub fn sort(ds: &mut [Diagnostic]) {
    ds.sort_by(|a, b| {
        (a.span.start, &a.rule, a.span.end, &a.message).cmp(&(
            b.span.start,
            &b.rule,
            b.span.end,
            &b.message,
        ))
    });
}

/// Read a file as text, with the checks hostile input needs: size, binary, UTF-8.
pub fn read_source(
    path: &std::path::Path,
    display: &str,
    max_bytes: u64,
) -> Result<SourceFile, FileResult> {
    let fail = |msg: String, help: &str| read_failure(display, msg, help);
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            return Err(fail(
                format!("cannot read `{display}`: {}", io_reason(&e)),
                "check the path and its permissions",
            ));
        }
    };
    if meta.is_dir() {
        return Err(fail(
            format!("`{display}` is a directory"),
            "pass a file, or a directory to search with `archlint check DIR`",
        ));
    }
    if meta.len() > max_bytes {
        return Err(fail(
            format!(
                "`{display}` is {} bytes, more than the {} byte limit",
                meta.len(),
                max_bytes
            ),
            "an architecture file is a few hundred kilobytes at most; split it, or raise the limit with --max-file-size",
        ));
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return Err(fail(
                format!("cannot read `{display}`: {}", io_reason(&e)),
                "check the path and its permissions",
            ));
        }
    };
    source_from_bytes(display, bytes, max_bytes)
}

/// A file (or stdin) that could not be read at all: one located input error.
pub fn read_failure(display: &str, message: String, help: &str) -> FileResult {
    let d = Diagnostic::invalid("", source::Span::new(0, 0), message)
        .label("cannot read")
        .help(help);
    FileResult::failed(SourceFile::new(display, ""), vec![d])
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Turn raw bytes into a source, rejecting binary data and invalid UTF-8 with a located error.
pub fn source_from_bytes(
    display: &str,
    bytes: Vec<u8>,
    max_bytes: u64,
) -> Result<SourceFile, FileResult> {
    if bytes.len() as u64 > max_bytes {
        let d = Diagnostic::invalid(
            "",
            source::Span::new(0, 0),
            format!("input is more than the {max_bytes} byte limit"),
        )
        .label("too large")
        .help("an architecture file is a few hundred kilobytes at most; split it, or raise the limit with --max-file-size");
        return Err(FileResult::failed(SourceFile::new(display, ""), vec![d]));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let line_end = prefix.len();
            let src = SourceFile::new(display, prefix);
            let at = src.text.len().min(line_end);
            let d = Diagnostic::invalid(
                "",
                source::Span::new(at, at),
                format!("the file is not valid UTF-8 (byte {valid})"),
            )
            .label("invalid UTF-8 starts here")
            .help("save the file as UTF-8 text");
            return Err(FileResult::failed(src, vec![d]));
        }
    };
    if let Some(pos) = text.find('\0') {
        let src = SourceFile::new(display, text[..pos].to_string());
        let at = src.text.len();
        let d = Diagnostic::invalid(
            "",
            source::Span::new(at, at),
            "the file contains a NUL byte; it looks like binary data, not YAML",
        )
        .label("NUL byte here")
        .help("pass a YAML architecture file");
        return Err(FileResult::failed(src, vec![d]));
    }
    Ok(SourceFile::new(display, text))
}
