//! `expired-allow`: An `allow` entry has passed its `until` date.
//!
//! No check of its own: the engine reports it: an entry whose `until` date has come.

use super::suppress::{allow_path, allows, expired, severity_of};
use super::{Ctx, EXPIRED_ALLOW, Settings};
use archlint_core::diag::{Diagnostic, Severity};
use archlint_core::model::{Architecture, Date};

declare_rule! {
    id: "expired-allow",
    category: Suppressions,
    severity: Warning,
    section: 6,
    summary: "An `allow` entry has passed its `until` date.",
    references: [
        "ESLint, *Report unused disable directives* <https://eslint.org/docs/latest/use/configure/rules#report-unused-eslint-disable-comments>",
    ],
    check: check,
}

/// Nothing: the engine reports these findings after the rules ran.
fn check(_: &Ctx) -> Vec<Diagnostic> {
    Vec::new()
}

/// `expired-allow`: entries whose `until` date has come. They suppress nothing any
/// more, so the findings they hid are reported again, and this says why.
pub(super) fn expired_allows(
    m: &Architecture,
    settings: &Settings,
    today: Option<Date>,
) -> Vec<Diagnostic> {
    let sev = severity_of(settings, EXPIRED_ALLOW, Severity::Warning);
    let mut out = Vec::new();
    for (path, a) in allows(m) {
        let Some(until) = a.until.as_ref().filter(|_| expired(a, today)) else {
            continue;
        };
        let p = allow_path(&path, &a.rule);
        out.push(
            Diagnostic::new(
                EXPIRED_ALLOW,
                sev,
                p.clone(),
                a.span,
                format!(
                    "the `allow` of `{}` expired on {}; it no longer suppresses",
                    a.rule, until.v
                ),
            )
            .label("expired suppression")
            .related(format!("{p}.until"), until.span, format!("until {}", until.v))
            .help(format!(
                "fix what `{}` reports here, or, if the reason (\"{}\") still holds, renew it with a later `until:`",
                a.rule, a.reason
            )),
        );
    }
    out
}
