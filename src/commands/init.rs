//! `archlint init`: a commented starter `architecture.yaml`.

use std::path::Path;

use crate::exit::Exit;
use crate::terminal::{usage_error, write_file};

/// The commented starter file.
const STARTER: &str = include_str!("starter.arch.yaml");

pub(crate) fn run(path: &Path, force: bool) -> Exit {
    if path.exists() && !force {
        return usage_error(&format!(
            "`{}` already exists; pass --force to overwrite it",
            path.display()
        ));
    }
    if let Err(e) = write_file(path, STARTER) {
        return e;
    }
    eprintln!(
        "wrote {}; run `archlint check {}`",
        path.display(),
        path.display()
    );
    Exit::Clean
}
