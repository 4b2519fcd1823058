//! `textDocument/definition`: from a mention of a component or an entity to where it
//! is defined.

use lsp_types::{GotoDefinitionResponse, Location, Position, Uri};

use archlint_core::source::SourceFile;

use crate::document::{analysed, offset, range, word_at};

pub(crate) fn definition(uri: &Uri, text: &str, at: Position) -> Option<GotoDefinitionResponse> {
    let src = SourceFile::new(uri.as_str(), text);
    let (w, s, _) = word_at(&src, offset(&src, at))?;
    let a = analysed(&src, uri)?;
    let m = &a.model;
    let target = m
        .index
        .get(&w)
        .map(|&i| m.components[i].span)
        .or_else(|| m.entities.iter().find(|e| e.name == w).map(|e| e.span))?;
    // on the definition itself: nowhere to go
    (target.start() != s)
        .then(|| GotoDefinitionResponse::Scalar(Location::new(uri.clone(), range(&src, target))))
}
