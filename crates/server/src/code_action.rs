//! `textDocument/codeAction`: the safe fixes of the findings on the lines asked about.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, NumberOrString, Range, TextEdit,
    Uri, WorkspaceEdit,
};

use archlint_core::model::Date;
use archlint_core::source::Span;

use crate::document::{lint, offset, range};

pub(crate) fn code_actions(
    uri: &Uri,
    text: &str,
    want: Range,
    today: Date,
) -> Vec<CodeActionOrCommand> {
    let l = lint(uri.as_str(), text, today);
    let (a, b) = (offset(&l.src, want.start), offset(&l.src, want.end));
    let fixes = archlint_linter::fix::fixes(&l.src, &l.diags);
    let mut out = Vec::new();
    for f in fixes.iter().filter(|f| !f.edits.is_empty()) {
        let Some(d) = l
            .diags
            .iter()
            .find(|d| d.path == f.path && d.rule == f.rule)
        else {
            continue;
        };
        // the finding's lines (or the lines of one of its labels) touch the range
        let touches = std::iter::once(d.span)
            .chain(d.related.iter().map(|r| r.span))
            .any(|sp| {
                let (ds, de) = (
                    l.src.line_bounds(sp.start()).0,
                    l.src.line_bounds(sp.end()).1,
                );
                de >= a && ds <= b.max(a)
            });
        if !touches {
            continue;
        }
        let edits: Vec<TextEdit> = f
            .edits
            .iter()
            .map(|e| TextEdit::new(range(&l.src, Span::new(e.start, e.end)), e.text.clone()))
            .collect();
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: f.title.clone(),
            kind: Some(CodeActionKind::QUICKFIX),
            is_preferred: Some(true),
            diagnostics: Some(vec![Diagnostic {
                range: range(&l.src, d.span),
                code: Some(NumberOrString::String(d.rule.clone())),
                message: d.message.clone(),
                ..Default::default()
            }]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..Default::default()
            }),
            ..Default::default()
        }));
    }
    out
}
