//! `journey-share-mismatch`: A router sends a journey's next step less than the journeys through it need.

use super::prelude::*;
use crate::traffic::Why;

declare_rule! {
    id: "journey-share-mismatch",
    category: Capacity,
    severity: Info,
    section: 2,
    summary: "A router sends a journey's next step less than the journeys through it need.",
    references: [
        "Alex Xu, *System Design Interview* (2020), ch. 2 *Back-of-the-envelope Estimation*",
        "Google, *Site Reliability Engineering*, ch. 21 *Handling Overload* <https://sre.google/sre-book/handling-overload/>",
    ],
    check: check,
}

/// For every call from a router to the next step of journeys with a stated `share`:
/// the journeys need their shares of the peak to pass that call; the router's split
/// (its calls' shares, or an even split) may send less.
fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let Some(t) = estimate::traffic(m) else {
        return vec![];
    };
    // (router, next step) -> the journeys through that call, in file order
    let mut through: Vec<((usize, usize), Vec<usize>)> = Vec::new();
    for (ji, j) in m.journeys.iter().enumerate() {
        if j.share.is_none() {
            continue;
        }
        for pair in j.steps.windows(2) {
            let (Some(&r), Some(&n)) = (m.index.get(&pair[0].v), m.index.get(&pair[1].v)) else {
                continue;
            };
            if !m.components[r].is_router() {
                continue;
            }
            match through.iter_mut().find(|(k, _)| *k == (r, n)) {
                Some((_, js)) => {
                    if !js.contains(&ji) {
                        js.push(ji)
                    }
                }
                None => through.push(((r, n), vec![ji])),
            }
        }
    }
    if through.is_empty() {
        return vec![];
    }
    let flow = crate::traffic::flow(m, g, t.peak_rps, t.read_share);
    let mut out = Vec::new();
    for ((r, n), js) in through {
        let router = &m.components[r];
        let need: f64 = js
            .iter()
            .filter_map(|&ji| m.journeys[ji].share.as_ref())
            .map(|s| s.v * t.peak_rps)
            .sum();
        let sent: Vec<&crate::traffic::Source> = flow.sources[n]
            .iter()
            .filter(|s| s.from == router.id && matches!(s.why, Why::Share | Why::EvenSplit))
            .collect();
        let rps: f64 = sent.iter().map(|s| s.rps).sum();
        if rps + 1e-9 * need.max(1.0) >= need {
            continue;
        }
        let how = match sent.first() {
            Some(s) if s.why == Why::EvenSplit => "an even split".to_string(),
            Some(s) => format!("its call's share, {}", fmt_percent(s.fraction)),
            None => "nothing".to_string(),
        };
        let names: Vec<String> = js
            .iter()
            .map(|&ji| {
                let j = &m.journeys[ji];
                format!(
                    "{} {}",
                    j.name,
                    j.share.as_ref().map_or(String::new(), |s| fmt_percent(s.v))
                )
            })
            .collect();
        let first = &m.journeys[js[0]];
        let share = first.share.as_ref().expect("journeys with a share");
        let mut d = cx
            .diag(
                format!("{}.share", first.path()),
                share.span,
                format!(
                    "the journeys through `{} -> {}` ({}) need {} rps, but `{}` sends `{}` {} rps ({how})",
                    router.id,
                    m.components[n].id,
                    names.join(", "),
                    fmt_count(need),
                    router.id,
                    m.components[n].id,
                    fmt_count(rps)
                ),
            )
            .label("this journey's share does not fit the router's split")
            .help(format!(
                "state `share:` on `{}`'s call to `{}` (at least {}), or correct the journeys' shares",
                router.id,
                m.components[n].id,
                fmt_percent((need / flow.load[r].max(f64::MIN_POSITIVE)).min(1.0))
            ));
        if let Some(i) = router
            .calls
            .iter()
            .position(|c| c.to.v == m.components[n].id)
        {
            d = d.related(
                router.call_path(i),
                router.calls[i].span,
                format!("`{}` routes here", router.id),
            );
        }
        for &ji in &js[1..] {
            if let Some(s) = &m.journeys[ji].share {
                d = d.related(
                    format!("{}.share", m.journeys[ji].path()),
                    s.span,
                    format!("journey `{}`", m.journeys[ji].name),
                );
            }
        }
        out.push(d);
    }
    out
}
