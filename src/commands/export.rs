//! `archlint export calm FILE`: the design as a FINOS CALM 1.2 architecture document.

use std::path::Path;

use clap::ValueEnum;

use crate::exit::Exit;
use crate::terminal::{input_errors, out, read_input, write_file};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum ExportTo {
    /// a FINOS CALM 1.2 architecture (JSON); `import calm` reads it back
    Calm,
}

pub(crate) fn run(to: ExportTo, file: &Path, output: Option<&Path>) -> Exit {
    let ExportTo::Calm = to;
    // only a design that loads whole is exported: an export carries all of it
    let src = match read_input(file, archlint_linter::DEFAULT_MAX_FILE_BYTES, "<stdin>") {
        Ok(s) => s,
        Err(r) => {
            input_errors(&[r]);
            return Exit::Error;
        }
    };
    let partial =
        archlint_linter::analyse_partial(&src, Default::default(), &archlint_linter::rules::ids());
    if !partial.errors.is_empty() {
        input_errors(&[archlint_linter::FileResult::failed(
            src.clone(),
            partial.errors,
        )]);
        eprintln!("fix the input errors first: an export carries the whole design");
        return Exit::Error;
    }
    let doc = match archlint_import::calm::export(&src) {
        Ok(d) => d,
        Err(r) => {
            input_errors(&[*r]);
            return Exit::Error;
        }
    };
    match output {
        None => out(&doc),
        Some(p) => {
            if let Err(e) = write_file(p, doc) {
                return e;
            }
        }
    }
    Exit::Clean
}
