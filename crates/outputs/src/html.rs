//! `archlint report --format html`: the review as one self-contained page. The same
//! text as the Markdown review, the diagram as inline SVG, each finding linked to its
//! component in the diagram and to its rule's page, which is appended to the document
//! from the pages embedded in the binary. No script, stylesheet, font or image is
//! loaded from anywhere: the page reads the same offline.

use std::collections::BTreeSet;

use pulldown_cmark::{Event, Options, Parser, html};

use archlint_core::diag::Diagnostic;
use archlint_core::source::SourceFile;
use archlint_linter::graph::Analysis;

const STYLE: &str = "body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1f2328}\
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}\
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}pre{background:#f6f8fa;padding:1rem;overflow-x:auto}\
figure.diagram{overflow-x:auto;margin:1rem 0;border:1px solid #d0d7de;padding:.5rem}figure.diagram svg{max-width:100%;height:auto}\
section.rule{border-top:1px solid #d0d7de;margin-top:2rem}:target{outline:3px solid #0969da}\
svg g[id]:target rect,svg g[id]:target ellipse,svg g[id]:target path{stroke:#0969da;stroke-width:4}";

/// The page's anchor for a rule's explanation.
pub fn rule_anchor(rule: &str) -> String {
    format!("rule-{rule}")
}

/// The HTML review. `flips` as for [`super::markdown::render_with_flips`].
pub fn render(
    a: &Analysis,
    src: &SourceFile,
    findings: &[Diagnostic],
    flips: &[Diagnostic],
) -> String {
    let (md, raw) = super::markdown::render_for_html(a, src, findings, flips);
    let mut body = String::with_capacity(md.len() * 2);
    let mut at = 0;
    for (offset, html) in raw {
        push_markdown(&mut body, &md[at..offset]);
        body.push_str(&html);
        at = offset;
    }
    push_markdown(&mut body, &md[at..]);
    // the explanations of the rules that fired, from the embedded pages, headings
    // moved two levels down so they sit under this section
    let rules: BTreeSet<&str> = findings
        .iter()
        .chain(flips)
        .map(|d| d.rule.as_str())
        .collect();
    let pages: Vec<_> = rules
        .iter()
        .filter_map(|r| archlint_linter::rules::find(r).map(|x| (*r, x.meta())))
        .collect();
    if !pages.is_empty() {
        push_markdown(
            &mut body,
            "## Explanations\n\nThe page of each rule with a finding above.\n",
        );
        for (rule, meta) in pages {
            body.push_str(&format!(
                "<section class=\"rule\" id=\"{}\">\n",
                escape(&rule_anchor(rule))
            ));
            push_markdown(
                &mut body,
                &demote(&archlint_linter::rules::page_text(meta), 2),
            );
            body.push_str("</section>\n");
        }
    }
    let title = a.model.name.as_ref().map_or("system", |n| n.v.as_str());
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"archlint {}\">\n<title>Design review: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        escape(title),
    )
}

/// A rule's page (or `invalid-input`'s) as an HTML fragment, headings moved `levels`
/// down; `None` for an unknown id. The playground shows it beside the findings.
pub fn rule_page(rule: &str, levels: usize) -> Option<String> {
    let meta = if rule == archlint_core::diag::INVALID_INPUT {
        archlint_linter::rules::input_meta()
    } else {
        archlint_linter::rules::find(rule)?.meta()
    };
    let mut out = String::new();
    push_markdown(
        &mut out,
        &demote(&archlint_linter::rules::page_text(meta), levels),
    );
    Some(out)
}

/// Markdown as HTML, with any HTML in it shown as text: names, descriptions and
/// messages come from the file, and must never become markup.
fn push_markdown(out: &mut String, md: &str) {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(md, opts).map(|ev| match ev {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        ev => ev,
    });
    html::push_html(out, events);
}

/// Markdown headings outside code fences, `levels` deeper (at most `######`).
fn demote(md: &str, levels: usize) -> String {
    let mut out = String::with_capacity(md.len() + 64);
    let mut fenced = false;
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        let hashes = line.len() - line.trim_start_matches('#').len();
        if !fenced && hashes > 0 && line[hashes..].starts_with(' ') {
            out.push_str(&"#".repeat((hashes + levels).min(6)));
            out.push_str(&line[hashes..]);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// Text for an HTML attribute or element.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::demote;

    #[test]
    fn demote_moves_headings_but_not_code_or_hashtags() {
        let md = "# a\n\n## b\n\n```sh\n# comment\n```\n#tag\n";
        assert_eq!(
            demote(md, 2),
            "### a\n\n#### b\n\n```sh\n# comment\n```\n#tag\n"
        );
    }
}
