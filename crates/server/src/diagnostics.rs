//! `textDocument/publishDiagnostics`: a document's findings as LSP diagnostics.

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, Uri,
};

use archlint_core::diag::Severity;
use archlint_core::model::Date;

use crate::document::{Linted, lint, range};

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// The document's findings (and, when its configuration has errors, one diagnostic
/// saying the defaults were used instead).
pub fn lsp_diagnostics(uri: &str, text: &str, today: Date) -> Vec<Diagnostic> {
    convert(uri, lint(uri, text, today))
}

/// A lint's findings as LSP diagnostics.
pub(crate) fn convert(uri: &str, l: Linted) -> Vec<Diagnostic> {
    let as_uri = uri.parse::<Uri>().ok();
    let mut out: Vec<Diagnostic> = l
        .diags
        .iter()
        .map(|d| {
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            let related = as_uri.as_ref().map(|u| {
                d.related
                    .iter()
                    .map(|r| DiagnosticRelatedInformation {
                        location: Location::new(u.clone(), range(&l.src, r.span)),
                        message: r.message.clone(),
                    })
                    .collect()
            });
            Diagnostic {
                range: range(&l.src, d.span),
                severity: Some(severity(d.severity)),
                code: Some(NumberOrString::String(d.rule.clone())),
                code_description: archlint_outputs::page_url(&d.rule)
                    .and_then(|u| u.parse().ok())
                    .map(|href| CodeDescription { href }),
                source: Some("archlint".into()),
                message,
                related_information: related,
                tags: None,
                data: Some(serde_json::json!({ "fingerprint": d.fingerprint })),
            }
        })
        .collect();
    if let Some(e) = l.config_error {
        let start = Position::new(0, 0);
        out.push(Diagnostic {
            range: Range::new(start, start),
            severity: Some(DiagnosticSeverity::WARNING),
            code: Some(NumberOrString::String("invalid-input".into())),
            source: Some("archlint".into()),
            message: e,
            ..Default::default()
        });
    }
    out
}
