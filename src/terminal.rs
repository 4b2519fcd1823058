//! The terminal and the standard streams: colour and width decisions, writing to
//! stdout, input errors and usage errors to stderr, and reading an input file or stdin.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use archlint_core::source::SourceFile;
use archlint_linter::FileResult;
use archlint_outputs::human;
use clap::ValueEnum;

use crate::exit::Exit;

/// `--color`.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Whether to colour output going to a terminal (`tty`) or not, as the flag and the
/// usual variables say: an explicit `always`/`never` wins; under `auto`, a non-empty
/// NO_COLOR turns colour off, FORCE_COLOR or CLICOLOR_FORCE (other than `0`) on.
fn use_color(choice: ColorChoice, tty: bool) -> bool {
    let set = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if set("NO_COLOR").is_some() {
                false
            } else if set("FORCE_COLOR").is_some_and(|v| v != "0" && v != "false")
                || set("CLICOLOR_FORCE").is_some_and(|v| v != "0")
            {
                true
            } else {
                tty
            }
        }
    }
}

/// The width to wrap human output to: COLUMNS, else the terminal's, else 100.
fn term_width(tty: bool) -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
    {
        return n;
    }
    if tty && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return usize::from(w);
    }
    100
}

/// The width to wrap what goes to stderr to.
pub(crate) fn stderr_width() -> usize {
    term_width(std::io::stderr().is_terminal())
}

/// The width to wrap what goes to stdout to (a file or pipe: COLUMNS, else 100).
pub(crate) fn stdout_width() -> usize {
    term_width(std::io::stdout().is_terminal())
}

/// How to draw human output for a stream that is (`tty`) or is not a terminal.
pub(crate) fn style(choice: ColorChoice, tty: bool) -> human::Style {
    human::Style {
        color: use_color(choice, tty),
        width: term_width(tty),
    }
}

/// The style for standard output, unless the output goes to a file.
pub(crate) fn stdout_style(choice: ColorChoice, to_file: bool) -> human::Style {
    style(choice, !to_file && std::io::stdout().is_terminal())
}

/// Input errors go to stderr, drawn for a person, whatever the command prints on stdout.
pub(crate) fn input_errors(results: &[FileResult]) {
    let style = style(ColorChoice::Auto, std::io::stderr().is_terminal());
    let mut text = String::new();
    for r in results.iter().filter(|r| r.input_error) {
        for d in r.diagnostics.iter().filter(|d| d.is_input_error()) {
            text.push_str(&human::render_one(&r.source, d, style));
            text.push('\n');
        }
    }
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// A usage error: said on stderr, exit 2.
pub(crate) fn usage_error(msg: &str) -> Exit {
    eprintln!("error: {msg}");
    Exit::Error
}

/// Write to stdout; a closed pipe (`archlint ... | head`) is not an error worth a panic.
pub(crate) fn out(s: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(s.as_bytes());
    let _ = stdout.flush();
}

/// An `--output` file that exists is overwritten only with `--force` (as `init` asks):
/// a mistyped `-o` never replaces a design.
pub(crate) fn may_overwrite(output: Option<&Path>, force: bool) -> Result<(), Exit> {
    match output {
        Some(p) if !force && std::fs::symlink_metadata(p).is_ok() => Err(usage_error(&format!(
            "`{}` exists; pass --force to overwrite it",
            p.display()
        ))),
        _ => Ok(()),
    }
}

/// Write `text` to `path`, or say why not (exit 2). The write is atomic: see
/// [`write_atomic_with`].
pub(crate) fn write_file(path: &Path, text: impl AsRef<[u8]>) -> Result<(), Exit> {
    write_atomic_with(path, |w| w.write_all(text.as_ref()))
        .map_err(|e| usage_error(&format!("cannot write `{}`: {e}", path.display())))
}

/// Write a file whole or not at all: into a temporary file beside it (same directory,
/// so the same file system), flushed to the disk, then renamed over it. A full disk or
/// a failed write leaves the old file as it was, never cut; the new file keeps the old
/// one's permissions, and a link is written through to the file it names.
pub(crate) fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // through a link: replace the file it names, not the link
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| std::io::Error::other("not a file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".archlint-{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        if let Ok(m) = std::fs::metadata(&target) {
            std::fs::set_permissions(&tmp, m.permissions())?;
        }
        std::fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Read a file, or stdin for `-`, with the size limit.
pub(crate) fn read_input(
    path: &Path,
    max: u64,
    stdin_name: &str,
) -> Result<SourceFile, FileResult> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        let limit = max.saturating_add(1);
        if let Err(e) = std::io::stdin().take(limit).read_to_end(&mut buf) {
            return Err(archlint_linter::read_failure(
                stdin_name,
                format!("cannot read standard input: {e}"),
                "pipe a YAML architecture file into `archlint check -`",
            ));
        }
        return archlint_linter::source_from_bytes(stdin_name, buf, max);
    }
    archlint_linter::read_source(path, &path.display().to_string(), max)
}
