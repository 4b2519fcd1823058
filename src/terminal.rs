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

/// Write `text` to `path`, or say why not (exit 2).
pub(crate) fn write_file(path: &Path, text: impl AsRef<[u8]>) -> Result<(), Exit> {
    std::fs::write(path, text)
        .map_err(|e| usage_error(&format!("cannot write `{}`: {e}", path.display())))
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
