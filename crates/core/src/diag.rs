//! The one diagnostic type every stage produces.

use serde::Serialize;

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A secondary location: a hop of a chain, the first definition of a duplicate, ...
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub message: String,
    pub path: String,
    pub span: Span,
}

/// A finding (or an input error, rule `invalid-input`) located in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub rule: String,
    pub severity: Severity,
    /// One sentence: what is wrong.
    pub message: String,
    /// The label under the primary span.
    pub label: String,
    /// What to do instead.
    pub help: Option<String>,
    /// Dotted path of the YAML node at fault (`components.api.calls[0]`), "" for the document.
    pub path: String,
    pub span: Span,
    pub related: Vec<Related>,
    /// Stable identity across edits, set once the file's findings are
    /// sorted ([`crate::fingerprint::assign`]); empty until then.
    pub fingerprint: String,
    /// Set on a finding that appears only under a projection (`10x`, `3y`).
    pub projected: Option<String>,
    /// When the locations tell a sequence (a chain's hops, a cycle, a path): the primary
    /// location's place in it, the related ones being the rest in order. The terminal
    /// then shows them in that order, not sorted by line.
    pub sequence: Option<usize>,
}

pub const INVALID_INPUT: &str = "invalid-input";

impl Diagnostic {
    pub fn new(
        rule: &str,
        severity: Severity,
        path: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule: rule.to_string(),
            severity,
            message: message.into(),
            label: String::new(),
            help: None,
            path: path.into(),
            span,
            related: Vec::new(),
            fingerprint: String::new(),
            projected: None,
            sequence: None,
        }
    }
    pub fn invalid(path: impl Into<String>, span: Span, message: impl Into<String>) -> Self {
        Self::new(INVALID_INPUT, Severity::Error, path, span, message)
    }
    pub fn label(mut self, l: impl Into<String>) -> Self {
        self.label = l.into();
        self
    }
    pub fn help(mut self, h: impl Into<String>) -> Self {
        self.help = Some(h.into());
        self
    }
    /// The locations tell a sequence, the primary at place `at` (0-based) and the
    /// related ones, in their order, around it.
    pub fn in_sequence(mut self, at: usize) -> Self {
        self.sequence = Some(at);
        self
    }
    pub fn maybe_help(mut self, h: Option<String>) -> Self {
        if h.is_some() {
            self.help = h;
        }
        self
    }
    pub fn related(
        mut self,
        path: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            message: message.into(),
            path: path.into(),
            span,
        });
        self
    }
    pub fn is_input_error(&self) -> bool {
        self.rule == INVALID_INPUT
    }
}

/// Diagnostics sorted by position, then rule.
pub fn sort(ds: &mut [Diagnostic]) {
    ds.sort_by(|a, b| {
        (a.span.start(), &a.rule, a.span.end(), &a.message).cmp(&(
            b.span.start(),
            &b.rule,
            b.span.end(),
            &b.message,
        ))
    });
}

/// "did you mean `x`?" for the closest candidate, if any is close enough.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lw = word.to_ascii_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let lc = c.to_ascii_lowercase();
        let mut score = strsim::jaro_winkler(&lw, &lc);
        if lw.replace(['-', '_'], "") == lc.replace(['-', '_'], "") {
            score = 1.0;
        }
        let dist = strsim::levenshtein(&lw, &lc);
        if dist <= 2 && lw.len() > 2 {
            score = score.max(0.9);
        }
        if score >= 0.82 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `a, b, c`, or `a, b, c and 5 more`: the first `n` items of a list, for a message
/// or a summary (all of them when only one more would be left out).
pub fn first_few(items: &[String], n: usize) -> String {
    if items.len() <= n + 1 {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..n].join(", "), items.len() - n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("repilcas", ["replicas", "kind"]), Some("replicas"));
        assert_eq!(suggest("time_out", ["timeout", "to"]), Some("timeout"));
        assert_eq!(suggest("zzz", ["replicas", "kind"]), None);
        assert_eq!(
            suggest("ordrs-db", ["orders-db", "users-db"]),
            Some("orders-db")
        );
    }
}
