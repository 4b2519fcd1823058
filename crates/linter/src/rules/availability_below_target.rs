//! `availability-below-target`: The availability along an entry point's critical path is below the target.

use super::prelude::*;

declare_rule! {
    id: "availability-below-target",
    category: Resilience,
    severity: Error,
    section: 7,
    summary: "The availability along an entry point's critical path is below the target.",
    references: [
        "Google, *Site Reliability Engineering*, appendix A *Availability Table* <https://sre.google/sre-book/availability-table/>",
        "Google, *Site Reliability Engineering*, ch. 3 *Embracing Risk* <https://sre.google/sre-book/embracing-risk/>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = availability_of_entries(cx);
    out.extend(availability_of_journeys(cx));
    out
}

fn superscript(n: u64) -> String {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    n.to_string()
        .chars()
        .map(|d| SUP[d.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

/// One factor of the product, labelled with its component: `(api: 99.9%)`, or
/// `(db: 1 − 0.001²)` for replicas that fail independently.
fn factor_text(c: &Component, n: u64) -> String {
    let a = c.availability.as_ref().map_or(0.999, |x| x.v);
    if n <= 1 {
        format!("({}: {})", c.id, fmt_percent(a))
    } else {
        let down = 1.0 - a;
        format!(
            "({}: 1 − {}{})",
            c.id,
            archlint_core::model::quantity::trim_num(down).trim_end_matches('0'),
            superscript(n)
        )
    }
}

/// Components in series that fall short of a target: their availabilities' product,
/// the weakest of them, and the product written out (`(api: 99.9%) × (db: 1 − 0.001²) × …`).
struct Series {
    product: f64,
    weakest: usize,
    arithmetic: String,
}

/// The series of `members` when its product is below `target`; `None` when it meets
/// the target or is empty.
fn series_below(
    m: &Architecture,
    g: &SystemGraph,
    members: &[usize],
    target: f64,
) -> Option<Series> {
    let avail = |v: usize| crate::rules::availability_of(m, g, v);
    let product: f64 = members.iter().map(|&v| avail(v)).product();
    if members.is_empty() || product >= target - 1e-12 {
        return None;
    }
    let weakest = *members
        .iter()
        // equal availabilities (99.9% stated or by default, which differ in the last
        // bit) leave the first on the path as the weakest
        .min_by(|&&a, &&b| crate::estimate::cmp_close(avail(a), avail(b)))
        .expect("non-empty");
    let arithmetic = members
        .iter()
        .map(|&v| factor_text(&m.components[v], effective_replicas(m, g, v)))
        .collect::<Vec<_>>()
        .join(" × ");
    Some(Series {
        product,
        weakest,
        arithmetic,
    })
}

fn availability_of_entries(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let Some(target) = availability_target(m) else {
        return vec![];
    };
    let counted = |v: usize| m.components[v].kind() != Kind::Client;
    let avail = |v: usize| crate::rules::availability_of(m, g, v);
    let unavail = |v: usize| {
        if counted(v) {
            -avail(v).max(1e-300).ln()
        } else {
            0.0
        }
    };
    let (crit, _) = g.longest_from(|e| g.hop_weight(e), unavail);
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut reported = std::collections::HashSet::new();
    for root in g.root_entry_points(m) {
        let path = g.follow(&crit, root);
        let nodes: Vec<usize> = if path.is_empty() {
            vec![root]
        } else {
            g.nodes_of(&path)
        };
        // the origin of the traffic is outside the system when it is a client or an external
        let members: Vec<usize> = nodes
            .iter()
            .copied()
            .filter(|&v| counted(v) && !(v == root && m.components[v].kind().is_outside()))
            .collect();
        if members.is_empty() {
            continue;
        }
        let Some(Series {
            product,
            weakest,
            arithmetic,
        }) = series_below(m, g, &members, target.v)
        else {
            continue;
        };
        if !reported.insert(weakest) {
            continue;
        }
        let w = &m.components[weakest];
        let route = if path.is_empty() {
            m.components[root].id.clone()
        } else {
            g.describe(m, &path)
        };
        let mut d = cx
            .diag(w.path(), w.span, format!(
                "availability along the critical path {route} is {arithmetic} = {} < {} target",
                fmt_percent(product), fmt_percent(target.v)
            ))
            .label(format!("weakest link: {}", fmt_percent(avail(weakest))))
            .help(format!(
                "components in series multiply their availabilities; add replicas to the weakest links (starting with `{}`), take components off the synchronous path, or relax the target",
                w.id
            ))
            .related("requirements.availability", target.span, format!("{} required", fmt_percent(target.v)));
        for &v in &members {
            if v != weakest {
                let c = &m.components[v];
                d = d.related(
                    c.path(),
                    c.span,
                    format!("{}: {}", c.id, fmt_percent(avail(v))),
                );
            }
        }
        out.push(d);
    }
    out
}

/// Each journey against its own availability target: the product over its steps
/// (clients not counted, externals counted, replicas as in the entry-point check).
fn availability_of_journeys(cx: &Ctx) -> Vec<Diagnostic> {
    let (m, g) = (cx.m, cx.g);
    let mut out = Vec::new();
    for j in &m.journeys {
        let Some(target) = &j.availability else {
            continue;
        };
        let nodes = journey_nodes(m, j);
        let members: Vec<usize> = nodes
            .iter()
            .copied()
            .filter(|&v| m.components[v].kind() != Kind::Client)
            .collect();
        let avail = |v: usize| crate::rules::availability_of(m, g, v);
        let Some(Series {
            product,
            weakest,
            arithmetic,
        }) = series_below(m, g, &members, target.v)
        else {
            continue;
        };
        let mut d = cx
            .diag(
                j.path(),
                j.span,
                format!(
                    "journey `{}` ({}) is available {arithmetic} = {} < its {} target",
                    j.name,
                    journey_route(m, &nodes),
                    fmt_percent(product),
                    fmt_percent(target.v)
                ),
            )
            .label(format!("weakest step: `{}` at {}", m.components[weakest].id, fmt_percent(avail(weakest))))
            .help(format!(
                "steps in series multiply their availabilities; add replicas to the weakest (starting with `{}`), take a step off the journey's synchronous path, or relax the journey's target",
                m.components[weakest].id
            ))
            .related(format!("{}.availability", j.path()), target.span, format!("{} required", fmt_percent(target.v)));
        for (i, s) in j.steps.iter().enumerate() {
            let v = m.index[&s.v];
            if v == weakest {
                d = d.related(
                    format!("{}.steps[{i}]", j.path()),
                    s.span,
                    format!("weakest: {}", fmt_percent(avail(v))),
                );
            }
        }
        out.push(d);
    }
    out
}
