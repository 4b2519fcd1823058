//! `archlint estimate`: the back-of-envelope capacity estimate.

use std::path::Path;

use archlint_core::model::projection::Projection;
use archlint_linter::estimate;

use super::ListFormat;
use crate::exit::Exit;
use crate::terminal::{out, stdout_width, usage_error};

pub(crate) fn run(file: &Path, format: ListFormat, at: Option<&str>, within: Option<&str>) -> Exit {
    let (a, exit) = match super::analyse_file(file, "estimate") {
        Ok(x) => (x.a, x.exit),
        Err(e) => return e,
    };
    let e = estimate::estimate(&a.model, &a.graph);
    let projection = match (at, within) {
        (Some(f), _) => Some(Projection::at(f)),
        (None, Some(d)) => Some(Projection::within(d, &a.model)),
        (None, None) => None,
    };
    let projected = match projection {
        None => None,
        Some(Err(msg)) => return usage_error(&msg),
        Some(Ok(p)) => {
            let mut m = a.model.clone();
            p.apply(&mut m);
            let later = estimate::estimate(&m, &a.graph);
            Some((p, later))
        }
    };
    out(&match (format, projected) {
        (ListFormat::Json, None) => {
            format!("{}\n", serde_json::to_string_pretty(&e).expect("serializes"))
        }
        (ListFormat::Json, Some((p, later))) => format!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::json!({
                "today": e,
                "projected": { "label": p.label, "load_factor": p.load, "data_factor": p.data, "estimate": later },
            }))
            .expect("serializes")
        ),
        (ListFormat::Human, None) => archlint_outputs::estimate::render(&a.model, &e, stdout_width()),
        (ListFormat::Human, Some((p, later))) => archlint_outputs::estimate::render_projected(
            &a.model,
            &e,
            &later,
            &p.phrase,
            stdout_width(),
        ),
    });
    exit
}
