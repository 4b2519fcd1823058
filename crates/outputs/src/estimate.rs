//! `archlint estimate`'s text: the estimate as a table a staff engineer would write
//! down, every component's load with the arithmetic that brings it, wrapped to the
//! terminal's width.

use archlint_core::model::Architecture;
use archlint_core::model::quantity::{fmt_count, fmt_size, trim_num};
use archlint_linter::estimate::{ComponentLoad, Estimate, explain};

use crate::text::fill;

/// Rows of cells as lines of aligned columns (the first left-aligned, the others
/// right-aligned, two spaces apart, indented two), the header first; `None` when they
/// do not fit `width`.
fn columns<const N: usize>(
    head: &[String; N],
    rows: &[[String; N]],
    width: usize,
) -> Option<Vec<String>> {
    let w = |c: &String| c.chars().count();
    let widths: Vec<usize> = (0..N)
        .map(|i| {
            rows.iter()
                .map(|r| w(&r[i]))
                .chain([w(&head[i])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    if 2 + widths.iter().sum::<usize>() + 2 * (N - 1) > width {
        return None;
    }
    let line = |r: &[String; N]| {
        let mut l = String::from("  ");
        for (i, cell) in r.iter().enumerate() {
            let pad = " ".repeat(widths[i] - w(cell));
            if i == 0 {
                l.push_str(cell);
                l.push_str(&pad);
            } else {
                l.push_str("  ");
                l.push_str(&pad);
                l.push_str(cell);
            }
        }
        format!("{}\n", l.trim_end())
    };
    Some(std::iter::once(head).chain(rows).map(line).collect())
}

/// The estimate as a readable table, the way a staff engineer would write it down.
pub fn render(m: &Architecture, e: &Estimate, width: usize) -> String {
    let mut s = String::new();
    let name = m.name.as_ref().map_or("system", |n| n.v.as_str());
    s.push_str(&format!("Capacity estimate for {name}\n\n"));
    if let Some(t) = &e.traffic {
        s.push_str("Traffic\n");
        s.push_str(&format!("  {}\n", fill(&t.formula, width, 2, 4)));
        s.push_str(&format!("  mean   ≈ {} rps\n", fmt_count(t.mean_rps)));
        s.push_str(&format!("  peak   ≈ {} rps\n", fmt_count(t.peak_rps)));
        if let (Some(r), Some(w)) = (t.reads_peak(), t.writes_peak()) {
            s.push_str(&format!("  reads  ≈ {} rps at peak\n", fmt_count(r)));
            s.push_str(&format!("  writes ≈ {} rps at peak\n", fmt_count(w)));
        }
        s.push('\n');
    }
    if let Some(st) = &e.storage {
        s.push_str("Storage\n");
        s.push_str(&format!("  today  {}\n", fmt_size(st.today_bytes)));
        s.push_str(&format!("  after  {}\n\n", fill(&st.formula, width, 9, 9)));
    }
    if let Some(b) = &e.bandwidth {
        s.push_str("Bandwidth at peak\n");
        if let Some(i) = b.ingress_bytes_per_s {
            s.push_str(&format!("  ingress ≈ {}/s\n", fmt_size(i)));
        }
        if let Some(o) = b.egress_bytes_per_s {
            s.push_str(&format!("  egress  ≈ {}/s\n", fmt_size(o)));
        }
        s.push('\n');
    }
    if !e.entities.is_empty() {
        s.push_str("Data access (stated rates of the entities' access patterns)\n");
        for x in &e.entities {
            let parts: Vec<String> = x
                .patterns
                .iter()
                .map(|(w, r)| format!("{w} {}", fmt_count(*r)))
                .collect();
            let line = format!(
                "{} in {}: {} rps ({})",
                x.entity,
                x.store,
                fmt_count(x.rps),
                parts.join(" + ")
            );
            s.push_str(&format!("  {}\n", fill(&line, width, 2, 4)));
        }
        let mut stores: Vec<(&str, f64)> = Vec::new();
        for x in &e.entities {
            match stores.iter_mut().find(|(st, _)| *st == x.store) {
                Some((_, r)) => *r += x.rps,
                None => stores.push((&x.store, x.rps)),
            }
        }
        for (st, r) in stores {
            s.push_str(&format!(
                "  store {st}: {} rps from its entities\n",
                fmt_count(r)
            ));
        }
        s.push('\n');
    }
    if !e.journeys.is_empty() {
        s.push_str("Journeys (their stated shares of the peak, on every step)\n");
        for j in &e.journeys {
            let line = format!(
                "{}: {} × {}% = {} rps: {}",
                j.journey,
                e.traffic
                    .as_ref()
                    .map_or("-".to_string(), |t| fmt_count(t.peak_rps)),
                trim_num(j.share * 100.0),
                fmt_count(j.rps),
                j.steps.join(" -> ")
            );
            s.push_str(&format!("  {}\n", fill(&line, width, 2, 4)));
        }
        s.push('\n');
    }
    if !e.components.is_empty() {
        s.push_str("Load at peak (busiest first)\n");
        let cells: Vec<[String; 5]> = e
            .components
            .iter()
            .map(|c| {
                let cap = c.capacity_per_replica.map_or("-".to_string(), |x| {
                    format!("{} × {}", c.replicas, fmt_count(x))
                });
                let util = c
                    .utilisation
                    .map_or("-".to_string(), |u| format!("{}%", trim_num(u * 100.0)));
                [
                    c.component.clone(),
                    fmt_count(c.peak_rps),
                    c.replicas.to_string(),
                    cap,
                    util,
                ]
            })
            .collect();
        let head = [
            "component",
            "peak rps",
            "replicas",
            "capacity",
            "utilisation",
        ]
        .map(String::from);
        let rows = columns(&head, &cells, width);
        if let Some(h) = &rows {
            s.push_str(&h[0]);
        }
        for (i, c) in e.components.iter().enumerate() {
            match &rows {
                Some(r) => s.push_str(&r[i + 1]),
                None => {
                    // too narrow for columns: the component, then its numbers in words
                    let [name, peak, replicas, cap, util] = &cells[i];
                    let mut line = format!("{peak} rps at peak, {replicas} replicas");
                    if cap != "-" {
                        line.push_str(&format!(", capacity {cap}, {util} used"));
                    }
                    s.push_str(&format!("  {name}\n    {}\n", fill(&line, width, 4, 6)));
                }
            }
            if c.throughput_stated {
                s.push_str(&format!(
                    "      {}\n",
                    fill(
                        "= its stated throughput (what its producers bring is below)",
                        width,
                        6,
                        8
                    )
                ));
            }
            for x in &c.sources {
                s.push_str(&format!("      {}\n", fill(&explain(x), width, 6, 8)));
            }
            if let (Some(r), Some(w)) = (c.reads_rps, c.writes_rps) {
                s.push_str(&format!(
                    "      reads {} rps, writes {} rps\n",
                    fmt_count(r),
                    fmt_count(w)
                ));
            }
        }
        s.push('\n');
    }
    if let Some(b) = &e.bottleneck {
        let c = e.components.iter().find(|c| &c.component == b);
        match c.and_then(|c| c.utilisation) {
            Some(u) => s.push_str(&format!(
                "Dominant bottleneck: {b} at {}% of its capacity\n",
                trim_num(u * 100.0)
            )),
            None => s.push_str(&format!(
                "{}\n",
                fill(
                    &format!(
                        "Busiest component: {b} (no capacity given, so utilisation is unknown)"
                    ),
                    width,
                    0,
                    2
                )
            )),
        }
    }
    for miss in &e.missing {
        s.push_str(&format!("Not estimated: {}\n", fill(miss, width, 15, 2)));
    }
    s
}

/// Today's numbers beside the projected ones (`estimate --at 10x`), for the totals and
/// every component whose load changes, busiest at the projection first.
pub fn render_projected(
    m: &Architecture,
    today: &Estimate,
    later: &Estimate,
    phrase: &str,
    width: usize,
) -> String {
    let mut s = render(m, today, width);
    let head = format!(
        "{} (users, request rates, data, write and queue rates scaled; capacity and replicas as today)",
        capitalise(phrase)
    );
    s.push_str(&format!("\n{}\n", fill(&head, width, 0, 2)));
    // rows of (what, today, projected, note), laid out at the end
    let mut rows: Vec<[String; 4]> = Vec::new();
    let row = |rows: &mut Vec<[String; 4]>, what: &str, a: String, b: String| {
        rows.push([what.to_string(), a, b, String::new()]);
    };
    if let (Some(a), Some(b)) = (&today.traffic, &later.traffic) {
        row(
            &mut rows,
            "mean",
            format!("{} rps", fmt_count(a.mean_rps)),
            format!("{} rps", fmt_count(b.mean_rps)),
        );
        row(
            &mut rows,
            "peak",
            format!("{} rps", fmt_count(a.peak_rps)),
            format!("{} rps", fmt_count(b.peak_rps)),
        );
        if let (Some(ra), Some(rb), Some(wa), Some(wb)) = (
            a.reads_peak(),
            b.reads_peak(),
            a.writes_peak(),
            b.writes_peak(),
        ) {
            row(
                &mut rows,
                "reads at peak",
                format!("{} rps", fmt_count(ra)),
                format!("{} rps", fmt_count(rb)),
            );
            row(
                &mut rows,
                "writes at peak",
                format!("{} rps", fmt_count(wa)),
                format!("{} rps", fmt_count(wb)),
            );
        }
    }
    if let (Some(a), Some(b)) = (&today.storage, &later.storage) {
        row(
            &mut rows,
            "storage today",
            fmt_size(a.today_bytes),
            fmt_size(b.today_bytes),
        );
        row(
            &mut rows,
            &format!("storage after {}y", trim_num(a.horizon_years)),
            fmt_size(a.after_bytes),
            fmt_size(b.after_bytes),
        );
    }
    let mut comps: Vec<(&ComponentLoad, &ComponentLoad)> = later
        .components
        .iter()
        .filter_map(|b| {
            today
                .components
                .iter()
                .find(|a| a.component == b.component)
                .map(|a| (a, b))
        })
        .filter(|(a, b)| (a.peak_rps - b.peak_rps).abs() > 1e-9)
        .collect();
    comps.sort_by(|x, y| {
        let u = |c: &ComponentLoad| c.utilisation.unwrap_or(-1.0);
        u(y.1)
            .total_cmp(&u(x.1))
            .then_with(|| y.1.peak_rps.total_cmp(&x.1.peak_rps))
    });
    if !comps.is_empty() {
        rows.push([
            "load at peak (utilisation)".into(),
            String::new(),
            String::new(),
            String::new(),
        ]);
        for (a, b) in comps {
            let show = |c: &ComponentLoad| match c.utilisation {
                Some(u) => format!("{} ({}%)", fmt_count(c.peak_rps), trim_num(u * 100.0)),
                None => fmt_count(c.peak_rps),
            };
            let over = if b.utilisation.is_some_and(|u| u > 1.0)
                && !a.utilisation.is_some_and(|u| u > 1.0)
            {
                "← over capacity"
            } else {
                ""
            };
            rows.push([
                format!("  {}", a.component),
                show(a),
                show(b),
                over.to_string(),
            ]);
        }
    }
    for (a, b) in today.entities.iter().zip(&later.entities) {
        row(
            &mut rows,
            &format!("entity {}", a.entity),
            format!("{} rps", fmt_count(a.rps)),
            format!("{} rps", fmt_count(b.rps)),
        );
    }
    let head = [
        String::new(),
        "today".to_string(),
        phrase.to_string(),
        String::new(),
    ];
    match columns(&head, &rows, width) {
        Some(lines) => {
            for l in lines {
                s.push_str(&l);
            }
        }
        None => {
            // too narrow for columns: `what: today → projected`, a line each
            for [what, a, b, note] in &rows {
                let line = if a.is_empty() {
                    format!("{}:", what.trim())
                } else {
                    format!("{}: {a} → {b} {note}", what.trim())
                };
                let indent = 2 + what.len() - what.trim_start().len();
                s.push_str(&format!(
                    "{}{}\n",
                    " ".repeat(indent),
                    fill(line.trim_end(), width, indent, indent + 2)
                ));
            }
        }
    }
    s
}

/// A component's recorded rate beside the model's (`estimate --observed`).
pub struct Beside {
    pub component: String,
    /// The modelled peak, and the mean it comes from (the peak over the design's
    /// `peak_to_average`; none for a queue whose stated throughput replaced it).
    pub peak: Option<f64>,
    pub mean: Option<f64>,
    /// The recorded mean rate (calls over the window), or the calls without one.
    pub seen: f64,
}

/// The recorded rates beside the model's (`window` as the user wrote it): the ratio of
/// the means shows a wrong `share` or `per_request`. Without a window, the recorded
/// calls.
pub fn render_observed(rows: &[Beside], window: Option<&str>, width: usize) -> String {
    let dash = || "-".to_string();
    let ratio = |r: &Beside| {
        r.mean
            .filter(|m| *m > 0.0)
            .map_or_else(dash, |m| format!("{}×", trim_num(r.seen / m)))
    };
    let model = |r: &Beside| {
        [
            r.component.clone(),
            r.peak.map_or_else(dash, fmt_count),
            r.mean.map_or_else(dash, fmt_count),
            fmt_count(r.seen),
        ]
    };
    let (title, lines) = match window {
        Some(w) => (
            format!("Recorded over {w} beside today's model (rps)"),
            columns(
                &[
                    "component",
                    "model peak",
                    "model mean",
                    "recorded mean",
                    "rec/model",
                ]
                .map(String::from),
                &rows
                    .iter()
                    .map(|r| {
                        let [a, b, c, d] = model(r);
                        [a, b, c, d, ratio(r)]
                    })
                    .collect::<Vec<_>>(),
                width,
            ),
        ),
        None => (
            "Recorded calls beside today's model (rps)".to_string(),
            columns(
                &["component", "model peak", "model mean", "recorded calls"].map(String::from),
                &rows.iter().map(model).collect::<Vec<_>>(),
                width,
            ),
        ),
    };
    let mut t = format!("\n{title}\n");
    match lines {
        Some(lines) => t.extend(lines),
        None => {
            // too narrow for columns: the component, then its numbers in words
            for r in rows {
                let [name, peak, mean, seen] = model(r);
                let line = match window {
                    Some(_) => format!(
                        "model {peak} at peak, {mean} mean; recorded {seen} mean ({} the model's)",
                        ratio(r)
                    ),
                    None => format!("model {peak} at peak, {mean} mean; recorded {seen} calls"),
                };
                t.push_str(&format!("  {name}\n    {}\n", fill(&line, width, 4, 6)));
            }
        }
    }
    let note = match window {
        Some(_) => {
            "the model's mean is its peak over the design's peak_to_average; rec/model far from 1× points at a share, per_request or fan-out the system does not have"
        }
        None => {
            "give `--window` (how long the recording covers, e.g. `--window 1h`) to compare the recorded rates with the model's"
        }
    };
    t.push_str(&format!("  {}\n", fill(note, width, 2, 2)));
    t
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
