//! How a command ends: the process's exit code, named.

use std::process::ExitCode;

use archlint_core::diag::Severity;
use archlint_linter::FileResult;
use clap::ValueEnum;

/// The exit code of every command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Nothing at or above `--fail-on` (or the command did what it was asked).
    Clean,
    /// Findings at or above `--fail-on` (`check`, `diff`), or fixes to show (`--diff`).
    Findings,
    /// An input error (a file could not be read, parsed or validated) or a usage error.
    Error,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(match e {
            Exit::Clean => 0,
            Exit::Findings => 1,
            Exit::Error => 2,
        })
    }
}

/// `--fail-on`: the lowest severity that makes the exit code [`Exit::Findings`].
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    /// The configuration's `fail_on:` value, when it names one.
    pub(crate) fn parse(s: &str) -> Option<FailOn> {
        FailOn::from_str(s, true).ok()
    }

    pub(crate) fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }

    /// Whether a finding of this severity fails the run.
    pub(crate) fn fails(self, s: Severity) -> bool {
        self.threshold().is_some_and(|t| s >= t)
    }
}

/// The exit code of a lint: an input error wins, then findings at `fail_on`.
pub(crate) fn of_results(results: &[FileResult], fail_on: FailOn) -> Exit {
    if results.iter().any(|r| r.input_error) {
        Exit::Error
    } else if results
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| fail_on.fails(d.severity))
    {
        Exit::Findings
    } else {
        Exit::Clean
    }
}
