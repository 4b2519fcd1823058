//! The rule registry and engine.
//!
//! A rule is a function of (model, graph, options) -> diagnostics, in the module of its
//! category. Its metadata (category, default severity, summary) and its teaching text
//! live in one Markdown page under `rules/`, embedded here; that page is the single
//! source for `archlint rules`, `archlint explain` and SARIF rule metadata.

mod antipatterns;
mod capacity;
mod components;
pub mod custom;
mod datamodel;
mod requirements;
mod resilience;
mod tradeoffs;

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::graph::SystemGraph;
use archlint_core::diag::{Diagnostic, Severity};
use archlint_core::model::{Allow, Architecture};
use archlint_core::source::Span;

/// What a rule sees.
pub struct Ctx<'a> {
    pub m: &'a Architecture,
    pub g: &'a SystemGraph,
    rule: &'static Rule,
    opts: &'a HashMap<String, f64>,
}

impl<'a> Ctx<'a> {
    /// A diagnostic of the running rule at its default severity.
    pub fn diag(
        &self,
        path: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(self.rule.id, self.rule.meta().severity, path, span, message)
    }
    /// A rule option: the configured value, else the rule's default.
    pub fn opt(&self, name: &str) -> f64 {
        self.opts.get(name).copied().unwrap_or_else(|| {
            self.rule
                .options()
                .iter()
                .find(|(n, _)| n == name)
                .map_or(0.0, |(_, v)| *v)
        })
    }
}

pub type Check = fn(&Ctx) -> Vec<Diagnostic>;

/// A rule: its id, check, option defaults and embedded page.
pub struct Rule {
    pub id: &'static str,
    pub check: Check,
    page: &'static str,
}

/// A rule's metadata, read from its page's front matter.
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
    /// Options with their defaults (`max_hops: 3`), from `options: { ... }`.
    pub options: Vec<(String, f64)>,
    /// Public sources a learner can read, from `references:` (`- TITLE <URL>` lines).
    pub references: Vec<String>,
    /// Where a custom rule is defined (`.archlint.yaml:12`); `None` for built-ins.
    pub defined_in: Option<String>,
    /// The page without its front matter.
    pub body: String,
}

impl Rule {
    pub fn meta(&self) -> &'static Meta {
        static METAS: OnceLock<HashMap<&'static str, Meta>> = OnceLock::new();
        let metas = METAS.get_or_init(|| {
            RULES
                .iter()
                .map(|r| {
                    (
                        r.id,
                        parse_page(r.id, r.page)
                            .unwrap_or_else(|e| panic!("rules/{}.md: {e}", r.id)),
                    )
                })
                .collect()
        });
        &metas[self.id]
    }
    pub fn page(&self) -> &'static str {
        self.page
    }
    /// The rule's options with their defaults.
    pub fn options(&self) -> &'static [(String, f64)] {
        &self.meta().options
    }
}

/// Parse a page's front matter (`key: value` lines between `---` fences).
pub fn parse_page(id: &str, page: &str) -> Result<Meta, String> {
    parse_page_in(id, page, CATEGORIES)
}

fn parse_page_in(id: &str, page: &str, categories: &[&str]) -> Result<Meta, String> {
    let rest = page.strip_prefix("---\n").ok_or("no front matter")?;
    let (front, body) = rest
        .split_once("\n---\n")
        .ok_or("front matter not closed")?;
    let mut kv = HashMap::new();
    let mut references = Vec::new();
    let mut in_refs = false;
    for line in front.lines() {
        if in_refs && let Some(item) = line.trim_start().strip_prefix("- ") {
            references.push(item.trim().to_string());
            continue;
        }
        in_refs = false;
        if let Some((k, v)) = line.split_once(':') {
            let (k, v) = (k.trim(), v.trim());
            if k == "references" && v.is_empty() {
                in_refs = true;
                continue;
            }
            kv.insert(k, v.trim_matches('"').to_string());
        }
    }
    let get = |k: &str| {
        kv.get(k)
            .cloned()
            .ok_or(format!("front matter has no `{k}`"))
    };
    let section: u8 = match kv.get("section") {
        Some(v) => v
            .parse()
            .ok()
            .filter(|n| (1..=7).contains(n))
            .ok_or(format!("`section: {v}` is not a report section 1-7"))?,
        None if categories == ["input"] => 0,
        None => return Err("front matter has no `section` (the report section, 1-7)".into()),
    };
    let mut options = Vec::new();
    if let Some(o) = kv.get("options") {
        let inner = o
            .strip_prefix('{')
            .and_then(|x| x.strip_suffix('}'))
            .ok_or("`options` must be written `{ name: default, ... }`")?;
        for pair in inner.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (n, v) = pair
                .split_once(':')
                .ok_or(format!("option `{pair}` must be `name: default`"))?;
            let v: f64 = v
                .trim()
                .parse()
                .map_err(|_| format!("option `{n}` has a default that is not a number"))?;
            options.push((n.trim().to_string(), v));
        }
    }
    let meta = Meta {
        id: get("id")?,
        category: get("category")?,
        severity: Severity::parse(&get("severity")?).ok_or("bad severity")?,
        summary: get("summary")?,
        default_enabled: kv.get("default").is_none_or(|v| v != "off"),
        section,
        options,
        references,
        defined_in: None,
        body: body.trim_start().to_string(),
    };
    if meta.id != id {
        return Err(format!(
            "front matter id `{}` does not match `{id}`",
            meta.id
        ));
    }
    if !categories.contains(&meta.category.as_str()) {
        return Err(format!("unknown category `{}`", meta.category));
    }
    Ok(meta)
}

/// Categories, in the order the SPEC lists them.
pub const CATEGORIES: &[&str] = &[
    "requirements",
    "anti-patterns",
    "components",
    "resilience",
    "capacity",
    "data-model",
    "tradeoffs",
    "suppressions",
];

/// One registry line per rule: its id and check function. Everything else about the
/// rule (category, severity, summary, report section, options and their defaults,
/// references, the teaching text) is the front matter and body of `rules/ID.md`.
macro_rules! rule {
    ($id:literal, $check:path) => {
        Rule {
            id: $id,
            check: $check,
            page: include_str!(concat!("../../../../rules/", $id, ".md")),
        }
    };
}

/// Every rule, in documentation order.
pub static RULES: &[Rule] = &[
    rule!("missing-requirement", requirements::missing_requirement),
    rule!("microservices-for-v1", antipatterns::microservices_for_v1),
    rule!("sync-chain-too-long", antipatterns::sync_chain_too_long),
    rule!("sync-call-cycle", antipatterns::sync_call_cycle),
    rule!("shared-database", antipatterns::shared_database),
    rule!(
        "public-api-without-rate-limit",
        antipatterns::public_api_without_rate_limit
    ),
    rule!(
        "optimistic-lock-without-retry",
        antipatterns::optimistic_lock_without_retry
    ),
    rule!(
        "cache-without-invalidation",
        antipatterns::cache_without_invalidation
    ),
    rule!("custom-message-queue", antipatterns::custom_message_queue),
    rule!("relational-over-10tb", components::relational_over_10tb),
    rule!(
        "database-model-mismatch",
        components::database_model_mismatch
    ),
    rule!(
        "search-as-primary-store",
        components::search_as_primary_store
    ),
    rule!(
        "cache-consistency-mismatch",
        components::cache_consistency_mismatch
    ),
    rule!(
        "in-process-cache-with-replicas",
        components::in_process_cache_with_replicas
    ),
    rule!("queue-tech-mismatch", components::queue_tech_mismatch),
    rule!(
        "non-idempotent-consumer",
        components::non_idempotent_consumer
    ),
    rule!("grpc-on-public-api", components::grpc_on_public_api),
    rule!("polling-for-realtime", components::polling_for_realtime),
    rule!("sticky-sessions", components::sticky_sessions),
    rule!(
        "l4-balancer-with-l7-needs",
        components::l4_balancer_with_l7_needs
    ),
    rule!(
        "stale-read-under-strong-consistency",
        components::stale_read_under_strong_consistency
    ),
    rule!(
        "multi-region-strong-consistency",
        components::multi_region_strong_consistency
    ),
    rule!(
        "single-point-of-failure",
        resilience::single_point_of_failure
    ),
    rule!(
        "sync-call-without-timeout",
        resilience::sync_call_without_timeout
    ),
    rule!("retry-without-backoff", resilience::retry_without_backoff),
    rule!("retry-amplification", resilience::retry_amplification),
    rule!(
        "missing-circuit-breaker",
        resilience::missing_circuit_breaker
    ),
    rule!(
        "availability-below-target",
        resilience::availability_below_target
    ),
    rule!(
        "latency-budget-exceeded",
        resilience::latency_budget_exceeded
    ),
    rule!("no-fallback", resilience::no_fallback),
    rule!(
        "optional-call-on-critical-path",
        resilience::optional_call_on_critical_path
    ),
    rule!("capacity-exceeded", capacity::capacity_exceeded),
    rule!("missing-index", datamodel::missing_index),
    rule!(
        "cross-service-relationship",
        datamodel::cross_service_relationship
    ),
    rule!("entity-model-mismatch", datamodel::entity_model_mismatch),
    rule!("undocumented-choice", tradeoffs::undocumented_choice),
    rule!("unused-allow", unused_allow_placeholder),
    rule!("expired-allow", unused_allow_placeholder),
];

/// One component's availability as the availability rules count it (its replicas, an
/// in-process cache's host's), for the report's journey arithmetic.
pub fn availability_of(m: &Architecture, g: &SystemGraph, v: usize) -> f64 {
    resilience::component_availability(&m.components[v], resilience::effective_replicas(m, g, v))
}

/// A rule's page as `explain` prints it: the body, then its references.
pub fn page_text(m: &Meta) -> String {
    let mut page = m.body.trim_end().to_string();
    if !m.references.is_empty() {
        page.push_str("\n\n## References\n\n");
        for x in &m.references {
            page.push_str(&format!("- {x}\n"));
        }
    }
    page.trim_end().to_string()
}

/// The page of `invalid-input`: not a rule (it cannot be selected, ignored or
/// allowed) but documented like one, for `explain`, SARIF and the rule links.
pub fn input_meta() -> &'static Meta {
    static META: OnceLock<Meta> = OnceLock::new();
    META.get_or_init(|| {
        parse_page_in(
            archlint_core::diag::INVALID_INPUT,
            include_str!("../../../../rules/invalid-input.md"),
            &["input"],
        )
        .expect("rules/invalid-input.md parses")
    })
}

/// `unused-allow` and `expired-allow` are produced by the engine after suppression,
/// not by a check.
fn unused_allow_placeholder(_: &Ctx) -> Vec<Diagnostic> {
    Vec::new()
}

pub const UNUSED_ALLOW: &str = "unused-allow";
pub const EXPIRED_ALLOW: &str = "expired-allow";

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
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
    let empty = HashMap::new();
    let check = |rule: &'static Rule| {
        let ctx = Ctx {
            m,
            g,
            rule,
            opts: settings.options.get(rule.id).unwrap_or(&empty),
        };
        let mut ds = (rule.check)(&ctx);
        if let Some(&sev) = settings.severity.get(rule.id) {
            for d in &mut ds {
                d.severity = sev;
            }
        }
        ds
    };
    let enabled: Vec<&'static Rule> = RULES.iter().filter(|r| settings.is_enabled(r)).collect();
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
    let (mut kept, used) = suppress(m, out, today);
    if let Some(r) = find(UNUSED_ALLOW)
        && settings.is_enabled(r)
    {
        kept.extend(unused_allows(m, &used, settings, today));
    }
    if let Some(r) = find(EXPIRED_ALLOW)
        && settings.is_enabled(r)
    {
        kept.extend(expired_allows(m, settings, today));
    }
    kept
}

/// Every `allow` in the file with the path of the node it sits on (`""` for the
/// file-level `allow:`).
fn allows(m: &Architecture) -> Vec<(String, &Allow)> {
    let mut v: Vec<(String, &Allow)> = m.allow.iter().map(|a| (String::new(), a)).collect();
    for c in &m.components {
        v.extend(c.allow.iter().map(|a| (c.path(), a)));
        for (i, call) in c.calls.iter().enumerate() {
            v.extend(call.allow.iter().map(|a| (c.call_path(i), a)));
        }
        for (i, cons) in c.consumes.iter().enumerate() {
            v.extend(cons.allow.iter().map(|a| (c.consume_path(i), a)));
        }
    }
    v
}

/// Whether an entry has passed its `until` date (on that day it no longer holds).
fn expired(a: &Allow, today: Option<archlint_core::model::Date>) -> bool {
    a.until.as_ref().zip(today).is_some_and(|(u, t)| t >= u.v)
}

/// The path of an `allow` entry: `components.api.allow.RULE`, or `allow.RULE` at the top.
fn allow_path(path: &str, rule: &str) -> String {
    if path.is_empty() {
        format!("allow.{rule}")
    } else {
        format!("{path}.allow.{rule}")
    }
}

/// The paths an allow at `path` covers `path` from: the path itself and each
/// ancestor (`components.a.calls[0].timeout` -> `components.a.calls[0]`, `components.a`, ...).
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    std::iter::once(path).chain(
        path.char_indices()
            .rev()
            .filter(|&(_, ch)| ch == '.' || ch == '[')
            .map(move |(i, _)| &path[..i]),
    )
}

/// Drop findings an `allow` covers (expired entries cover nothing). Returns the kept
/// findings and, for each dropped one, its (rule, path) so that unused allows can be
/// found. Allows are indexed by (rule, path), so this is linear in findings times path
/// depth; a file-level entry covers the rule's findings everywhere.
fn suppress(
    m: &Architecture,
    ds: Vec<Diagnostic>,
    today: Option<archlint_core::model::Date>,
) -> (Vec<Diagnostic>, Vec<(String, String)>) {
    let all = allows(m);
    if all.is_empty() {
        return (ds, Vec::new());
    }
    let index: HashSet<(&str, &str)> = all
        .iter()
        .filter(|(_, a)| !expired(a, today))
        .map(|(p, a)| (a.rule.as_str(), p.as_str()))
        .collect();
    let mut used = Vec::new();
    let kept = ds
        .into_iter()
        .filter(|d| {
            let hit = index.contains(&(d.rule.as_str(), ""))
                || ancestors(&d.path).any(|p| index.contains(&(d.rule.as_str(), p)));
            if hit {
                used.push((d.rule.clone(), d.path.clone()));
            }
            !hit
        })
        .collect();
    (kept, used)
}

fn severity_of(settings: &Settings, id: &str, default: Severity) -> Severity {
    settings
        .severity
        .get(id)
        .copied()
        .unwrap_or(find(id).map_or(default, |r| r.meta().severity))
}

fn unused_allows(
    m: &Architecture,
    used: &[(String, String)],
    settings: &Settings,
    today: Option<archlint_core::model::Date>,
) -> Vec<Diagnostic> {
    let sev = severity_of(settings, UNUSED_ALLOW, Severity::Info);
    let covered: HashSet<(&str, &str)> = used
        .iter()
        .flat_map(|(r, p)| {
            ancestors(p)
                .chain(std::iter::once(""))
                .map(move |a| (r.as_str(), a))
        })
        .collect();
    let mut out = Vec::new();
    for (path, a) in allows(m) {
        if !settings.is_enabled_id(&a.rule) || a.rule == UNUSED_ALLOW || expired(a, today) {
            continue;
        }
        if covered.contains(&(a.rule.as_str(), path.as_str())) {
            continue;
        }
        let place = if path.is_empty() {
            "in this file".to_string()
        } else {
            format!("at `{path}`")
        };
        out.push(
            Diagnostic::new(
                UNUSED_ALLOW,
                sev,
                allow_path(&path, &a.rule),
                a.span,
                format!("`allow: {}` suppresses nothing here", a.rule),
            )
            .label("no finding to suppress")
            .help(format!(
                "remove this entry; `{}` reports nothing {place}",
                a.rule
            )),
        );
    }
    out
}

/// `expired-allow`: entries whose `until` date has come. They suppress nothing any
/// more, so the findings they hid are reported again, and this says why.
fn expired_allows(
    m: &Architecture,
    settings: &Settings,
    today: Option<archlint_core::model::Date>,
) -> Vec<Diagnostic> {
    let sev = severity_of(settings, EXPIRED_ALLOW, Severity::Warning);
    let mut out = Vec::new();
    for (path, a) in allows(m) {
        let Some(until) = a.until.as_ref().filter(|_| expired(a, today)) else {
            continue;
        };
        let p = allow_path(&path, &a.rule);
        out.push(
            Diagnostic::new(
                EXPIRED_ALLOW,
                sev,
                p.clone(),
                a.span,
                format!(
                    "the `allow` of `{}` expired on {}; it no longer suppresses",
                    a.rule, until.v
                ),
            )
            .label("expired suppression")
            .related(format!("{p}.until"), until.span, format!("until {}", until.v))
            .help(format!(
                "fix what `{}` reports here, or, if the reason (\"{}\") still holds, renew it with a later `until:`",
                a.rule, a.reason
            )),
        );
    }
    out
}

/// `archlint rules`: every rule as an aligned table, grouped by category.
pub fn table() -> String {
    let mut out = String::new();
    let w = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for cat in CATEGORIES {
        let rs: Vec<&Rule> = RULES.iter().filter(|r| r.meta().category == *cat).collect();
        if rs.is_empty() {
            continue;
        }
        out.push_str(&format!("{cat}\n"));
        for r in rs {
            let m = r.meta();
            let off = if m.default_enabled {
                ""
            } else {
                " (off by default)"
            };
            out.push_str(&format!(
                "  {:w$}  {:7}  {}{off}\n",
                r.id,
                m.severity.as_str(),
                m.summary
            ));
        }
        out.push('\n');
    }
    out.push_str("`archlint explain ID` prints a rule's page.\n");
    out
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
