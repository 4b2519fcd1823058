//! `archlint estimate`: the back-of-envelope capacity estimate.

use std::path::Path;

use archlint_core::model::projection::Projection;
use archlint_linter::estimate;

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
    let beside = match observed_beside(&a.model, &e, observed, window) {
        Ok(b) => b,
        Err(x) => return x,
    };
    out(&match (format, projected) {
        (ListFormat::Json, None) if !beside.is_empty() => format!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::json!({
                "estimate": e,
                "observed": beside.iter().map(|(id, modelled, seen)| serde_json::json!({
                    "component": id, "modelled_rps": modelled, "observed_rps": seen,
                    "ratio": modelled.filter(|m| *m > 0.0).map(|m| seen / m),
                })).collect::<Vec<_>>(),
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
                t.push_str(&observed_text(&beside, window.unwrap_or("")));
            }
            t
        }
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

/// `--observed`: each component's recorded rate beside the modelled peak, busiest
/// recorded first: (component, modelled rps, observed rps).
fn observed_beside(
    m: &archlint_core::model::Architecture,
    e: &estimate::Estimate,
    files: &[std::path::PathBuf],
    window: Option<&str>,
) -> Result<Vec<(String, Option<f64>, f64)>, Exit> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let w = match window.map(archlint_core::model::quantity::parse_duration) {
        Some(Ok(w)) if w > 0.0 => w,
        _ => {
            return Err(usage_error(&format!(
                "`--window {}` is not a duration (e.g. `1h`)",
                window.unwrap_or("")
            )));
        }
    };
    let mut recordings = Vec::new();
    for p in files {
        let name = p.display().to_string();
        let file = std::fs::File::open(p)
            .map_err(|err| usage_error(&format!("cannot read `{name}`: {err}")))?;
        match archlint_linter::observed::read(&name, std::io::BufReader::new(file)) {
            Ok(o) => recordings.push((name, o)),
            Err(problem) => {
                return Err(usage_error(&format!(
                    "{name}:{}:{}: {}",
                    problem.line, problem.column, problem.message
                )));
            }
        }
    }
    let recorded: Vec<archlint_linter::drift::Recorded> = recordings
        .iter()
        .map(|(name, o)| archlint_linter::drift::Recorded { name, observed: o })
        .collect();
    let map = std::collections::BTreeMap::new();
    let rates = archlint_linter::drift::observed_rates(
        m,
        &recorded,
        &archlint_linter::drift::Options {
            map: &map,
            window: Some(w),
        },
    );
    let mut rows: Vec<(String, Option<f64>, f64)> = rates
        .into_iter()
        .map(|(id, seen)| {
            let modelled = e
                .components
                .iter()
                .find(|c| c.component == id)
                .map(|c| c.peak_rps);
            (id, modelled, seen)
        })
        .collect();
    rows.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    Ok(rows)
}

/// The recorded rates beside the model's, as text: the ratio shows a wrong `share`.
fn observed_text(rows: &[(String, Option<f64>, f64)], window: &str) -> String {
    use archlint_core::model::quantity::{fmt_count, trim_num};
    let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(9).max(9);
    let mut t = format!(
        "\nRecorded over {window} (mean rate) beside the model's peak\n  {:w$}  {:>12}  {:>12}  {:>9}\n",
        "component", "modelled rps", "recorded rps", "ratio"
    );
    for (id, modelled, seen) in rows {
        let m = modelled.map_or("-".to_string(), fmt_count);
        let ratio = modelled
            .filter(|m| *m > 0.0)
            .map_or("-".to_string(), |m| format!("{}×", trim_num(seen / m)));
        t.push_str(&format!(
            "  {id:w$}  {m:>12}  {:>12}  {ratio:>9}\n",
            fmt_count(*seen)
        ));
    }
    t
}
