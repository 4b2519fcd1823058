//! `archlint import`: an architecture file from compose, Kubernetes or Threagile files.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::exit::Exit;
use crate::terminal::{input_errors, out, read_input, usage_error, write_file};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum ImportFrom {
    /// docker-compose files
    Compose,
    /// Kubernetes manifests
    K8s,
    /// a Threagile model
    Threagile,
}

/// Every `*.yaml`/`*.yml` under `dir`, sorted.
fn manifests_under(dir: &Path) -> Vec<PathBuf> {
    let mut stack = vec![dir.to_path_buf()];
    let mut found = Vec::new();
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

pub(crate) fn run(from: ImportFrom, paths: &[PathBuf], output: Option<&Path>) -> Exit {
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        if p.is_dir() && from == ImportFrom::K8s {
            let found = manifests_under(p);
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
        ImportFrom::Threagile => {
            if sources.len() != 1 {
                return usage_error("`import threagile` takes one model file");
            }
            archlint_import::threagile::import(&sources[0])
        }
    };
    let imported = match result {
        Ok(i) => i,
        Err(r) => {
            input_errors(&[*r]);
            return Exit::Error;
        }
    };
    for n in &imported.notes {
        eprintln!("note: {n}");
    }
    eprintln!("{}", imported.summary);
    match output {
        Some(p) => {
            if let Err(e) = write_file(p, &imported.yaml) {
                return e;
            }
            eprintln!(
                "wrote {}; run `archlint check {}`",
                p.display(),
                p.display()
            );
        }
        None => out(&imported.yaml),
    }
    Exit::Clean
}
