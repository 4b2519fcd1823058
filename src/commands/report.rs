//! `archlint report`: the design review, in Markdown or as one HTML page.

use std::path::Path;

use archlint_core::model::Date;
use clap::ValueEnum;

use crate::exit::Exit;
use crate::terminal::{out, write_file};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum ReportFormat {
    Markdown,
    /// one self-contained page, nothing loaded from the network
    Html,
}

pub(crate) fn run(file: &Path, format: ReportFormat, output: Option<&Path>, today: Date) -> Exit {
    let super::Analysed { a, src, cfg, exit } = match super::analyse_file(file, "review") {
        Ok(x) => x,
        Err(e) => return e,
    };
    let findings = archlint_linter::all_findings_with(&a, &cfg.custom, today);
    let flips = archlint_linter::flips_at_10x(&a, &cfg.custom, &src.name, today);
    let doc = match format {
        ReportFormat::Markdown => {
            archlint_outputs::markdown::render_with_flips(&a, &src, &findings, &flips)
        }
        ReportFormat::Html => archlint_outputs::html::render(&a, &src, &findings, &flips),
    };
    match output {
        None => out(&doc),
        Some(p) => {
            if let Err(e) = write_file(p, doc) {
                return e;
            }
        }
    }
    exit
}
