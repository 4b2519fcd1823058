//! `textDocument/hover`: a rule id (its summary) or a component id (kind, tech,
//! replicas, estimated peak load and utilisation, its findings).

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position, Uri};

use archlint_core::diag::Diagnostic;
use archlint_core::model::Date;
use archlint_core::model::quantity::{fmt_count, trim_num};
use archlint_core::source::Span;

use crate::document::{analysed, lint, offset, range, settings_for, word_at};

pub(crate) fn hover(uri: &Uri, text: &str, at: Position, today: Date) -> Option<Hover> {
    let l = lint(uri.as_str(), text, today);
    let (w, s, e) = word_at(&l.src, offset(&l.src, at))?;
    let reply = |md: String| Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: md,
        }),
        range: Some(range(&l.src, Span::new(s, e))),
    };
    let settings = settings_for(uri.as_str(), today).unwrap_or_default();
    if let Some(m) = settings.meta(&w) {
        return Some(reply(format!(
            "**{}** ({}, {}): {}",
            m.id,
            m.category,
            m.severity.as_str(),
            m.summary
        )));
    }
    let a = analysed(&l.src, uri)?;
    let m = &a.model;
    let &i = m.index.get(&w)?;
    let c = &m.components[i];
    let mut md = format!("**{}** — {}", c.id, c.kind());
    if let Some(t) = c.tech() {
        md.push_str(&format!(" ({t})"));
    }
    md.push_str(&format!("\n\nreplicas: {}", c.replicas()));
    let est = archlint_linter::estimate::estimate(m, &a.graph);
    if let Some(x) = est.components.iter().find(|x| x.component == c.id) {
        md.push_str(&format!(
            "\n\nestimated peak load: {} rps",
            fmt_count(x.peak_rps)
        ));
        if let Some(u) = x.utilisation {
            md.push_str(&format!(" ({}% of capacity)", trim_num(u * 100.0)));
        }
        for src in &x.sources {
            md.push_str(&format!("\n\n{}", archlint_linter::estimate::explain(src)));
            if src.assumed {
                md.push_str(" (assumed)");
            }
        }
    }
    let mine: Vec<&Diagnostic> = l
        .diags
        .iter()
        .filter(|d| m.component_at(&d.path) == Some(i))
        .collect();
    if mine.is_empty() {
        md.push_str("\n\nno findings");
    } else {
        md.push_str("\n\nfindings:");
        for d in mine {
            md.push_str(&format!("\n- `{}`: {}", d.rule, d.message));
        }
    }
    Some(reply(md))
}
