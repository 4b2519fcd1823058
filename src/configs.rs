//! Which `.archlint.yaml` applies: one lookup for every command.
//!
//! `--no-config` means none; `--config FILE` means that one for every file; else the
//! nearest `.archlint.yaml` in the linted file's directory or a parent of it, searched
//! from the directory's absolute path (stdin: the working directory). Each file is
//! read once per run.

use std::path::{Path, PathBuf};

use archlint_linter::FileResult;
use archlint_linter::config::{self, Config};

use crate::exit::Exit;
use crate::terminal::input_errors;

pub(crate) struct Configs {
    disabled: bool,
    explicit: Option<PathBuf>,
    read: Vec<(PathBuf, Config)>,
}

impl Configs {
    /// As `--config` and `--no-config` say.
    pub(crate) fn new(explicit: Option<PathBuf>, no_config: bool) -> Configs {
        Configs {
            disabled: no_config,
            explicit,
            read: Vec::new(),
        }
    }

    /// Discovered, for the commands that have no `--config`.
    pub(crate) fn discovered() -> Configs {
        Configs::new(None, false)
    }

    /// The configuration for files in `dir`; a bad one is its located input errors.
    pub(crate) fn for_dir(&mut self, dir: &Path) -> Result<Config, Box<FileResult>> {
        if self.disabled {
            return Ok(Config::default());
        }
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let Some(path) = self.explicit.clone().or_else(|| config::discover(&dir)) else {
            return Ok(Config::default());
        };
        if let Some((_, c)) = self.read.iter().find(|(p, _)| *p == path) {
            return Ok(c.clone());
        }
        let c = config::load(&path)?;
        self.read.push((path, c.clone()));
        Ok(c)
    }

    /// The configuration for a file argument: its directory's (the working directory
    /// for stdin and for a bare file name).
    pub(crate) fn for_file(&mut self, file: &Path) -> Result<Config, Box<FileResult>> {
        self.for_dir(&dir_of(file))
    }

    /// [`Configs::for_dir`], with a bad configuration drawn on stderr (exit 2).
    pub(crate) fn for_dir_or_exit(&mut self, dir: &Path) -> Result<Config, Exit> {
        self.for_dir(dir).map_err(|r| {
            input_errors(&[*r]);
            Exit::Error
        })
    }

    /// [`Configs::for_file`], with a bad configuration drawn on stderr (exit 2).
    pub(crate) fn for_file_or_exit(&mut self, file: &Path) -> Result<Config, Exit> {
        self.for_dir_or_exit(&dir_of(file))
    }
}

/// The directory whose configuration applies to `file`.
fn dir_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(p) if file != Path::new("-") && !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
