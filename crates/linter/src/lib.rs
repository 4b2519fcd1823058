//! archlint's linter: the system graph, the rules and their registry, custom rules,
//! the capacity estimate, configuration, fingerprints, baselines and safe fixes.
//!
//! Data flow: a [`archlint_core::source::SourceFile`] -> the core's loader (typed model
//! and `invalid-input` diagnostics) -> [`graph::SystemGraph`] -> [`rules::run`] ->
//! sorted, fingerprinted diagnostics. The outputs crate renders them.

pub mod baseline;
pub mod config;
pub mod drift;
pub mod estimate;
pub mod fingerprint;
pub mod fix;
pub mod graph;
pub mod input;
pub mod observed;
pub mod rules;
pub mod traffic;

pub use archlint_core::diag::sort;
pub use graph::Analysis;
pub use input::{DEFAULT_MAX_FILE_BYTES, FileResult, read_failure, read_source, source_from_bytes};

use archlint_core::diag::Diagnostic;
use archlint_core::{model, source};
use graph::SystemGraph;
use source::SourceFile;

/// A file loaded as far as it goes: the analysis of what is valid (none when the
/// file does not parse) and the input errors.
pub struct Analysed {
    pub analysis: Option<Analysis>,
    pub errors: Vec<Diagnostic>,
}

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
/// configuration's custom rules). Any input error is an `Err`; [`analyse_partial`]
/// keeps what is valid.
pub fn analyse_for(
    src: &SourceFile,
    limits: model::yaml::Limits,
    rule_ids: &[&str],
) -> Result<Analysis, Vec<Diagnostic>> {
    let a = analyse_partial(src, limits, rule_ids);
    match a.analysis {
        Some(x) if a.errors.is_empty() => Ok(x),
        _ => Err(a.errors),
    }
}

/// Load what is valid of a file, whatever its input errors: the parts at fault are
/// left out of the model (see [`model::recover`]) and the rules run on the rest.
pub fn analyse_partial(
    src: &SourceFile,
    limits: model::yaml::Limits,
    rule_ids: &[&str],
) -> Analysed {
    let loaded = model::load::load(src, rule_ids, limits);
    let faults = loaded.faults;
    let analysis = loaded.model.map(|model| {
        let graph = SystemGraph::build(&model);
        Analysis {
            model,
            graph,
            faults,
        }
    });
    Analysed {
        analysis,
        errors: loaded.errors,
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
/// ("at 10×: …") and carries `projected`. Input errors leave their part out and the
/// rest is linted: the result carries the errors and the findings.
pub fn lint_source_projected(
    src: SourceFile,
    settings: &rules::Settings,
    limits: model::yaml::Limits,
    projection: Option<&model::projection::ProjectionSpec>,
) -> FileResult {
    let Analysed { analysis, errors } = analyse_partial(&src, limits, &settings.rule_ids());
    let Some(a) = analysis else {
        return FileResult::failed(src, errors);
    };
    let (mut diagnostics, held_back) = findings_of(&a.model, &a, settings, &src.name, &|| false);
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
                let mut errors = errors;
                errors.push(d);
                return FileResult::failed(src, errors);
            }
        };
        let later = projected_all(&a, settings, &src.name, &p);
        // an `allow` the projected design needs is in use: not reported, so `--fix
        // --at 10x` never removes what the growth will need
        let unused_later: std::collections::HashSet<&str> = later
            .iter()
            .filter(|d| d.rule == rules::UNUSED_ALLOW)
            .map(|d| d.path.as_str())
            .collect();
        diagnostics
            .retain(|d| d.rule != rules::UNUSED_ALLOW || unused_later.contains(d.path.as_str()));
        let new = only_new(later.iter().cloned(), &p, &diagnostics);
        diagnostics.extend(new);
        sort(&mut diagnostics);
    }
    let mut r = FileResult::linted(src, diagnostics, errors);
    r.held_back = u32::try_from(held_back).unwrap_or(u32::MAX);
    r
}

/// The findings `check` reports for an analysed file: the rules `settings` runs,
/// sorted, with fingerprints (what [`lint_source`] does after loading), without those
/// the parts at fault hold back.
pub fn findings(a: &Analysis, settings: &rules::Settings, name: &str) -> Vec<Diagnostic> {
    findings_of(&a.model, a, settings, name, &|| false).0
}

/// [`lint_source`] that gives up (`None`) as soon as `stop` says so: after loading,
/// before each rule and at the end. The language server stops the lint of a text a
/// newer edit has replaced, so that the new text is linted at once.
pub fn lint_source_until(
    src: SourceFile,
    settings: &rules::Settings,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<FileResult> {
    let Analysed { analysis, errors } =
        analyse_partial(&src, model::yaml::Limits::default(), &settings.rule_ids());
    if stop() {
        return None;
    }
    let Some(a) = analysis else {
        return Some(FileResult::failed(src, errors));
    };
    let (diagnostics, held_back) = findings_of(&a.model, &a, settings, &src.name, stop);
    if stop() {
        return None;
    }
    let mut r = FileResult::linted(src, diagnostics, errors);
    r.held_back = u32::try_from(held_back).unwrap_or(u32::MAX);
    Some(r)
}

/// The findings of `m` (the analysed model, or a projection of it), and how many
/// were held back.
fn findings_of(
    m: &model::Architecture,
    a: &Analysis,
    settings: &rules::Settings,
    name: &str,
    stop: &(dyn Fn() -> bool + Sync),
) -> (Vec<Diagnostic>, usize) {
    let mut ds = rules::run_until(m, &a.graph, settings, stop);
    let held = hold_back(&a.faults, &mut ds);
    sort(&mut ds);
    fingerprint::assign(Some(m), name, &mut ds);
    (ds, held)
}

/// Drop the findings that a part left out for an input error could have caused;
/// how many (not counting `unused-allow`, which a partial model cannot decide: an
/// `allow` may be for a finding held back).
fn hold_back(faults: &model::recover::Faults, ds: &mut Vec<Diagnostic>) -> usize {
    if !faults.any {
        return 0;
    }
    let mut held = 0;
    ds.retain(|d| {
        let rule = rules::find(&d.rule);
        let reads = rule.is_some_and(rules::Rule::reads_whole_design);
        let paths = rule.is_some_and(rules::Rule::follows_paths);
        let allow_use = d.rule == "unused-allow";
        let hold = faults.holds(d, reads, paths, allow_use);
        held += usize::from(hold && !allow_use);
        !hold
    });
    held
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
    let today = findings(a, &settings, name);
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
    only_new(projected_all(a, settings, name, p).into_iter(), p, today)
}

/// Every finding of the design under the projection `p`.
fn projected_all(
    a: &Analysis,
    settings: &rules::Settings,
    name: &str,
    p: &model::projection::Projection,
) -> Vec<Diagnostic> {
    let mut m = a.model.clone();
    p.apply(&mut m);
    findings_of(&m, a, settings, name, &|| false).0
}

/// The projected findings `today` does not have (by fingerprint), marked as projected
/// (`unused-allow` aside: an `allow` unused today is reported as today's).
fn only_new(
    later: impl Iterator<Item = Diagnostic>,
    p: &model::projection::Projection,
    today: &[Diagnostic],
) -> Vec<Diagnostic> {
    let known: std::collections::HashSet<&str> =
        today.iter().map(|d| d.fingerprint.as_str()).collect();
    later
        .filter(|d| !known.contains(d.fingerprint.as_str()) && d.rule != rules::UNUSED_ALLOW)
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
    hold_back(&a.faults, &mut ds);
    sort(&mut ds);
    ds
}
