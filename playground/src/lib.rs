//! archlint in the browser: the library compiled to `wasm32-unknown-unknown`, with the
//! few entry points the playground page calls through `wasm-bindgen`. Everything the
//! page shows (findings, the diagram, rule pages, the gallery) comes from here, so the
//! page lints exactly as `archlint check` does.

use archlint_core::model;
use archlint_core::source::SourceFile;
use archlint_linter::FileResult;
use archlint_linter::rules::Settings;
use archlint_outputs as report;
use serde::Serialize;
use wasm_bindgen::prelude::*;

mod gallery {
    include!(concat!(env!("OUT_DIR"), "/gallery.rs"));
}

/// What one lint returns to the page.
#[derive(Serialize)]
struct Lint<'a> {
    /// The document `archlint check --format json` prints for this file.
    report: report::json::Output<'a>,
    /// The file has input errors: `report` holds them, located, beside the findings
    /// on the rest of the design.
    input_error: bool,
    /// The rules ran: false only when the text does not parse (the page then keeps
    /// the last findings that did, marked as such).
    linted: bool,
    /// The diagram (`archlint graph --format svg`) of what is valid, components
    /// coloured by the worst of these findings; absent when the text does not parse.
    svg: Option<String>,
}

/// Lint `text` as `archlint check` would a file named `name`, with no configuration,
/// taking `today` (`YYYY-MM-DD`, the page's date) for `allow ... until:`. Returns JSON:
/// `{report, input_error, svg}`.
#[wasm_bindgen]
pub fn lint(name: &str, text: &str, today: &str) -> String {
    let settings = Settings {
        today: model::Date::parse(today),
        ..Settings::default()
    };
    let src = SourceFile::new(name, text);
    let partial =
        archlint_linter::analyse_partial(&src, Default::default(), &archlint_linter::rules::ids());
    let (result, svg) = match partial.analysis {
        Some(a) => {
            let diagnostics = archlint_linter::findings(&a, &settings, name);
            let svg = report::graph::Picture::new(&a, &diagnostics).svg();
            (
                FileResult::linted(src, diagnostics, partial.errors),
                Some(svg),
            )
        }
        None => (FileResult::failed(src, partial.errors), None),
    };
    let results = [result];
    let out = Lint {
        report: report::json::build(&results),
        input_error: results[0].input_error,
        linted: results[0].linted,
        svg,
    };
    serde_json::to_string(&out).expect("the lint serializes")
}

/// The page of a rule (or of `invalid-input`) as an HTML fragment; empty for an
/// unknown id.
#[wasm_bindgen]
pub fn rule_page(rule: &str) -> String {
    report::html::rule_page(rule, 1).unwrap_or_default()
}

/// The gallery: `[{name, text}]` for every example in the repository's `examples/`.
#[wasm_bindgen]
pub fn gallery() -> String {
    #[derive(Serialize)]
    struct Example {
        name: &'static str,
        text: &'static str,
    }
    let list: Vec<Example> = gallery::GALLERY
        .iter()
        .map(|&(name, text)| Example { name, text })
        .collect();
    serde_json::to_string(&list).expect("the gallery serializes")
}

/// The version of archlint compiled in.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lints_and_reports_input_errors() {
        let g: serde_json::Value = serde_json::from_str(&gallery()).unwrap();
        let shop = g
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == "shop")
            .unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&lint("shop", shop["text"].as_str().unwrap(), "2026-11-26"))
                .unwrap();
        assert_eq!(v["input_error"], false);
        assert!(!v["report"]["diagnostics"].as_array().unwrap().is_empty());
        assert!(v["svg"].as_str().unwrap().starts_with("<svg"));
        let v: serde_json::Value = serde_json::from_str(&lint(
            "x",
            "name: x\ncomponents:\n  a: { kind: servce }\n",
            "",
        ))
        .unwrap();
        assert_eq!(v["input_error"], true);
        assert_eq!(v["report"]["diagnostics"][0]["line"], 3);
        assert!(rule_page("invalid-input").contains("<h2"));
    }
}
