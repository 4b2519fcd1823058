//! archlint: an offline, rule-based linter for system designs.
//!
//! Data flow: file text -> [`model::yaml`] (spanned tree) -> [`model::load`] (typed
//! model and `invalid-input` diagnostics) -> [`graph::SystemGraph`] -> [`rules::run`]
//! -> diagnostics -> [`report`] (human, JSON, SARIF, GitHub, Markdown).

pub mod baseline;
pub mod config;
pub mod diag;
pub mod diff;
pub mod discover;
pub mod estimate;
pub mod fingerprint;
pub mod graph;
pub mod input;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
#[doc(hidden)]
pub mod testing;

pub use diag::sort;
pub use graph::Analysis;
pub use input::{DEFAULT_MAX_FILE_BYTES, FileResult, read_failure, read_source, source_from_bytes};

use diag::Diagnostic;
use graph::SystemGraph;
use source::SourceFile;

/// The commented starter file `archlint init` writes.
pub const STARTER: &str = include_str!("templates/architecture.yaml");

/// Parse and validate; on success build the graph.
pub fn analyse(src: &SourceFile) -> Result<Analysis, Vec<Diagnostic>> {
    analyse_with(src, model::yaml::Limits::default())
}

/// [`analyse`] with explicit input limits.
pub fn analyse_with(
    src: &SourceFile,
    limits: model::yaml::Limits,
) -> Result<Analysis, Vec<Diagnostic>> {
    analyse_for(src, limits, &rules::ids())
}

/// [`analyse_with`], where `allow` may name these rule ids (the built-ins and a
/// configuration's custom rules).
pub fn analyse_for(
    src: &SourceFile,
    limits: model::yaml::Limits,
    rule_ids: &[&str],
) -> Result<Analysis, Vec<Diagnostic>> {
    let loaded = model::load::load(src, rule_ids, limits);
    match loaded.model {
        Some(model) if loaded.errors.is_empty() => {
            let graph = SystemGraph::build(&model);
            Ok(Analysis { model, graph })
        }
        _ => Err(loaded.errors),
    }
}

/// Lint one source text with the given rule settings.
pub fn lint_source(src: SourceFile, settings: &rules::Settings) -> FileResult {
    lint_source_with(src, settings, model::yaml::Limits::default())
}

/// [`lint_source`] with explicit input limits.
pub fn lint_source_with(
    src: SourceFile,
    settings: &rules::Settings,
    limits: model::yaml::Limits,
) -> FileResult {
    match analyse_for(&src, limits, &settings.rule_ids()) {
        Ok(a) => {
            let mut diagnostics = rules::run(&a.model, &a.graph, settings);
            sort(&mut diagnostics);
            fingerprint::assign(Some(&a.model), &src.name, &mut diagnostics);
            FileResult {
                source: src,
                diagnostics,
                input_error: false,
            }
        }
        Err(errors) => FileResult::failed(src, errors),
    }
}

/// Findings for pictures and reports: every rule, the trade-offs included, no config.
pub fn all_findings(a: &Analysis) -> Vec<Diagnostic> {
    all_findings_with(a, &[])
}

/// [`all_findings`] with a configuration's custom rules too.
pub fn all_findings_with(
    a: &Analysis,
    custom: &[std::sync::Arc<rules::custom::CustomRule>],
) -> Vec<Diagnostic> {
    let mut settings = rules::Settings::all();
    settings.custom = custom.to_vec();
    let mut ds = rules::run(&a.model, &a.graph, &settings);
    sort(&mut ds);
    ds
}
