//! `archlint explain ID`: a rule's page (built-in, `invalid-input`, or custom).

use std::path::Path;

use archlint_linter::rules;

use crate::configs::Configs;
use crate::exit::Exit;
use crate::terminal::{out, usage_error};

pub(crate) fn run(id: &str) -> Exit {
    if id == archlint_core::diag::INVALID_INPUT {
        out(&format!("{}\n", rules::page_text(rules::input_meta())));
        return Exit::Clean;
    }
    if let Some(r) = rules::find(id) {
        // the page (its prose and examples), then the declared references
        out(&format!("{}\n", rules::page_text(r.meta())));
        return Exit::Clean;
    }
    let cfg = match Configs::discovered().for_dir_or_exit(Path::new(".")) {
        Ok(c) => c,
        Err(e) => return e,
    };
    if let Some(c) = cfg.custom.iter().find(|c| c.meta.id == id) {
        out(&format!("{}\n", c.meta.body.trim_end()));
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
