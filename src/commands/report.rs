//! `archlint report`: the design review, in Markdown or as one HTML page.

use std::io::IsTerminal;
use std::path::Path;

use archlint_core::model::Date;
use clap::ValueEnum;

use crate::exit::Exit;
use crate::terminal::{ColorChoice, out, stdout_style, write_file};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum ReportFormat {
    Markdown,
    /// the Markdown laid out for a terminal
    Text,
    /// one self-contained page, nothing loaded from the network
    Html,
}

/// The format when none is asked for: laid out when the review goes to a terminal,
/// Markdown when it goes to a file or a pipe (the document a team commits).
pub(crate) fn default_format(to_terminal: bool) -> ReportFormat {
    if to_terminal {
        ReportFormat::Text
    } else {
        ReportFormat::Markdown
    }
}

pub(crate) fn run(
    file: &Path,
    format: Option<ReportFormat>,
    output: Option<&Path>,
    today: Date,
) -> Exit {
    let format = format
        .unwrap_or_else(|| default_format(output.is_none() && std::io::stdout().is_terminal()));
    let super::Analysed {
        a, src, cfg, exit, ..
    } = match super::analyse_file(file, "review") {
        Ok(x) => x,
        Err(e) => return e,
    };
    let findings = archlint_linter::all_findings_with(&a, &cfg.custom, today);
    let flips = archlint_linter::flips_at_10x(&a, &cfg.custom, &src.name, today);
    let doc = match format {
        ReportFormat::Markdown => {
            archlint_outputs::markdown::render_with_flips(&a, &src, &findings, &flips)
        }
        ReportFormat::Text => {
            let md = archlint_outputs::markdown::render_with_flips(&a, &src, &findings, &flips);
            let style = stdout_style(ColorChoice::Auto, output.is_some());
            archlint_outputs::mdterm::render(&md, style.width, style.color)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn laid_out_for_a_terminal_markdown_for_a_file() {
        assert!(default_format(true) == ReportFormat::Text);
        assert!(default_format(false) == ReportFormat::Markdown);
    }
}
