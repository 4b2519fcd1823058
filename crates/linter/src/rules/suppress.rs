//! `allow`: which findings an entry suppresses (expired entries suppress nothing),
//! and the entries themselves for `unused-allow` and `expired-allow`.

use std::collections::HashSet;

use super::{Settings, find};
use archlint_core::diag::{Diagnostic, Severity};
use archlint_core::model::{Allow, Architecture, Date};

/// Every `allow` in the file with the path of the node it sits on (`""` for the
/// file-level `allow:`).
pub(super) fn allows(m: &Architecture) -> Vec<(String, &Allow)> {
    let mut v: Vec<(String, &Allow)> = m.allow.iter().map(|a| (String::new(), a)).collect();
    for c in &m.components {
        v.extend(c.allow.iter().map(|a| (c.path(), a)));
        for (i, call) in c.calls.iter().enumerate() {
            v.extend(call.allow.iter().map(|a| (c.call_path(i), a)));
        }
        for (i, cons) in c.consumes.iter().enumerate() {
            v.extend(cons.allow.iter().map(|a| (c.consume_path(i), a)));
        }
    }
    v
}

/// Whether an entry has passed its `until` date (on that day it no longer holds).
pub(super) fn expired(a: &Allow, today: Option<Date>) -> bool {
    a.until.as_ref().zip(today).is_some_and(|(u, t)| t >= u.v)
}

/// The path of an `allow` entry: `components.api.allow.RULE`, or `allow.RULE` at the top.
pub(super) fn allow_path(path: &str, rule: &str) -> String {
    if path.is_empty() {
        format!("allow.{rule}")
    } else {
        format!("{path}.allow.{rule}")
    }
}

/// The paths an allow at `path` covers `path` from: the path itself and each
/// ancestor (`components.a.calls[0].timeout` -> `components.a.calls[0]`, `components.a`, ...).
pub(super) fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    std::iter::once(path).chain(
        path.char_indices()
            .rev()
            .filter(|&(_, ch)| ch == '.' || ch == '[')
            .map(move |(i, _)| &path[..i]),
    )
}

/// Drop findings an `allow` covers (expired entries cover nothing). Returns the kept
/// findings and, for each dropped one, its (rule, path) so that unused allows can be
/// found. Allows are indexed by (rule, path), so this is linear in findings times path
/// depth; a file-level entry covers the rule's findings everywhere.
pub(super) fn suppress(
    m: &Architecture,
    ds: Vec<Diagnostic>,
    today: Option<Date>,
) -> (Vec<Diagnostic>, Vec<(String, String)>) {
    let all = allows(m);
    if all.is_empty() {
        return (ds, Vec::new());
    }
    let index: HashSet<(&str, &str)> = all
        .iter()
        .filter(|(_, a)| !expired(a, today))
        .map(|(p, a)| (a.rule.as_str(), p.as_str()))
        .collect();
    let mut used = Vec::new();
    let kept = ds
        .into_iter()
        .filter(|d| {
            let hit = index.contains(&(d.rule.as_str(), ""))
                || ancestors(&d.path).any(|p| index.contains(&(d.rule.as_str(), p)));
            if hit {
                used.push((d.rule.clone(), d.path.clone()));
            }
            !hit
        })
        .collect();
    (kept, used)
}

pub(super) fn severity_of(settings: &Settings, id: &str, default: Severity) -> Severity {
    settings
        .severity
        .get(id)
        .copied()
        .unwrap_or(find(id).map_or(default, |r| r.meta().severity))
}
