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

/// The settings the page offers, as JSON from it: `{select, ignore, at}`, each
/// optional (`select: ["all"]` turns the trade-off rules on; `at: "10x"`).
#[derive(serde::Deserialize, Default)]
struct PageSettings {
    select: Option<Vec<String>>,
    #[serde(default)]
    ignore: Vec<String>,
    at: Option<String>,
}

/// A safe fix the page can apply with a click (the same as `archlint check --fix`).
#[derive(Serialize)]
struct FixOffer {
    rule: String,
    path: String,
    title: String,
    /// Why it is not applied automatically, when it is not.
    skipped: Option<String>,
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
    /// `archlint estimate` (with `--at`, today beside the projection) as text.
    estimate: Option<String>,
    /// The fixes `--fix` would apply, by the finding's rule and path.
    fixes: Vec<FixOffer>,
    /// A settings problem (an unknown rule id, a bad scale), shown by the page.
    settings_error: Option<String>,
    /// Each call's and consume's path (`components.a.calls[0]`) and its two ends,
    /// `[from, to]`: the page draws a finding's related calls on the diagram.
    edges: std::collections::BTreeMap<String, [String; 2]>,
}

/// The rule settings and the projection of the page's settings, or what is wrong.
fn settings_of(
    json: &str,
    today: &str,
) -> (
    Settings,
    Option<model::projection::ProjectionSpec>,
    Option<String>,
) {
    let page: PageSettings = serde_json::from_str(json).unwrap_or_default();
    let mut problem = None;
    let mut settings = archlint_linter::config::Config::default()
        .settings(page.select.as_deref(), Some(&page.ignore))
        .unwrap_or_else(|e| {
            problem = Some(e);
            Settings::default()
        });
    settings.today = model::Date::parse(today);
    let at = match page.at.as_deref().filter(|a| !a.trim().is_empty()) {
        None => None,
        Some(a) => match model::projection::Projection::at(a) {
            Ok(p) => Some(model::projection::ProjectionSpec::At(p)),
            Err(e) => {
                problem = Some(e);
                None
            }
        },
    };
    (settings, at, problem)
}

/// Lint `text` as `archlint check` would a file named `name`, with no configuration
/// but the page's settings (`{select, ignore, at}` as JSON), taking `today`
/// (`YYYY-MM-DD`, the page's date) for `allow ... until:`. Returns JSON: `{report,
/// input_error, linted, svg, estimate, fixes, settings_error}`.
#[wasm_bindgen]
pub fn lint(name: &str, text: &str, today: &str, settings: &str) -> String {
    let (settings, at, settings_error) = settings_of(settings, today);
    let src = SourceFile::new(name, text);
    let partial =
        archlint_linter::analyse_partial(&src, Default::default(), &archlint_linter::rules::ids());
    // one analysis for today's findings, the diagram and the estimate; a projection
    // lints the projected design too
    let result = match (&partial.analysis, &at) {
        (Some(a), None) => FileResult::linted(
            src.clone(),
            archlint_linter::findings(a, &settings, name),
            partial.errors.clone(),
        ),
        (None, None) => FileResult::failed(src.clone(), partial.errors.clone()),
        (_, Some(p)) => archlint_linter::lint_source_projected(
            src.clone(),
            &settings,
            Default::default(),
            Some(p),
        ),
    };
    let mut edges = std::collections::BTreeMap::new();
    if let Some(a) = &partial.analysis {
        for c in &a.model.components {
            for (i, call) in c.calls.iter().enumerate() {
                edges.insert(
                    format!("components.{}.calls[{i}]", c.id),
                    [c.id.clone(), call.to.v.clone()],
                );
            }
            for (i, q) in c.consumes.iter().enumerate() {
                edges.insert(
                    format!("components.{}.consumes[{i}]", c.id),
                    [q.from.v.clone(), c.id.clone()],
                );
            }
        }
    }
    let (svg, estimate) = match (&partial.analysis, result.linted) {
        (Some(a), true) => {
            let svg = report::graph::Picture::new(a, &result.diagnostics).svg();
            let today_e = archlint_linter::estimate::estimate(&a.model, &a.graph);
            let text = match at.as_ref().map(|s| s.resolve(&a.model)) {
                Some(Ok(p)) => {
                    let mut later = a.model.clone();
                    p.apply(&mut later);
                    let e = archlint_linter::estimate::estimate(&later, &a.graph);
                    report::estimate::render_projected(&a.model, &today_e, &e, &p.phrase, 72)
                }
                _ => report::estimate::render(&a.model, &today_e, 72),
            };
            (Some(svg), Some(text))
        }
        _ => (None, None),
    };
    let fixes = if result.linted {
        archlint_linter::fix::fixes(&src, &result.diagnostics)
            .into_iter()
            .filter(|f| !f.edits.is_empty() || f.skipped.is_some())
            .map(|f| FixOffer {
                rule: f.rule,
                path: f.path,
                title: f.title,
                skipped: f.skipped,
            })
            .collect()
    } else {
        Vec::new()
    };
    let results = [result];
    let out = Lint {
        report: report::json::build(&results),
        input_error: results[0].input_error,
        linted: results[0].linted,
        svg,
        estimate,
        fixes,
        settings_error,
        edges,
    };
    serde_json::to_string(&out).expect("the lint serializes")
}

/// The text with the fix of the finding at (`rule`, `path`) applied, or every safe
/// fix when `rule` is empty: what `archlint check --fix` writes. The text unchanged
/// when there is nothing to fix.
#[wasm_bindgen]
pub fn apply_fix(
    name: &str,
    text: &str,
    today: &str,
    settings: &str,
    rule: &str,
    path: &str,
) -> String {
    let (settings, _, _) = settings_of(settings, today);
    let src = SourceFile::new(name, text);
    let result = archlint_linter::lint_source(src.clone(), &settings);
    if !result.linted {
        return text.to_string();
    }
    let edits: Vec<archlint_linter::fix::Edit> =
        archlint_linter::fix::fixes(&src, &result.diagnostics)
            .into_iter()
            .filter(|f| rule.is_empty() || (f.rule == rule && f.path == path))
            .flat_map(|f| f.edits)
            .collect();
    archlint_linter::fix::apply(text, &edits)
}

/// The course: `[{n, title, step, task, goal, hints, design, solution}]`, `design`
/// being the file `archlint learn N` writes.
#[wasm_bindgen]
pub fn course() -> String {
    let list: Vec<serde_json::Value> = archlint_course::EXERCISES
        .iter()
        .map(|e| {
            serde_json::json!({
                "n": e.n, "title": e.title, "step": e.step, "task": e.task,
                "goal": archlint_course::goal_text(e),
                "hints": archlint_course::hints(e),
                "design": archlint_course::design_file(e),
                "solution": e.solution,
            })
        })
        .collect();
    serde_json::to_string(&list).expect("the course serializes")
}

/// Grade `text` against exercise `n`, as `archlint learn check` does: `{goals: [{text,
/// met, why}], done, input_error}`.
#[wasm_bindgen]
pub fn grade(n: u32, text: &str, today: &str) -> String {
    let Some(e) = archlint_course::find(n) else {
        return "{\"goals\": [], \"done\": false, \"input_error\": false}".into();
    };
    let today = model::Date::parse(today).unwrap_or(model::Date {
        year: 2026,
        month: 1,
        day: 1,
    });
    let v = match archlint_course::grade(e, &SourceFile::new("exercise.arch.yaml", text), today) {
        Ok(goals) => serde_json::json!({
            "goals": goals.iter().map(|g| serde_json::json!({"text": g.text, "met": g.met, "why": g.why})).collect::<Vec<_>>(),
            "done": goals.iter().all(|g| g.met),
            "input_error": false,
        }),
        Err(_) => serde_json::json!({"goals": [], "done": false, "input_error": true}),
    };
    v.to_string()
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
        let v: serde_json::Value = serde_json::from_str(&lint(
            "shop",
            shop["text"].as_str().unwrap(),
            "2026-11-26",
            "{}",
        ))
        .unwrap();
        assert_eq!(v["input_error"], false);
        assert!(!v["report"]["diagnostics"].as_array().unwrap().is_empty());
        assert!(v["svg"].as_str().unwrap().starts_with("<svg"));
        let v: serde_json::Value = serde_json::from_str(&lint(
            "x",
            "name: x\ncomponents:\n  a: { kind: servce }\n",
            "",
            "{}",
        ))
        .unwrap();
        assert_eq!(v["input_error"], true);
        let typo = v["report"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == "invalid-input")
            .unwrap();
        assert_eq!(typo["line"], 3);
        assert!(rule_page("invalid-input").contains("<h2"));
    }

    fn rules_of(v: &serde_json::Value) -> Vec<&str> {
        v["report"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn settings_projection_fixes_and_the_course() {
        let text = "name: x\nrequirements: { availability: 99.9% }\ncomponents:\n  web: { kind: client, calls: [api] }\n  api:\n    kind: service\n    replicas: 2\n    rate_limit: true\n    calls:\n      - { to: db, timeout: 1s, retry: { attempts: 3, backoff: constant } }\n  db: { kind: database, replicas: 2 }\n";
        let v: serde_json::Value =
            serde_json::from_str(&lint("x", text, "2026-01-01", "{}")).unwrap();
        let rules = rules_of(&v);
        assert!(rules.contains(&"retry-without-backoff"), "{rules:?}");
        assert!(
            !rules.contains(&"undocumented-choice"),
            "trade-offs are off by default"
        );
        assert!(
            v["estimate"]
                .as_str()
                .unwrap()
                .contains("Capacity estimate")
        );
        assert_eq!(v["fixes"][0]["rule"], "retry-without-backoff");
        assert_eq!(v["edges"]["components.api.calls[0]"][1], "db");
        let v0 = v.clone();
        // select all: the trade-offs too; ignore one
        let v: serde_json::Value = serde_json::from_str(&lint(
            "x",
            text,
            "2026-01-01",
            r#"{"select":["all"],"ignore":["retry-without-backoff"]}"#,
        ))
        .unwrap();
        let rules = rules_of(&v);
        assert!(
            rules.contains(&"undocumented-choice") && !rules.contains(&"retry-without-backoff"),
            "{rules:?}"
        );
        // a bad rule id is reported, not fatal
        let v: serde_json::Value =
            serde_json::from_str(&lint("x", text, "", r#"{"select":["nope"]}"#)).unwrap();
        assert!(v["settings_error"].is_string());
        // the fix, as --fix writes it
        let fixed = apply_fix(
            "x",
            text,
            "2026-01-01",
            "{}",
            "retry-without-backoff",
            v0["fixes"][0]["path"].as_str().unwrap(),
        );
        assert!(fixed.contains("backoff: exponential"), "{fixed}");
        // the course and its grading
        let c: serde_json::Value = serde_json::from_str(&course()).unwrap();
        let first = &c[0];
        let g: serde_json::Value =
            serde_json::from_str(&grade(1, first["design"].as_str().unwrap(), "2026-01-01"))
                .unwrap();
        assert_eq!(g["done"], false);
        let g: serde_json::Value =
            serde_json::from_str(&grade(1, first["solution"].as_str().unwrap(), "2026-01-01"))
                .unwrap();
        assert_eq!(g["done"], true, "{g}");
    }
}
