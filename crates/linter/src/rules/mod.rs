//! The rule registry and engine.
//!
//! Each built-in rule is one file here: its typed declaration ([`declare_rule!`]:
//! id, category, default severity, report section, summary, options with their
//! defaults, references, and its fix where it has one) next to its check. Its page
//! `rules/ID.md` keeps the prose and the tested examples that `archlint explain`
//! prints; a test holds page and declaration together. Adding a rule touches its file,
//! its page, one line of [`RULES`] and its fixtures.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::graph::SystemGraph;
use archlint_core::diag::{Diagnostic, Severity};
use archlint_core::model::Architecture;
use archlint_core::source::{SourceFile, Span};

/// Declares a built-in rule next to its check, as `RULE` (a [`Rule`]); with
/// `options`, also `Options`, one `f64` field per option, read from the configuration
/// with the declared default. The check is `fn check(cx: &Ctx) -> Vec<Diagnostic>`, or
/// `fn check(cx: &Ctx, opts: &Options)` when the rule has options. A misspelled
/// option is a missing field, a misspelled category or severity a missing variant:
/// compile errors, never a silent default.
macro_rules! declare_rule {
    (@enabled) => {
        true
    };
    (@enabled off) => {
        false
    };
    (@fix) => {
        None
    };
    (@whole_file) => {
        false
    };
    (@whole_file file) => {
        true
    };
    (@fix $fix:path) => {
        Some($fix)
    };
    (
        id: $id:literal,
        category: $cat:ident,
        severity: $sev:ident,
        section: $section:literal,
        summary: $summary:literal,
        $(default: $default:ident,)?
        $(options: { $($opt:ident: $def:literal),+ $(,)? },)?
        $(fingerprint: $whole:ident,)?
        references: [$($r:literal),* $(,)?],
        check: $check:ident,
        $(fix: $fix:path,)?
    ) => {
        $(
            /// This rule's options (`rules: { ID: { name: value } }` in `.archlint.yaml`).
            #[derive(Debug, Clone, Copy)]
            struct Options {
                $($opt: f64,)+
            }

            impl Options {
                fn read(set: &std::collections::HashMap<String, f64>) -> Options {
                    Options {
                        $($opt: set.get(stringify!($opt)).copied().unwrap_or($def),)+
                    }
                }
            }
        )?

        fn run(cx: &$crate::rules::Ctx) -> Vec<archlint_core::diag::Diagnostic> {
            $check(cx $(, &{ $(let _ = stringify!($opt);)+ Options::read(cx.option_values()) })?)
        }

        pub(super) static RULE: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            category: $crate::rules::Category::$cat,
            severity: archlint_core::diag::Severity::$sev,
            section: $section,
            summary: $summary,
            default_enabled: declare_rule!(@enabled $($default)?),
            options: &[$($((stringify!($opt), $def)),+)?],
            references: &[$($r),*],
            check: run,
            fix: declare_rule!(@fix $($fix)?),
            whole_file: declare_rule!(@whole_file $($whole)?),
            page: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/", $id, ".md")),
        };
    };
}

mod availability_below_target;
mod cache_consistency_mismatch;
mod cache_without_invalidation;
mod capacity_exceeded;
mod cross_service_relationship;
pub mod custom;
mod custom_message_queue;
mod database_model_mismatch;
mod entity_model_mismatch;
mod expired_allow;
mod grpc_on_public_api;
mod in_process_cache_with_replicas;
mod journey_share_mismatch;
mod l4_balancer_with_l7_needs;
mod latency_budget_exceeded;
mod microservices_for_v1;
mod missing_circuit_breaker;
mod missing_index;
mod missing_requirement;
mod multi_region_strong_consistency;
mod no_dead_letter;
mod no_fallback;
mod non_idempotent_consumer;
mod observed_error_rate;
mod observed_latency_over_budget;
mod observed_load_over_capacity;
mod optimistic_lock_without_retry;
mod optional_call_on_critical_path;
mod polling_for_realtime;
mod public_api_without_rate_limit;
mod queue_tech_mismatch;
mod relational_over_10tb;
mod retry_amplification;
mod retry_without_backoff;
mod search_as_primary_store;
mod shared_database;
mod single_point_of_failure;
mod stale_read_under_strong_consistency;
mod sticky_sessions;
mod support;
mod suppress;
mod sync_call_cycle;
mod sync_call_without_timeout;
mod sync_chain_too_long;
mod undeclared_call;
mod undocumented_choice;
mod unknown_service;
mod unobserved_call;
mod unused_allow;

/// What every rule file imports: the model, the graph, diagnostics, quantities and the
/// shared helpers.
mod prelude {
    pub(super) use super::Ctx;
    pub(super) use super::support::*;
    pub(super) use crate::estimate;
    pub(super) use crate::graph::{Origin, SystemGraph};
    pub(super) use archlint_core::diag::Diagnostic;
    pub(super) use archlint_core::model::quantity::{
        Num, fmt_count, fmt_duration, fmt_percent, fmt_size, trim_num,
    };
    pub(super) use archlint_core::model::tech::{self, QueueFamily};
    pub(super) use archlint_core::model::*;
    pub(super) use archlint_core::source::Span;
    pub(super) use regex::Regex;
    pub(super) use std::collections::{HashSet, VecDeque};
    pub(super) use std::sync::OnceLock;
}

/// What a rule sees.
pub struct Ctx<'a> {
    pub m: &'a Architecture,
    pub g: &'a SystemGraph,
    rule: &'static Rule,
    options: &'a HashMap<String, f64>,
}

impl<'a> Ctx<'a> {
    /// A diagnostic of the running rule at its default severity.
    pub fn diag(
        &self,
        path: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(self.rule.id, self.rule.severity, path, span, message)
    }

    /// The configured values of the running rule's options (its `Options` reads them).
    fn option_values(&self) -> &'a HashMap<String, f64> {
        self.options
    }
}

/// The categories of the built-in rules, in documentation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Requirements,
    AntiPatterns,
    Components,
    Resilience,
    Capacity,
    DataModel,
    Tradeoffs,
    Suppressions,
    Drift,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Requirements,
        Category::AntiPatterns,
        Category::Components,
        Category::Resilience,
        Category::Capacity,
        Category::DataModel,
        Category::Tradeoffs,
        Category::Suppressions,
        Category::Drift,
    ];

    /// The name `--select`, the configuration and every output use.
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Requirements => "requirements",
            Category::AntiPatterns => "anti-patterns",
            Category::Components => "components",
            Category::Resilience => "resilience",
            Category::Capacity => "capacity",
            Category::DataModel => "data-model",
            Category::Tradeoffs => "tradeoffs",
            Category::Suppressions => "suppressions",
            Category::Drift => "drift",
        }
    }
}

/// Category names, in documentation order.
pub const CATEGORIES: &[&str] = &[
    Category::Requirements.as_str(),
    Category::AntiPatterns.as_str(),
    Category::Components.as_str(),
    Category::Resilience.as_str(),
    Category::Capacity.as_str(),
    Category::DataModel.as_str(),
    Category::Tradeoffs.as_str(),
    Category::Suppressions.as_str(),
    Category::Drift.as_str(),
];

/// A safe fix of one finding, as edits on the file's YAML tree.
pub type FixFn =
    fn(&SourceFile, &archlint_core::model::yaml::Node<'_>, &Diagnostic) -> Option<crate::fix::Fix>;

/// A built-in rule, as its file declares it ([`declare_rule!`]).
pub struct Rule {
    pub id: &'static str,
    pub category: Category,
    /// The default severity.
    pub severity: Severity,
    /// The section of `archlint report` its findings go to (1-7).
    pub section: u8,
    pub summary: &'static str,
    /// Off unless selected (the trade-off rules).
    pub default_enabled: bool,
    /// Option names and defaults.
    pub options: &'static [(&'static str, f64)],
    /// Public sources a learner can read (`TITLE <URL>`).
    pub references: &'static [&'static str],
    check: fn(&Ctx) -> Vec<Diagnostic>,
    /// Its safe fix, where it has one (`check --fix`, the server's code actions).
    pub fix: Option<FixFn>,
    /// Its finding stands for the whole file (`fingerprint: file`): the fingerprint is
    /// the rule's and the file's alone, whatever the finding lists.
    pub whole_file: bool,
    /// `rules/ID.md`: the prose and the tested examples.
    page: &'static str,
}

/// A rule's metadata as the outputs read it, for built-in and custom rules alike.
#[derive(Debug, Clone)]
pub struct Meta {
    pub id: String,
    pub category: String,
    pub severity: Severity,
    pub summary: String,
    /// Off unless selected (the trade-off rules).
    pub default_enabled: bool,
    /// The section of `archlint report` its findings go to (1-7).
    pub section: u8,
    /// Options with their defaults (`max_hops: 3`).
    pub options: Vec<(String, f64)>,
    /// Public sources a learner can read (`TITLE <URL>`).
    pub references: Vec<String>,
    /// Where a custom rule is defined (`.archlint.yaml:12`); `None` for built-ins.
    pub defined_in: Option<String>,
    /// The page: its prose and examples.
    pub body: String,
}

impl Rule {
    /// The declaration as [`Meta`], made once per rule.
    pub fn meta(&self) -> &'static Meta {
        static METAS: OnceLock<HashMap<&'static str, Meta>> = OnceLock::new();
        let metas = METAS.get_or_init(|| RULES.iter().map(|r| (r.id, r.to_meta())).collect());
        &metas[self.id]
    }

    fn to_meta(&self) -> Meta {
        Meta {
            id: self.id.to_string(),
            category: self.category.as_str().to_string(),
            severity: self.severity,
            summary: self.summary.to_string(),
            default_enabled: self.default_enabled,
            section: self.section,
            options: self
                .options
                .iter()
                .map(|(n, v)| (n.to_string(), *v))
                .collect(),
            references: self.references.iter().map(|r| r.to_string()).collect(),
            defined_in: None,
            body: self.page.trim_start().to_string(),
        }
    }

    /// `rules/ID.md`.
    pub fn page(&self) -> &'static str {
        self.page
    }

    /// The rule's options with their defaults.
    pub fn options(&self) -> &'static [(String, f64)] {
        &self.meta().options
    }
}

/// Every rule, in documentation order: one line per rule.
pub static RULES: &[&Rule] = &[
    &missing_requirement::RULE,
    &microservices_for_v1::RULE,
    &sync_chain_too_long::RULE,
    &sync_call_cycle::RULE,
    &shared_database::RULE,
    &public_api_without_rate_limit::RULE,
    &optimistic_lock_without_retry::RULE,
    &cache_without_invalidation::RULE,
    &custom_message_queue::RULE,
    &relational_over_10tb::RULE,
    &database_model_mismatch::RULE,
    &search_as_primary_store::RULE,
    &cache_consistency_mismatch::RULE,
    &in_process_cache_with_replicas::RULE,
    &queue_tech_mismatch::RULE,
    &non_idempotent_consumer::RULE,
    &grpc_on_public_api::RULE,
    &polling_for_realtime::RULE,
    &sticky_sessions::RULE,
    &l4_balancer_with_l7_needs::RULE,
    &stale_read_under_strong_consistency::RULE,
    &multi_region_strong_consistency::RULE,
    &single_point_of_failure::RULE,
    &sync_call_without_timeout::RULE,
    &retry_without_backoff::RULE,
    &retry_amplification::RULE,
    &missing_circuit_breaker::RULE,
    &no_dead_letter::RULE,
    &availability_below_target::RULE,
    &latency_budget_exceeded::RULE,
    &no_fallback::RULE,
    &optional_call_on_critical_path::RULE,
    &capacity_exceeded::RULE,
    &journey_share_mismatch::RULE,
    &missing_index::RULE,
    &cross_service_relationship::RULE,
    &entity_model_mismatch::RULE,
    &undocumented_choice::RULE,
    &unused_allow::RULE,
    &expired_allow::RULE,
    &undeclared_call::RULE,
    &unobserved_call::RULE,
    &unknown_service::RULE,
    &observed_load_over_capacity::RULE,
    &observed_latency_over_budget::RULE,
    &observed_error_rate::RULE,
];

/// One component's availability as the availability rules count it (its replicas, an
/// in-process cache's host's), for the report's journey arithmetic.
pub fn availability_of(m: &Architecture, g: &SystemGraph, v: usize) -> f64 {
    support::component_availability(&m.components[v], support::effective_replicas(m, g, v))
}

/// A rule's page as `explain` prints it: the body, with the fix shown as a
/// before/after pair, then its references.
pub fn page_text(m: &Meta) -> String {
    let mut page = with_before_after(m.body.trim_end());
    if !m.references.is_empty() {
        page.push_str("\n\n## References\n\n");
        for x in &m.references {
            page.push_str(&format!("- {x}\n"));
        }
    }
    page.trim_end().to_string()
}

/// The YAML of the first code block after `heading` in `page`: its byte range.
fn yaml_block(page: &str, heading: &str) -> Option<(usize, usize)> {
    let h = page.find(heading)?;
    let end_of_section = page[h + heading.len()..]
        .find("\n## ")
        .map_or(page.len(), |i| h + heading.len() + i);
    let open = page[h..end_of_section].find("```yaml\n")? + h + "```yaml\n".len();
    let close = page[open..].find("```")? + open;
    Some((open, close))
}

/// The components a YAML snippet names at the indentation of `components:`
/// entries (two spaces), as `  id:` lines.
fn snippet_ids(yaml: &str) -> Vec<&str> {
    yaml.lines()
        .filter(|l| {
            l.starts_with("  ") && !l.starts_with("   ") && !l.trim_start().starts_with('#')
        })
        .filter_map(|l| l.trim().split(':').next())
        .filter(|id| !id.is_empty() && !id.contains(' '))
        .collect()
}

/// The lines of `example` that a fix fragment rewrites: the line with the fix's first
/// key at the same indentation (a call item, a `retry:`), with the lines indented under
/// it; the whole example when the fix is a whole file or names nothing in it.
fn matching_fragment(example: &str, fix: &str) -> String {
    let Some(first) = fix.lines().find(|l| !l.trim().is_empty()) else {
        return String::new();
    };
    let indent = first.len() - first.trim_start().len();
    let key = first.trim_start().split(':').next().unwrap_or("");
    let lines: Vec<&str> = example.lines().collect();
    let hit = lines.iter().position(|l| {
        let i = l.len() - l.trim_start().len();
        i == indent
            && indent > 0
            && l.trim_start().split(':').next() == Some(key)
            && (!key.starts_with("- ") || l.trim_start() == first.trim_start())
    });
    match hit {
        Some(h) => {
            // an item's fields are indented two more than its dash
            let inner = if key.starts_with("- ") {
                indent + 2
            } else {
                indent + 1
            };
            let mut out = format!("{}\n", lines[h]);
            for l in &lines[h + 1..] {
                if l.len() - l.trim_start().len() < inner || l.trim().is_empty() {
                    break;
                }
                out.push_str(l);
                out.push('\n');
            }
            out
        }
        None if lines.len() <= 16 => format!("{}\n", example.trim_end()),
        None => String::new(),
    }
}

/// The fix of a page as a before/after pair: under `## The fix`, before its YAML, the
/// lines of the example that fires for the components the fix rewrites (or the
/// fragment it rewrites, or the whole short example) ("Before"), then the fix
/// ("After"). A page without both blocks is left as it is.
fn with_before_after(page: &str) -> String {
    let (Some((eo, ec)), Some((fo, _))) = (
        yaml_block(page, "## Example that fires"),
        yaml_block(page, "## The fix"),
    ) else {
        return page.to_string();
    };
    let example = &page[eo..ec];
    let fix_close = page[fo..].find("```").map_or(page.len(), |i| fo + i);
    let ids = snippet_ids(&page[fo..fix_close]);
    // each named component's lines in the example: its key line and what is indented under it
    let mut before = String::new();
    let mut keep = false;
    for l in example.lines() {
        let top = l.starts_with("  ") && !l.starts_with("   ");
        if top || !l.starts_with(' ') {
            keep = top
                && ids
                    .iter()
                    .any(|id| l.trim_start().starts_with(&format!("{id}:")));
        }
        if keep {
            before.push_str(l);
            before.push('\n');
        }
    }
    if before.is_empty() {
        before = matching_fragment(example, &page[fo..fix_close]);
    }
    if before.is_empty() {
        return page.to_string();
    }
    let fence = fo - "```yaml\n".len();
    format!(
        "{}Before (fires):\n\n```yaml\n{before}```\n\nAfter:\n\n{}",
        &page[..fence],
        &page[fence..]
    )
}

/// The page of `invalid-input`: not a rule (it cannot be selected, ignored or
/// allowed) but documented like one, for `explain`, SARIF and the rule links.
pub fn input_meta() -> &'static Meta {
    static META: OnceLock<Meta> = OnceLock::new();
    META.get_or_init(|| Meta {
        id: archlint_core::diag::INVALID_INPUT.to_string(),
        category: "input".to_string(),
        severity: Severity::Error,
        summary: "The architecture file could not be read, parsed or validated.".to_string(),
        default_enabled: true,
        section: 0,
        options: Vec::new(),
        references: vec![
            "*YAML Ain't Markup Language, version 1.2.2* <https://yaml.org/spec/1.2.2/>"
                .to_string(),
        ],
        defined_in: None,
        body: include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../rules/invalid-input.md"
        ))
        .trim_start()
        .to_string(),
    })
}

pub const UNUSED_ALLOW: &str = "unused-allow";
pub const EXPIRED_ALLOW: &str = "expired-allow";

impl Rule {
    /// Whether the rule's findings depend on parts of the design they do not point at:
    /// numbers computed over the whole design (loads from the traffic model; the
    /// critical path's availability or latency), or what every component upstream
    /// writes. When a part of the file is left out for an input error, another
    /// component may be the busiest, another path the worst, another writer unfed, so
    /// they are held back.
    pub fn reads_whole_design(&self) -> bool {
        self.category == Category::Capacity
            || matches!(
                self.id,
                "availability-below-target" | "latency-budget-exceeded" | "search-as-primary-store"
            )
    }

    /// Whether the rule follows paths from the entry points (chains, reachability): a
    /// call or component left out for an input error changes which paths there are,
    /// and what they start from, so its findings are held back then.
    pub fn follows_paths(&self) -> bool {
        self.reads_whole_design()
            || matches!(
                self.id,
                "sync-chain-too-long"
                    | "retry-amplification"
                    | "single-point-of-failure"
                    | "public-api-without-rate-limit"
                    | "optional-call-on-critical-path"
            )
    }
}

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

pub fn ids() -> Vec<&'static str> {
    RULES.iter().map(|r| r.id).collect()
}

/// What to run and how: the effective selection, severities and options.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Rule id -> enabled. Rules not listed use their default.
    pub enabled: HashMap<String, bool>,
    pub severity: HashMap<String, Severity>,
    pub options: HashMap<String, HashMap<String, f64>>,
    /// The day `allow ... until:` dates are compared with. The linter reads no clock:
    /// the caller passes the date in (the command line reads the clock or
    /// `ARCHLINT_TODAY`, the playground the page's date). `None`: no date is known,
    /// and no `until:` has passed.
    pub today: Option<archlint_core::model::Date>,
    /// The configuration's own rules (on unless turned off in `enabled`).
    pub custom: Vec<std::sync::Arc<custom::CustomRule>>,
}

impl Settings {
    /// Every rule on, the trade-offs included, default severities and options (what
    /// pictures and the review use).
    pub fn all(today: archlint_core::model::Date) -> Settings {
        Settings {
            enabled: RULES.iter().map(|r| (r.id.to_string(), true)).collect(),
            today: Some(today),
            ..Settings::default()
        }
    }

    /// These settings on `today` (for `allow ... until:`).
    pub fn on(mut self, today: archlint_core::model::Date) -> Settings {
        self.today = Some(today);
        self
    }

    /// Every rule id an `allow` may name: the built-ins and the custom rules.
    pub fn rule_ids(&self) -> Vec<&str> {
        let mut v = ids();
        v.extend(self.custom.iter().map(|c| c.meta.id.as_str()));
        v
    }

    /// Whether the rule with this id (built-in or custom) runs.
    pub fn is_enabled_id(&self, id: &str) -> bool {
        match find(id) {
            Some(r) => self.is_enabled(r),
            None => self.enabled.get(id).copied().unwrap_or(true),
        }
    }

    /// The metadata of a rule by id: a built-in's page or a custom rule's definition.
    pub fn meta(&self, id: &str) -> Option<&Meta> {
        find(id).map(|r| r.meta()).or_else(|| {
            self.custom
                .iter()
                .find(|c| c.meta.id == id)
                .map(|c| &c.meta)
        })
    }

    pub fn is_enabled(&self, r: &Rule) -> bool {
        self.enabled
            .get(r.id)
            .copied()
            .unwrap_or(r.meta().default_enabled)
    }
}

/// Run every enabled rule, apply `allow` suppressions, and report unused allows.
/// Designs at least this large run their rules in parallel; below it the threads cost
/// more than they save (the language server re-lints a 500-component file in ~12 ms).
#[cfg(not(target_arch = "wasm32"))]
const PARALLEL_FROM: usize = 2_000;

pub fn run(m: &Architecture, g: &SystemGraph, settings: &Settings) -> Vec<Diagnostic> {
    run_until(m, g, settings, &|| false)
}

/// [`run`], giving up as soon as `stop` says so (the language server's lint of a text
/// an edit has made stale): each rule asks before it starts, and a stopped run's
/// findings are incomplete, for the caller to drop.
pub fn run_until(
    m: &Architecture,
    g: &SystemGraph,
    settings: &Settings,
    stop: &(dyn Fn() -> bool + Sync),
) -> Vec<Diagnostic> {
    let empty = HashMap::new();
    let check = |rule: &'static Rule| {
        if stop() {
            return Vec::new();
        }
        let ctx = Ctx {
            m,
            g,
            rule,
            options: settings.options.get(rule.id).unwrap_or(&empty),
        };
        let mut ds = (rule.check)(&ctx);
        if let Some(&sev) = settings.severity.get(rule.id) {
            for d in &mut ds {
                d.severity = sev;
            }
        }
        ds
    };
    let enabled: Vec<&'static Rule> = RULES
        .iter()
        .copied()
        .filter(|r| settings.is_enabled(r))
        .collect();
    // the rules only read the model and the graph: on a large design they run on every
    // core (in the order of RULES either way; the browser build has no threads)
    #[cfg(not(target_arch = "wasm32"))]
    let per_rule: Vec<Vec<Diagnostic>> = if m.components.len() >= PARALLEL_FROM {
        use rayon::prelude::*;
        enabled.par_iter().map(|&r| check(r)).collect()
    } else {
        enabled.iter().map(|&r| check(r)).collect()
    };
    #[cfg(target_arch = "wasm32")]
    let per_rule: Vec<Vec<Diagnostic>> = enabled.iter().map(|&r| check(r)).collect();
    let mut out: Vec<Diagnostic> = per_rule.into_iter().flatten().collect();
    for c in &settings.custom {
        if !settings.is_enabled_id(&c.meta.id) {
            continue;
        }
        let mut ds = c.check(m, g);
        if let Some(&sev) = settings.severity.get(&c.meta.id) {
            for d in &mut ds {
                d.severity = sev;
            }
        }
        out.extend(ds);
    }
    let today = settings.today;
    let (mut kept, used) = suppress::suppress(m, out, today);
    if settings.is_enabled(&unused_allow::RULE) {
        kept.extend(unused_allow::unused_allows(m, &used, settings, today));
    }
    if settings.is_enabled(&expired_allow::RULE) {
        kept.extend(expired_allow::expired_allows(m, settings, today));
    }
    kept
}

/// Findings made outside the rule engine (`archlint drift`) settled as the engine
/// settles its own: only the rules `settings` enables, at their configured severity,
/// without those an `allow` covers, sorted, with fingerprints.
pub fn settle(
    m: &Architecture,
    file: &str,
    ds: Vec<Diagnostic>,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let enabled: Vec<Diagnostic> = ds
        .into_iter()
        .filter(|d| settings.is_enabled_id(&d.rule))
        .map(|mut d| {
            if let Some(&sev) = settings.severity.get(&d.rule) {
                d.severity = sev;
            }
            d
        })
        .collect();
    let (mut kept, _) = suppress::suppress(m, enabled, settings.today);
    archlint_core::diag::sort(&mut kept);
    crate::fingerprint::assign(Some(m), file, &mut kept);
    kept
}

/// The README's rules table rows, generated from the registry.
pub fn markdown_rows() -> String {
    RULES
        .iter()
        .map(|r| {
            let m = r.meta();
            let off = if m.default_enabled {
                ""
            } else {
                " (off by default)"
            };
            format!(
                "| [`{}`](rules/{}.md) | {} | {} | {}{off} |\n",
                r.id,
                r.id,
                m.category,
                m.severity.as_str(),
                m.summary
            )
        })
        .collect()
}
