//! `archlint explain ID`: a rule's page (built-in, `invalid-input`, or custom).

use std::path::Path;

use archlint_linter::rules;

use clap::ValueEnum;

use crate::configs::Configs;
use crate::exit::Exit;
use crate::terminal::{ColorChoice, out, stdout_style, usage_error};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum PageFormat {
    /// laid out for the terminal
    Text,
    /// the page's Markdown source
    Markdown,
}

/// Print a page in the format asked for.
fn show(page: &str, format: PageFormat) {
    match format {
        PageFormat::Markdown => out(&format!("{}\n", page.trim_end())),
        PageFormat::Text => {
            let style = stdout_style(ColorChoice::Auto, false);
            out(&archlint_outputs::mdterm::render(
                page,
                style.width,
                style.color,
            ));
        }
    }
}

pub(crate) fn run(id: &str, format: PageFormat) -> Exit {
    if id == archlint_core::diag::INVALID_INPUT {
        show(&rules::page_text(rules::input_meta()), format);
        return Exit::Clean;
    }
    if let Some(r) = rules::find(id) {
        // the page (its prose and examples), then the declared references
        show(&rules::page_text(r.meta()), format);
        return Exit::Clean;
    }
    let cfg = match Configs::discovered().for_dir_or_exit(Path::new(".")) {
        Ok(c) => c,
        Err(e) => return e,
    };
    if let Some(c) = cfg.custom.iter().find(|c| c.meta.id == id) {
        show(&c.meta.body, format);
        return Exit::Clean;
    }
    let mut ids = rules::ids();
    ids.extend(cfg.custom.iter().map(|c| c.meta.id.as_str()));
    let hint = archlint_core::diag::suggest(id, ids)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    usage_error(&format!(
        "unknown rule `{id}`{hint} (`archlint rules` lists them)"
    ))
}
