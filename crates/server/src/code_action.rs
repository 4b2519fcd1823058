//! `textDocument/codeAction`: the safe fixes of the findings on the lines asked about.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, NumberOrString, Range, TextEdit,
    Uri, WorkspaceEdit,
};

use archlint_core::model::Date;
use archlint_core::source::{SourceFile, Span};

use crate::document::{lint, offset, range};

/// The kind of the action that applies every safe fix of a document (on save, with
/// editors that run `source.fixAll` actions).
pub(crate) fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.archlint")
}

pub(crate) fn code_actions(
    uri: &Uri,
    text: &str,
    want: Range,
    only: Option<&[CodeActionKind]>,
    today: Date,
) -> Vec<CodeActionOrCommand> {
    let l = lint(uri.as_str(), text, today);
    let (a, b) = (offset(&l.src, want.start), offset(&l.src, want.end));
    let fixes = archlint_linter::fix::fixes(&l.src, &l.diags);
    let wants = |k: &CodeActionKind| {
        only.is_none_or(|o| o.iter().any(|x| k.as_str().starts_with(x.as_str())))
    };
    let mut out = Vec::new();
    if wants(&fix_all_kind()) && only.is_some() {
        // every safe fix at once, as `archlint check --fix` writes them
        let edits: Vec<TextEdit> = fixes
            .iter()
            .flat_map(|f| &f.edits)
            .map(|e| TextEdit::new(range(&l.src, Span::new(e.start, e.end)), e.text.clone()))
            .collect();
        if !edits.is_empty() {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: "Apply every safe archlint fix".into(),
                kind: Some(fix_all_kind()),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), edits)])),
                    ..Default::default()
                }),
                ..Default::default()
            }));
        }
        return out;
    }
    if !wants(&CodeActionKind::QUICKFIX) {
        return out;
    }
    let touches_range = |d: &archlint_core::diag::Diagnostic| {
        std::iter::once(d.span)
            .chain(d.related.iter().map(|r| r.span))
            .any(|sp| {
                let (ds, de) = (
                    l.src.line_bounds(sp.start()).0,
                    l.src.line_bounds(sp.end()).1,
                );
                de >= a && ds <= b.max(a)
            })
    };
    for d in l.diags.iter().filter(|d| touches_range(d)) {
        if let Some(x) = did_you_mean(&l.src, d) {
            out.push(quick_fix(uri, &l.src, d, x.0, vec![x.1], false));
        } else if !d.is_input_error()
            && let Some(e) = allow_edit(&l.src, d)
        {
            let title = format!("Allow `{}` here, with a reason", d.rule);
            out.push(quick_fix(uri, &l.src, d, title, vec![e], false));
        }
    }
    for f in fixes.iter().filter(|f| !f.edits.is_empty()) {
        let Some(d) = l
            .diags
            .iter()
            .find(|d| d.path == f.path && d.rule == f.rule)
        else {
            continue;
        };
        // the finding's lines (or the lines of one of its labels) touch the range
        if !touches_range(d) {
            continue;
        }
        let edits: Vec<TextEdit> = f
            .edits
            .iter()
            .map(|e| TextEdit::new(range(&l.src, Span::new(e.start, e.end)), e.text.clone()))
            .collect();
        out.push(quick_fix(uri, &l.src, d, f.title.clone(), edits, true));
    }
    out
}

/// A quick fix of `d` (`preferred`: the fix an editor applies on its own, as the
/// safe fixes of `--fix` are).
fn quick_fix(
    uri: &Uri,
    src: &SourceFile,
    d: &archlint_core::diag::Diagnostic,
    title: String,
    edits: Vec<TextEdit>,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        is_preferred: preferred.then_some(true),
        diagnostics: Some(vec![Diagnostic {
            range: range(src, d.span),
            code: Some(NumberOrString::String(d.rule.clone())),
            message: d.message.clone(),
            ..Default::default()
        }]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// "did you mean `x`?": replace the word the message quotes, inside the error's span.
fn did_you_mean(
    src: &SourceFile,
    d: &archlint_core::diag::Diagnostic,
) -> Option<(String, TextEdit)> {
    let help = d.help.as_deref()?;
    let rest = help.split("did you mean `").nth(1)?;
    let want = &rest[..rest.find('`')?];
    let text = src.text.get(d.span.start()..d.span.end())?;
    // the quoted words of the message, the wrong one among them
    let wrong = d
        .message
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| !w.is_empty() && *w != want)
        .find(|w| text.contains(*w))?;
    let at = d.span.start() + text.rfind(wrong)?;
    Some((
        format!("Change `{wrong}` to `{want}`"),
        TextEdit::new(
            range(src, Span::new(at, at + wrong.len())),
            want.to_string(),
        ),
    ))
}

/// An `allow` entry for the finding's rule on the component or call it points at, with
/// a reason to fill in: a new `allow:` line among the node's fields, or a new entry in
/// its `allow:`. `None` for a node written in flow style, or a finding elsewhere.
fn allow_edit(src: &SourceFile, d: &archlint_core::diag::Diagnostic) -> Option<TextEdit> {
    if !d.path.starts_with("components.") {
        return None;
    }
    let text = src.text.as_str();
    let (ls, le) = src.line_bounds(d.span.start());
    let first = &text[ls..le];
    let body = first.trim_start();
    // the node's first line: `  api:` or `      - to: orders`
    let fields_col = if let Some(item) = body.strip_prefix("- ") {
        item.contains(": ")
            .then_some(first.len() - body.len() + 2)?
    } else if body.trim_end().ends_with(':') {
        // the column of the next line's field
        let next = text[le..].trim_start_matches('\n');
        let line = next.split('\n').next()?;
        let col = line.len() - line.trim_start().len();
        (col > first.len() - body.len()).then_some(col)?
    } else {
        return None;
    };
    let entry = format!("{}: \"TODO: why this is acceptable\"", d.rule);
    // an `allow:` among the node's fields already?
    let mut at = le;
    let mut allow_line: Option<(usize, usize)> = None;
    while at < text.len() {
        let start = at + 1;
        let end = text[start..].find('\n').map_or(text.len(), |p| start + p);
        let line = &text[start..end];
        let col = line.len() - line.trim_start().len();
        if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            if col < fields_col {
                break;
            }
            if col == fields_col && line.trim_start().starts_with("allow:") {
                allow_line = Some((start, end));
                break;
            }
        }
        at = end;
        if end == text.len() {
            break;
        }
    }
    let pos = |b: usize| crate::document::position(src, b);
    match allow_line {
        None => {
            let insert = format!("\n{}allow: {{ {entry} }}", " ".repeat(fields_col));
            Some(TextEdit::new(Range::new(pos(le), pos(le)), insert))
        }
        Some((s, e)) => {
            let line = &text[s..e];
            if let Some(close) = line.rfind('}') {
                // `allow: { a: "…" }`: one more entry before the brace
                let at = s + close;
                let before = text[..at].trim_end();
                let sep = if before.ends_with('{') { " " } else { ", " };
                let at = before.len();
                return Some(TextEdit::new(
                    Range::new(pos(at), pos(s + close)),
                    format!("{sep}{entry} "),
                ));
            }
            // a block `allow:`: a line under it, in its entries' column
            let next = text[e..].trim_start_matches('\n').split('\n').next()?;
            let col = next.len() - next.trim_start().len();
            let col = if col > fields_col {
                col
            } else {
                fields_col + 2
            };
            Some(TextEdit::new(
                Range::new(pos(e), pos(e)),
                format!("\n{}{entry}", " ".repeat(col)),
            ))
        }
    }
}
