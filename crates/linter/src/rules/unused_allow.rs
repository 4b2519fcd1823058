//! `unused-allow`: An `allow` entry suppresses nothing.
//!
//! No check of its own: the engine reports it after suppression: an entry that covered no finding.

use std::collections::HashSet;

use super::suppress::{allow_path, allows, ancestors, expired, severity_of};
use super::{Ctx, Settings, UNUSED_ALLOW};
use archlint_core::diag::{Diagnostic, Severity};
use archlint_core::model::{Architecture, Date};

declare_rule! {
    id: "unused-allow",
    category: Suppressions,
    severity: Info,
    section: 6,
    summary: "An `allow` entry suppresses nothing.",
    references: [
        "ESLint, *Report unused disable directives* <https://eslint.org/docs/latest/use/configure/rules#report-unused-eslint-disable-comments>",
    ],
    check: check,
}

/// Nothing: the engine reports these findings after the rules ran.
fn check(_: &Ctx) -> Vec<Diagnostic> {
    Vec::new()
}

pub(super) fn unused_allows(
    m: &Architecture,
    used: &[(String, String)],
    settings: &Settings,
    today: Option<Date>,
) -> Vec<Diagnostic> {
    let sev = severity_of(settings, UNUSED_ALLOW, Severity::Info);
    let covered: HashSet<(&str, &str)> = used
        .iter()
        .flat_map(|(r, p)| {
            ancestors(p)
                .chain(std::iter::once(""))
                .map(move |a| (r.as_str(), a))
        })
        .collect();
    let mut out = Vec::new();
    for (path, a) in allows(m) {
        if !settings.is_enabled_id(&a.rule) || a.rule == UNUSED_ALLOW || expired(a, today) {
            continue;
        }
        // a drift rule fires only against recorded traffic (`archlint drift`): its
        // allow cannot be judged from the design alone
        if super::find(&a.rule).is_some_and(|r| r.category == super::Category::Drift) {
            continue;
        }
        if covered.contains(&(a.rule.as_str(), path.as_str())) {
            continue;
        }
        let place = if path.is_empty() {
            "in this file".to_string()
        } else {
            format!("at `{path}`")
        };
        out.push(
            Diagnostic::new(
                UNUSED_ALLOW,
                sev,
                allow_path(&path, &a.rule),
                a.span,
                format!("`allow: {}` suppresses nothing here", a.rule),
            )
            .label("no finding to suppress")
            .help(format!(
                "remove this entry; `{}` reports nothing {place}",
                a.rule
            )),
        );
    }
    out
}
