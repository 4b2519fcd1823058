//! One file per command. Each exposes `run`, taking its parsed arguments (and the
//! date where findings depend on it) and returning the [`Exit`] code.

pub(crate) mod check;
pub(crate) mod diff;
pub(crate) mod docs;
pub(crate) mod drift;
pub(crate) mod estimate;
pub(crate) mod explain;
pub(crate) mod export;
pub(crate) mod graph;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod learn;
pub(crate) mod report;
pub(crate) mod rules;
pub(crate) mod schema;
pub(crate) mod test_rules;

use std::path::Path;

use archlint_core::source::SourceFile;
use archlint_linter::config::Config;
use archlint_linter::{Analysis, FileResult};
use clap::ValueEnum;

use crate::configs::Configs;
use crate::exit::Exit;
use crate::terminal::{input_errors, read_input};

/// `--format` of the commands that print for a person or for a script.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum ListFormat {
    Human,
    Json,
}

/// A file analysed for `graph`, `estimate`, `report` and `drift`: what is valid of it,
/// its input errors (already drawn on stderr), and the exit code they call for (2 when
/// parts of it were left out).
pub(crate) struct Analysed {
    pub(crate) a: Analysis,
    pub(crate) src: SourceFile,
    pub(crate) cfg: Config,
    pub(crate) errors: Vec<archlint_core::diag::Diagnostic>,
    pub(crate) exit: Exit,
}

/// Read and analyse a file for `graph`, `estimate` and `report`, with the custom rules
/// of its configuration (an `allow` may name them). Errors are drawn on stderr; a
/// file with input errors is drawn without the parts at fault (exit 2), and only a
/// file that does not parse at all is an `Err`.
pub(crate) fn analyse_file(file: &Path, what: &str) -> Result<Analysed, Exit> {
    let cfg = Configs::discovered().for_file_or_exit(file)?;
    let src =
        read_input(file, archlint_linter::DEFAULT_MAX_FILE_BYTES, "<stdin>").map_err(|r| {
            input_errors(&[r]);
            Exit::Error
        })?;
    let mut ids = archlint_linter::rules::ids();
    ids.extend(cfg.custom.iter().map(|c| c.meta.id.as_str()));
    let partial = archlint_linter::analyse_partial(&src, Default::default(), &ids);
    let exit = if partial.errors.is_empty() {
        Exit::Clean
    } else {
        Exit::Error
    };
    let errors = partial.errors;
    match partial.analysis {
        Some(a) => {
            if !errors.is_empty() {
                input_errors(&[FileResult::failed(src.clone(), errors.clone())]);
                let note = format!(
                    "the {what} leaves out the parts of `{}` with input errors (above); fix them to see the whole design",
                    src.name
                );
                eprintln!(
                    "note: {}",
                    archlint_outputs::text::fill(&note, crate::terminal::stderr_width(), 6, 2)
                );
            }
            Ok(Analysed {
                a,
                src,
                cfg,
                errors,
                exit,
            })
        }
        None => {
            input_errors(&[FileResult::failed(src, errors)]);
            Err(Exit::Error)
        }
    }
}

/// Whether the file at `path` still holds the text `read` was made from (an edit saved
/// while archlint ran must not be overwritten by the fixes), and whether it starts with
/// a byte-order mark (kept in the fixed file).
pub(crate) fn unchanged_since_read(path: &Path, read: &SourceFile, max: u64) -> (bool, bool) {
    let Ok(now) = archlint_linter::input::read_bounded(path, &read.name, max) else {
        return (false, false);
    };
    let bom = now.starts_with(&[0xef, 0xbb, 0xbf]);
    let same =
        archlint_linter::source_from_bytes(&read.name, now, max).is_ok_and(|s| s.text == read.text);
    (same, bom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_edited_since_it_was_read_is_not_overwritten() {
        let dir = std::env::temp_dir().join(format!("archlint-changed-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("d.arch.yaml");
        std::fs::write(&path, "\u{feff}name: x\n").unwrap();
        let Ok(read) = archlint_linter::read_source(&path, "d.arch.yaml", 1 << 20) else {
            panic!("the file reads")
        };
        assert_eq!(unchanged_since_read(&path, &read, 1 << 20), (true, true));
        // saved in an editor meanwhile
        std::fs::write(&path, "name: y\n").unwrap();
        assert!(!unchanged_since_read(&path, &read, 1 << 20).0);
        // deleted meanwhile
        std::fs::remove_file(&path).unwrap();
        assert!(!unchanged_since_read(&path, &read, 1 << 20).0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
