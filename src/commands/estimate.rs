//! `archlint estimate`: the back-of-envelope capacity estimate.

use std::path::Path;

use archlint_core::model::projection::Projection;
use archlint_linter::estimate;
use archlint_outputs::estimate::Beside;

use super::ListFormat;
use crate::exit::Exit;
use crate::terminal::{out, stdout_width, usage_error};

pub(crate) fn run(
    file: &Path,
    format: ListFormat,
    at: Option<&str>,
    within: Option<&str>,
    observed: &[std::path::PathBuf],
    window: Option<&str>,
) -> Exit {
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
    let (beside, unread) = match observed_beside(&a.model, &e, observed, window) {
        Ok(b) => b,
        Err(x) => return x,
    };
    let exit = if unread { Exit::Error } else { exit };
    out(&match (format, projected) {
        (ListFormat::Json, None) if !beside.is_empty() => format!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::json!({
                "estimate": e,
                "observed": beside.iter().map(|r| {
                    let mut o = serde_json::json!({
                        "component": r.component, "modelled_peak_rps": r.peak,
                        "modelled_mean_rps": r.mean,
                    });
                    // without a window the recording gives counts, not rates
                    if window.is_some() {
                        o["observed_rps"] = r.seen.into();
                        o["ratio"] = r.mean.filter(|m| *m > 0.0).map(|m| r.seen / m).into();
                    } else {
                        o["observed_calls"] = r.seen.into();
                    }
                    o
                }).collect::<Vec<_>>(),
            }))
            .expect("serializes")
        ),
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
        (ListFormat::Human, None) => {
            let mut t = archlint_outputs::estimate::render(&a.model, &e, stdout_width());
            if !beside.is_empty() {
                t.push_str(&archlint_outputs::estimate::render_observed(&beside, window, stdout_width()));
            }
            t
        }
        (ListFormat::Human, Some((p, later))) => {
            let mut t = archlint_outputs::estimate::render_projected(
                &a.model,
                &e,
                &later,
                &p.phrase,
                stdout_width(),
            );
            // the recording is of today: beside today's model
            if !beside.is_empty() {
                t.push_str(&archlint_outputs::estimate::render_observed(&beside, window, stdout_width()));
            }
            t
        }
    });
    exit
}

/// `--observed`: each component's recorded rate beside the modelled one, busiest
/// recorded first, and whether a recording could not be read (its error printed).
fn observed_beside(
    m: &archlint_core::model::Architecture,
    e: &estimate::Estimate,
    files: &[std::path::PathBuf],
    window: Option<&str>,
) -> Result<(Vec<Beside>, bool), Exit> {
    if files.is_empty() {
        return Ok((Vec::new(), false));
    }
    // without a window the counts are shown as counts, beside the model's rates
    let w = super::drift::parse_window(window)?;
    let (recordings, bad) = super::drift::read_recordings(files);
    if !bad.is_empty() {
        crate::terminal::input_errors(&bad);
    }
    let recorded: Vec<archlint_linter::drift::Recorded> = recordings
        .iter()
        .map(|(name, o)| archlint_linter::drift::Recorded { name, observed: o })
        .collect();
    let calls =
        archlint_linter::drift::observed_calls(m, &recorded, &std::collections::BTreeMap::new());
    // every modelled load is the entry rate carried along the calls, so a
    // component's mean is its peak in the system's mean-to-peak proportion
    let mean_of_peak = e
        .traffic
        .as_ref()
        .filter(|t| t.peak_rps > 0.0)
        .map(|t| t.mean_rps / t.peak_rps);
    let by_id: std::collections::HashMap<&str, &estimate::ComponentLoad> = e
        .components
        .iter()
        .map(|c| (c.component.as_str(), c))
        .collect();
    let mut rows: Vec<Beside> = calls
        .into_iter()
        .map(|(id, n)| {
            let seen = w.map_or(n, |w| n / w);
            let c = by_id.get(id.as_str()).copied();
            let peak = c.map(|c| c.peak_rps);
            let mean = c
                .filter(|c| !c.throughput_stated)
                .and_then(|c| mean_of_peak.map(|f| c.peak_rps * f));
            Beside {
                component: id,
                peak,
                mean,
                seen,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.seen
            .total_cmp(&a.seen)
            .then_with(|| a.component.cmp(&b.component))
    });
    Ok((rows, !bad.is_empty()))
}
