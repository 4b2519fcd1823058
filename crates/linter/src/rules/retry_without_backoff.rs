//! `retry-without-backoff`: A retry policy without exponential backoff, or without jitter.

use super::prelude::*;
use crate::fix::{Edit, Fix, end_of, is_flow, node_at};
use archlint_core::source::SourceFile;

declare_rule! {
    id: "retry-without-backoff",
    category: Resilience,
    severity: Warning,
    section: 7,
    summary: "A retry policy without exponential backoff, or without jitter.",
    references: [
        "Marc Brooker, *Exponential Backoff And Jitter*, AWS Architecture Blog <https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/>",
        "AWS Builders' Library, *Timeouts, retries, and backoff with jitter* <https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/>",
        "Microsoft Azure Architecture Center, *Retry pattern* <https://learn.microsoft.com/en-us/azure/architecture/patterns/retry>",
    ],
    check: check,
    fix: fix,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let help = "use `retry: { attempts: 3, backoff: exponential, jitter: true }`: exponential backoff gives a struggling dependency room to recover, and jitter keeps clients from retrying in lockstep";
    for c in &cx.m.components {
        for (i, call) in c.calls.iter().enumerate() {
            let Some(r) = &call.retry else { continue };
            if call.is_startup() {
                continue; // made once at start-up: not on any request path
            }
            if let Some(problem) = retry_problem(&r.v) {
                out.push(
                    cx.diag(
                        c.call_path(i),
                        call.span,
                        format!(
                            "`{}` makes up to {} per call to `{}` with {problem}",
                            c.id,
                            tries(r.v.attempts()),
                            call.to.v
                        ),
                    )
                    .label(format!("retry with {problem}"))
                    .help(help)
                    .related(c.call_path(i), r.span, "retry policy"),
                );
            }
        }
        for (i, cons) in c.consumes.iter().enumerate() {
            let Some(r) = &cons.retry else { continue };
            if let Some(problem) = retry_problem(&r.v) {
                out.push(
                    cx.diag(
                        c.consume_path(i),
                        cons.span,
                        format!(
                            "`{}` makes up to {} per message from `{}` with {problem}",
                            c.id,
                            tries(r.v.attempts()),
                            cons.from.v
                        ),
                    )
                    .label(format!("retry with {problem}"))
                    .help(help)
                    .related(c.consume_path(i), r.span, "retry policy"),
                );
            }
        }
    }
    out
}

fn retry_problem(r: &Retry) -> Option<String> {
    let Retry::Policy {
        backoff, jitter, ..
    } = r
    else {
        return None;
    };
    if !r.retries() {
        return None;
    }
    let b = match backoff {
        Some(Backoff::Exponential) => None,
        Some(Backoff::None) => Some("no backoff (`backoff: none`)".to_string()),
        Some(b) => Some(format!("{b} backoff")),
        None => Some("no backoff".to_string()),
    };
    let j = (*jitter != Some(true)).then_some("no jitter");
    match (b, j) {
        (None, None) => None,
        (Some(b), Some(j)) => Some(format!("{b} and {j}")),
        (Some(b), None) => Some(b),
        (None, Some(j)) => Some(j.to_string()),
    }
}

/// `3 attempts (2 retries)`: what `attempts:` counts, said without ambiguity.
fn tries(attempts: u64) -> String {
    let retries = attempts.saturating_sub(1);
    format!(
        "{attempts} attempts ({retries} {})",
        if retries == 1 { "retry" } else { "retries" }
    )
}

/// `backoff: exponential` and `jitter: true` in the retry policy, in its own style; an
/// integer `retry: 3` becomes `{ attempts: 3, backoff: exponential, jitter: true }`.
fn fix(src: &SourceFile, root: &yaml::Node, d: &Diagnostic) -> Option<Fix> {
    let text = src.text.as_str();
    let item = node_at(root, &d.path)?;
    let (_, retry) = item.entry("retry")?;
    let title = "use exponential backoff with jitter".to_string();
    let fix = |edits: Vec<Edit>| Fix {
        rule: d.rule.clone(),
        path: d.path.clone(),
        title: title.clone(),
        edits,
        skipped: None,
    };
    if let Some(n) = retry.as_scalar() {
        let attempts: u64 = n.trim().parse().ok()?;
        return Some(fix(vec![Edit {
            start: retry.span.start(),
            end: end_of(text, retry),
            text: format!("{{ attempts: {attempts}, backoff: exponential, jitter: true }}"),
        }]));
    }
    let entries = retry.as_map()?;
    let mut edits = Vec::new();
    let mut missing = Vec::new();
    for (key, want) in [("backoff", "exponential"), ("jitter", "true")] {
        match entries.iter().find(|(k, _)| k.as_scalar() == Some(key)) {
            Some((_, v)) if v.as_scalar().map(str::trim) == Some(want) => {}
            Some((_, v)) => edits.push(Edit {
                start: v.span.start(),
                end: end_of(text, v),
                text: want.to_string(),
            }),
            None => missing.push(format!("{key}: {want}")),
        }
    }
    if !missing.is_empty() {
        let last = entries.last()?;
        let at = end_of(text, &last.1).max(last.0.span.end());
        if is_flow(text, retry) {
            edits.push(Edit {
                start: at,
                end: at,
                text: format!(", {}", missing.join(", ")),
            });
        } else {
            let indent = " ".repeat(src.line_col(entries[0].0.span.start()).column - 1);
            let (_, line_end) = src.line_bounds(at.saturating_sub(1).max(last.0.span.start()));
            let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
            let lines: String = missing.iter().map(|m| format!("{nl}{indent}{m}")).collect();
            edits.push(Edit {
                start: line_end,
                end: line_end,
                text: lines,
            });
        }
    }
    (!edits.is_empty()).then(|| fix(edits))
}
