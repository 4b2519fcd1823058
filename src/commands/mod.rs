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
