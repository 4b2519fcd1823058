//! `archlint import`: an architecture file from compose, Kubernetes or Threagile files.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::exit::Exit;
use crate::terminal::{input_errors, out, read_input, stderr_width, usage_error, write_file};
use archlint_outputs::text::fill;

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum ImportFrom {
    /// docker-compose files
    Compose,
    /// Kubernetes manifests
    K8s,
    /// a Threagile model
    Threagile,
    /// a FINOS CALM architecture (JSON)
    Calm,
    /// Backstage catalog files (files or directories; several documents each)
    Backstage,
    /// a Structurizr workspace.json
    Structurizr,
}

/// Every `*.yaml`/`*.yml` under `dir`, sorted (links to directories not followed).
fn manifests_under(dir: &Path) -> Result<Vec<PathBuf>, String> {
    crate::discover::walk(
        dir,
        |name| name.ends_with(".yaml") || name.ends_with(".yml"),
        |_| true,
    )
}

pub(crate) fn run(from: ImportFrom, paths: &[PathBuf], output: Option<&Path>) -> Exit {
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        if p.is_dir() && matches!(from, ImportFrom::K8s | ImportFrom::Backstage) {
            let found = match manifests_under(p) {
                Ok(f) => f,
                Err(e) => return usage_error(&e),
            };
            if found.is_empty() {
                return usage_error(&format!(
                    "no *.yaml or *.yml manifests under `{}`",
                    p.display()
                ));
            }
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    let mut sources = Vec::new();
    for f in &files {
        match read_input(f, archlint_linter::DEFAULT_MAX_FILE_BYTES, "<stdin>") {
            Ok(s) => sources.push(s),
            Err(r) => {
                input_errors(&[r]);
                return Exit::Error;
            }
        }
    }
    let result = match from {
        ImportFrom::Compose => archlint_import::compose::import(&sources),
        ImportFrom::K8s => archlint_import::k8s::import(&sources),
        ImportFrom::Backstage => archlint_import::backstage::import(&sources),
        ImportFrom::Threagile | ImportFrom::Calm | ImportFrom::Structurizr => {
            let which = match from {
                ImportFrom::Threagile => "threagile",
                ImportFrom::Calm => "calm",
                _ => "structurizr",
            };
            if sources.len() != 1 {
                return usage_error(&format!("`import {which}` takes one file"));
            }
            match from {
                ImportFrom::Threagile => archlint_import::threagile::import(&sources[0]),
                ImportFrom::Calm => archlint_import::calm::import(&sources[0]),
                _ => archlint_import::structurizr::import(&sources[0]),
            }
        }
    };
    let imported = match result {
        Ok(i) => i,
        Err(r) => {
            input_errors(&[*r]);
            return Exit::Error;
        }
    };
    let width = stderr_width();
    for n in &imported.notes {
        eprintln!("note: {}", fill(n, width, 6, 2));
    }
    eprintln!("{}", fill(&imported.summary, width, 0, 2));
    for line in &imported.checklist {
        // `  can: …`, `add first: …`: continued under the text after the colon
        let lead = line.len() - line.trim_start().len();
        let indent = line.find(": ").map_or(lead + 2, |i| i + 2).min(width / 2);
        eprintln!("{}", fill(line, width, 0, indent));
    }
    match output {
        Some(p) => {
            if let Err(e) = write_file(p, &imported.yaml) {
                return e;
            }
            let done = format!(
                "wrote {}; run `archlint check {}`",
                p.display(),
                p.display()
            );
            eprintln!("{}", fill(&done, width, 0, 2));
        }
        None => out(&imported.yaml),
    }
    Exit::Clean
}
