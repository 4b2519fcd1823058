//! `capacity-exceeded`: The peak request rate reaching a component exceeds its capacity × replicas.

use super::prelude::*;

declare_rule! {
    id: "capacity-exceeded",
    category: Capacity,
    severity: Error,
    section: 2,
    summary: "The peak request rate reaching a component exceeds its capacity × replicas.",
    references: [
        "Google, *Site Reliability Engineering*, ch. 21 *Handling Overload* <https://sre.google/sre-book/handling-overload/>",
        "Google, *Site Reliability Engineering*, ch. 22 *Addressing Cascading Failures* <https://sre.google/sre-book/addressing-cascading-failures/>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let Some(t) = estimate::traffic(m) else {
        return vec![];
    };
    let load = estimate::loads(m, g, &t);
    let over: Vec<(usize, f64)> = m
        .components
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let cap = c.capacity.as_ref()?.v * c.replicas() as f64;
            (load[i] > cap && cap > 0.0).then(|| (i, load[i] / cap))
        })
        .collect();
    let worst = over
        .iter()
        .min_by(|a, b| {
            estimate::busiest_first(
                (a.1, load[a.0], &m.components[a.0].id),
                (b.1, load[b.0], &m.components[b.0].id),
            )
        })
        .map(|&(i, _)| i);
    over.iter()
        .map(|&(i, util)| {
            let c = &m.components[i];
            let cap = c.capacity.as_ref().expect("filtered on capacity");
            let total = cap.v * c.replicas() as f64;
            let who = if Some(i) == worst {
                "it is the dominant bottleneck".to_string()
            } else {
                format!("the dominant bottleneck is `{}`", m.components[worst.unwrap_or(i)].id)
            };
            let needed = (load[i] / cap.v).ceil();
            cx.diag(c.field_path("capacity"), cap.span, format!(
                "peak load of {} rps reaches `{}`, but {} replica{} × {} rps = {} rps ({}% utilisation); {who}",
                fmt_count(load[i]),
                c.id,
                c.replicas(),
                if c.replicas() == 1 { "" } else { "s" },
                fmt_count(cap.v),
                fmt_count(total),
                trim_num(util * 100.0)
            ))
            .label("over capacity at peak")
            .help(format!(
                "run at least {} replicas (plus headroom), raise per-replica capacity, or shed load before it: a cache, a queue, or lower fan-out; peak: {}",
                needed, t.formula
            ))
        })
        .collect()
}
