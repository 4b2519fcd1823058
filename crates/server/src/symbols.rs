//! The names in a design: `textDocument/documentSymbol` (components, entities,
//! journeys), `references` and `prepareRename`/`rename` of a component or entity id.
//!
//! An id's occurrences come from the model's spans (the key that defines it, every
//! `to:`, `from:`, `caches:`, `store:`, journey step and relationship that names it),
//! each narrowed to the id itself as a whole token: renaming `api` never touches
//! `api-gateway` or a description that mentions the word.

use std::collections::HashMap;

use lsp_types::{
    DocumentSymbol, DocumentSymbolResponse, Location, Position, PrepareRenameResponse, SymbolKind,
    TextEdit, Uri, WorkspaceEdit,
};

use archlint_core::model::Architecture;
use archlint_core::source::{SourceFile, Span};

use crate::document::{analysed, offset, range, word_at};

fn is_id_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// The span of `id` as a whole token inside `within` (its last occurrence: in
/// `to: api` the value comes after the key).
fn token_in(text: &str, within: Span, id: &str) -> Option<Span> {
    let (s, e) = (within.start(), within.end().min(text.len()));
    let hay = text.get(s..e)?;
    hay.match_indices(id)
        .filter(|(i, _)| {
            let before = hay[..*i].chars().next_back();
            let after = hay[i + id.len()..].chars().next();
            !before.is_some_and(is_id_char) && !after.is_some_and(is_id_char)
        })
        .last()
        .map(|(i, _)| Span::new(s + i, s + i + id.len()))
}

/// Every span where the component or entity `id` is named, its definition first.
fn occurrences(m: &Architecture, text: &str, id: &str) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    if let Some(&i) = m.index.get(id) {
        spans.push(m.components[i].span);
        for c in &m.components {
            spans.extend(c.calls.iter().filter(|x| x.to.v == id).map(|x| x.to.span));
            spans.extend(
                c.consumes
                    .iter()
                    .filter(|x| x.from.v == id)
                    .map(|x| x.from.span),
            );
            spans.extend(c.more().caches.iter().filter(|x| x.v == id).map(|x| x.span));
        }
        for e in &m.entities {
            spans.extend(e.store.iter().filter(|x| x.v == id).map(|x| x.span));
        }
        for j in &m.journeys {
            spans.extend(j.steps.iter().filter(|x| x.v == id).map(|x| x.span));
        }
    } else if let Some(e) = m.entities.iter().find(|e| e.name == id) {
        spans.push(e.span);
        for other in &m.entities {
            spans.extend(
                other
                    .relationships
                    .iter()
                    .filter(|r| r.to.v == id)
                    .map(|r| r.to.span),
            );
        }
    } else {
        return Vec::new();
    }
    let mut out: Vec<Span> = spans
        .into_iter()
        .filter_map(|sp| token_in(text, sp, id))
        .collect();
    out.dedup();
    out
}

/// The id under the cursor and where it is named, when it names a component or entity.
fn at(uri: &Uri, text: &str, p: Position) -> Option<(String, Span, SourceFile, Vec<Span>)> {
    let src = SourceFile::new(uri.as_str(), text);
    let (w, s, e) = word_at(&src, offset(&src, p))?;
    let a = analysed(&src, uri)?;
    let spans = occurrences(&a.model, &src.text, &w);
    let here = Span::new(s, e);
    spans.contains(&here).then_some((w, here, src, spans))
}

pub(crate) fn references(
    uri: &Uri,
    text: &str,
    p: Position,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let (_, _, src, spans) = at(uri, text, p)?;
    Some(
        spans
            .iter()
            .skip(usize::from(!include_declaration))
            .map(|&sp| Location::new(uri.clone(), range(&src, sp)))
            .collect(),
    )
}

pub(crate) fn prepare_rename(uri: &Uri, text: &str, p: Position) -> Option<PrepareRenameResponse> {
    let (_, here, src, _) = at(uri, text, p)?;
    Some(PrepareRenameResponse::Range(range(&src, here)))
}

/// The edit renaming the id under the cursor everywhere; an error for a name that is
/// not an id, or one already taken.
pub(crate) fn rename(
    uri: &Uri,
    text: &str,
    p: Position,
    new_name: &str,
) -> Result<Option<WorkspaceEdit>, String> {
    let Some((old, _, src, spans)) = at(uri, text, p) else {
        return Ok(None);
    };
    if new_name.is_empty() || !new_name.chars().all(is_id_char) {
        return Err(format!(
            "`{new_name}` is not an id: use letters, digits, `-`, `_` and `.`"
        ));
    }
    if new_name != old
        && let Some(a) = analysed(&src, uri)
        && (a.model.index.contains_key(new_name)
            || a.model.entities.iter().any(|e| e.name == new_name))
    {
        return Err(format!(
            "`{new_name}` is already the id of something in this design"
        ));
    }
    let edits: Vec<TextEdit> = spans
        .iter()
        .map(|&sp| TextEdit::new(range(&src, sp), new_name.to_string()))
        .collect();
    Ok(Some(WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..Default::default()
    }))
}

/// Components (with their kind), entities and journeys, in file order.
pub(crate) fn document_symbols(uri: &Uri, text: &str) -> Option<DocumentSymbolResponse> {
    let src = SourceFile::new(uri.as_str(), text);
    let a = analysed(&src, uri)?;
    let m = &a.model;
    #[allow(deprecated)] // `deprecated` is a field every `DocumentSymbol` must name
    let symbol = |name: &str, detail: String, kind: SymbolKind, span: Span| DocumentSymbol {
        name: name.to_string(),
        detail: Some(detail),
        kind,
        tags: None,
        deprecated: None,
        range: range(&src, span),
        selection_range: range(&src, span),
        children: None,
    };
    let mut out: Vec<DocumentSymbol> = Vec::new();
    for c in &m.components {
        out.push(symbol(
            &c.id,
            c.kind().to_string(),
            SymbolKind::CLASS,
            c.span,
        ));
    }
    for e in &m.entities {
        out.push(symbol(&e.name, "entity".into(), SymbolKind::STRUCT, e.span));
    }
    for j in &m.journeys {
        out.push(symbol(&j.name, "journey".into(), SymbolKind::EVENT, j.span));
    }
    out.sort_by_key(|s| (s.range.start.line, s.range.start.character));
    Some(DocumentSymbolResponse::Nested(out))
}
