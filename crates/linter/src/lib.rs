//! archlint's linter: the system graph, the rules and their registry, custom rules,
//! the capacity estimate, configuration, fingerprints, baselines and safe fixes.
//!
//! Data flow: a [`archlint_core::source::SourceFile`] -> the core's loader (typed model
//! and `invalid-input` diagnostics) -> [`graph::SystemGraph`] -> [`rules::run`] ->
//! sorted, fingerprinted diagnostics. The outputs crate renders them.

pub mod baseline;
pub mod config;
pub mod estimate;
pub mod fingerprint;
pub mod fix;
pub mod graph;
pub mod input;
pub mod rules;
pub mod traffic;

pub use archlint_core::diag::sort;
pub use graph::Analysis;
pub use input::{DEFAULT_MAX_FILE_BYTES, FileResult, read_failure, read_source, source_from_bytes};

use archlint_core::diag::Diagnostic;
use archlint_core::{model, source};
use graph::SystemGraph;
use source::SourceFile;

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
    lint_source_projected(src, settings, limits, None)
}

/// Lint the design as it is and, with a projection, as it would be: the findings of
/// today plus those that appear only under the projection, each of which says so
/// ("at 10×: …") and carries `projected`.
pub fn lint_source_projected(
    src: SourceFile,
    settings: &rules::Settings,
    limits: model::yaml::Limits,
    projection: Option<&model::projection::ProjectionSpec>,
) -> FileResult {
    match analyse_for(&src, limits, &settings.rule_ids()) {
        Ok(a) => {
            let mut diagnostics = findings_of(&a.model, &a.graph, settings, &src.name);
            if let Some(spec) = projection {
                let p = match spec.resolve(&a.model) {
                    Ok(p) => p,
                    Err(msg) => {
                        let at = a
                            .model
                            .requirements
                            .as_ref()
                            .map_or(source::Span::new(0, 0), |r| r.span);
                        let d = Diagnostic::invalid("requirements", at, msg)
                            .label("no growth to project")
                            .help("add `growth_per_year: 2x` (or an amount such as `5TB`) under `requirements.scale`");
                        return FileResult::failed(src, vec![d]);
                    }
                };
                diagnostics.extend(projected_only(&a, settings, &src.name, &p, &diagnostics));
                sort(&mut diagnostics);
            }
            FileResult {
                source: src,
                diagnostics,
                input_error: false,
            }
        }
        Err(errors) => FileResult::failed(src, errors),
    }
}

/// The findings `check` reports for an analysed file: the rules `settings` runs,
/// sorted, with fingerprints (what [`lint_source`] does after loading).
pub fn findings(a: &Analysis, settings: &rules::Settings, name: &str) -> Vec<Diagnostic> {
    findings_of(&a.model, &a.graph, settings, name)
}

fn findings_of(
    m: &model::Architecture,
    g: &SystemGraph,
    settings: &rules::Settings,
    name: &str,
) -> Vec<Diagnostic> {
    let mut ds = rules::run(m, g, settings);
    sort(&mut ds);
    fingerprint::assign(Some(m), name, &mut ds);
    ds
}

/// What flips at 10×: the findings (every rule, `custom` included) present at ten times
/// today's load and data and absent now, for the review's section 6.
pub fn flips_at_10x(
    a: &Analysis,
    custom: &[std::sync::Arc<rules::custom::CustomRule>],
    name: &str,
    today: model::Date,
) -> Vec<Diagnostic> {
    let mut settings = rules::Settings::all(today);
    settings.custom = custom.to_vec();
    let today = findings_of(&a.model, &a.graph, &settings, name);
    let p = model::projection::Projection::at("10x").expect("10x parses");
    projected_only(a, &settings, name, &p, &today)
}

/// The findings of the projected design that `today` does not have (by fingerprint),
/// marked as projected.
pub fn projected_only(
    a: &Analysis,
    settings: &rules::Settings,
    name: &str,
    p: &model::projection::Projection,
    today: &[Diagnostic],
) -> Vec<Diagnostic> {
    let mut m = a.model.clone();
    p.apply(&mut m);
    let known: std::collections::HashSet<&str> =
        today.iter().map(|d| d.fingerprint.as_str()).collect();
    findings_of(&m, &a.graph, settings, name)
        .into_iter()
        .filter(|d| !known.contains(d.fingerprint.as_str()))
        .map(|mut d| {
            d.message = format!("{}: {}", p.phrase, d.message);
            d.projected = Some(p.label.clone());
            d
        })
        .collect()
}

/// Findings for pictures and reports: every rule, the trade-offs included, no config.
pub fn all_findings(a: &Analysis, today: model::Date) -> Vec<Diagnostic> {
    all_findings_with(a, &[], today)
}

/// [`all_findings`] with a configuration's custom rules too.
pub fn all_findings_with(
    a: &Analysis,
    custom: &[std::sync::Arc<rules::custom::CustomRule>],
    today: model::Date,
) -> Vec<Diagnostic> {
    let mut settings = rules::Settings::all(today);
    settings.custom = custom.to_vec();
    let mut ds = rules::run(&a.model, &a.graph, &settings);
    sort(&mut ds);
    ds
}
