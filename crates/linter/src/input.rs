//! Reading input: a file or bytes to a [`SourceFile`], with the checks hostile input
//! needs (size, binary data, UTF-8), and the result of linting one file.

use crate::fingerprint;
use archlint_core::diag::{self, Diagnostic};
use archlint_core::source::{self, SourceFile};

/// Default largest file archlint reads.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The limit can be raised to 4 GiB and no further: spans are 32-bit offsets.
pub const MAX_FILE_BYTES_CEILING: u64 = u32::MAX as u64;

/// The result of linting one file.
pub struct FileResult {
    pub source: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    /// The file has input errors (exit code 2): it could not be read or parsed, or
    /// parts of it are invalid.
    pub input_error: bool,
    /// The rules ran (on what is valid, when there are input errors).
    pub linted: bool,
    /// Findings held back because they involve a part with an input error.
    pub held_back: u32,
}

impl FileResult {
    /// A file that could not be read, parsed or validated: its errors, sorted and
    /// fingerprinted.
    pub fn failed(source: SourceFile, mut errors: Vec<Diagnostic>) -> FileResult {
        diag::sort(&mut errors);
        fingerprint::assign(None, &source.name, &mut errors);
        FileResult {
            source,
            diagnostics: errors,
            input_error: true,
            linted: false,
            held_back: 0,
        }
    }

    /// A file the rules ran on: its findings and its input errors (when parts of it
    /// were left out), sorted and fingerprinted.
    pub fn linted(
        source: SourceFile,
        findings: Vec<Diagnostic>,
        errors: Vec<Diagnostic>,
    ) -> FileResult {
        if errors.is_empty() {
            return FileResult {
                source,
                diagnostics: findings,
                input_error: false,
                linted: true,
                held_back: 0,
            };
        }
        let mut r = FileResult::failed(source, errors);
        r.diagnostics.extend(findings);
        diag::sort(&mut r.diagnostics);
        r.linted = true;
        r
    }
}

/// Read a file as text, with the checks hostile input needs: a regular file, its size,
/// binary data, UTF-8.
pub fn read_source(
    path: &std::path::Path,
    display: &str,
    max_bytes: u64,
) -> Result<SourceFile, FileResult> {
    let max_bytes = max_bytes.min(MAX_FILE_BYTES_CEILING);
    match read_bounded(path, display, max_bytes) {
        Ok(bytes) => source_from_bytes(display, bytes, max_bytes),
        Err((msg, help)) => Err(read_failure(display, msg, help)),
    }
}

/// The bytes of a regular file of at most `max_bytes`, read without ever blocking or
/// reading more than the limit and one byte: a directory, a FIFO, a socket, a device
/// (`/dev/zero`) or a link to one is refused by name before it is opened, and a file
/// that grows past the limit while being read is refused too. The error and its help.
pub fn read_bounded(
    path: &std::path::Path,
    display: &str,
    max_bytes: u64,
) -> Result<Vec<u8>, (String, &'static str)> {
    use std::io::Read as _;
    let unreadable = |e: &std::io::Error| {
        (
            format!("cannot read `{display}`: {}", io_reason(e)),
            "check the path and its permissions",
        )
    };
    let (file, meta) = open_regular(path, display)?;
    let too_large = |n: u64| {
        (
            format!("`{display}` is {n} bytes, more than the {max_bytes} byte limit"),
            "an architecture file is a few hundred kilobytes at most; split it, or raise the limit with --max-file-size",
        )
    };
    if meta.len() > max_bytes {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(&e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A regular file opened for reading, with its metadata: a directory, a FIFO, a
/// socket, a device or a link to one is refused by name before it is opened (so the
/// open never blocks), and asked again once open (a swap in between). For readers
/// that stream a file of any size ([`read_bounded`] bounds the others).
pub fn open_regular(
    path: &std::path::Path,
    display: &str,
) -> Result<(std::fs::File, std::fs::Metadata), (String, &'static str)> {
    let unreadable = |e: &std::io::Error| {
        (
            format!("cannot read `{display}`: {}", io_reason(e)),
            "check the path and its permissions",
        )
    };
    // `metadata` follows links: a link to a device is the device
    let meta = std::fs::metadata(path).map_err(|e| unreadable(&e))?;
    if meta.is_dir() {
        return Err((
            format!("`{display}` is a directory"),
            "pass a file, or a directory to search with `archlint check DIR`",
        ));
    }
    if !meta.is_file() {
        return Err((
            format!(
                "`{display}` is not a regular file (it is {})",
                file_kind(&meta)
            ),
            "pass the file itself; archlint reads only regular files, never a pipe or a device",
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| unreadable(&e))?;
    // the file opened may not be the one looked at (a swap in between): ask it again
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err((
            format!("`{display}` is not a regular file"),
            "pass the file itself; archlint reads only regular files, never a pipe or a device",
        ));
    }
    Ok((file, meta))
}

/// What a file that is not a regular one is, for an error message.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    let _ = meta;
    "not a file"
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
    let max_bytes = max_bytes.min(MAX_FILE_BYTES_CEILING);
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
