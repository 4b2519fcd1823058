//! `textDocument/inlayHint`: each component's estimated peak load (and utilisation,
//! where its capacity is known) from the traffic model, at the end of its key's line,
//! as `archlint estimate` computes them.

use lsp_types::{InlayHint, InlayHintLabel, InlayHintTooltip, Position, Range, Uri};

use archlint_core::model::quantity::{fmt_count, trim_num};
use archlint_core::source::SourceFile;

use crate::document::{analysed, position};

pub(crate) fn inlay_hints(uri: &Uri, text: &str, want: Range) -> Option<Vec<InlayHint>> {
    let src = SourceFile::new(uri.as_str(), text);
    let a = analysed(&src, uri)?;
    // with a part left out that changes the traffic, the numbers would mislead
    if a.faults.traffic {
        return Some(Vec::new());
    }
    let m = &a.model;
    let est = archlint_linter::estimate::estimate(m, &a.graph);
    est.traffic.as_ref()?;
    let mut out = Vec::new();
    for x in &est.components {
        let Some(&i) = m.index.get(&x.component) else {
            continue;
        };
        let c = &m.components[i];
        let (_, line_end) = src.line_bounds(c.span.start());
        let at = position(&src, line_end);
        if at.line < want.start.line || at.line > want.end.line {
            continue;
        }
        let mut label = format!("≈ {} rps", fmt_count(x.peak_rps));
        if let Some(u) = x.utilisation {
            label.push_str(&format!(", {}% of capacity", trim_num(u * 100.0)));
        }
        let why: Vec<String> = x
            .sources
            .iter()
            .map(archlint_linter::estimate::explain)
            .collect();
        out.push(InlayHint {
            position: Position::new(at.line, at.character),
            label: InlayHintLabel::String(label),
            kind: None,
            text_edits: None,
            tooltip: (!why.is_empty()).then(|| InlayHintTooltip::String(why.join("\n"))),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    }
    out.sort_by_key(|h| (h.position.line, h.position.character));
    Some(out)
}
