//! `.archlint.yaml`: selection, severities and rule options.
//!
//! Found in the linted file's directory or the nearest parent; `--config FILE` names
//! one, `--no-config` skips it. CLI `--select`/`--ignore` replace the file's lists.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::input::FileResult;
use crate::rules::custom::{self, CustomRule};
use crate::rules::{self, CATEGORIES, RULES, Settings};
use archlint_core::diag::{Diagnostic, Severity, suggest};
use archlint_core::model::yaml::{self, Limits, Node};
use archlint_core::source::{SourceFile, Span};

pub const FILE_NAMES: &[&str] = &[".archlint.yaml", ".archlint.yml"];

/// A key of `.archlint.yaml`: its name, the value it takes and what it does. The
/// parser's "did you mean" and the configuration reference both read this table.
pub struct Key {
    pub name: &'static str,
    pub value: &'static str,
    pub doc: &'static str,
}

pub const KEYS: &[Key] = &[
    Key {
        name: "select",
        value: "list of rule ids and categories (`all` for every rule)",
        doc: "The rules to run, replacing the default selection (every rule but the trade-offs). `--select` on the command line replaces it.",
    },
    Key {
        name: "ignore",
        value: "list of rule ids and categories",
        doc: "Rules not to run, taken out of the selection. `--ignore` on the command line replaces it.",
    },
    Key {
        name: "rules",
        value: "mapping: rule id -> { severity, options }",
        doc: "Each rule's severity (`error`, `warning`, `info`) and options (see the rules reference), e.g. `sync-chain-too-long: { severity: error, max_hops: 4 }`.",
    },
    Key {
        name: "fail_on",
        value: "`error` | `warning` | `info` | `never`",
        doc: "The lowest severity that makes `check` exit 1 (default `warning`). `--fail-on` overrides it.",
    },
    Key {
        name: "baseline",
        value: "file path, relative to this file",
        doc: "The accepted findings (written by `check --write-baseline`): only findings not in it are reported. Must be inside the configuration's repository unless `--allow-path` names its directory.",
    },
    Key {
        name: "custom_rules",
        value: "list of rule definitions",
        doc: "Your organisation's own rules (see Custom rules below).",
    },
    Key {
        name: "rule_packs",
        value: "list of file paths, relative to this file",
        doc: "Files each holding a `rules:` list of custom rule definitions, inside the configuration's repository unless `--allow-path` names their directory.",
    },
];

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub severity: HashMap<String, Severity>,
    pub options: HashMap<String, HashMap<String, f64>>,
    pub enabled: HashMap<String, bool>,
    pub fail_on: Option<String>,
    /// `baseline: FILE`, resolved against the configuration file's directory.
    pub baseline: Option<PathBuf>,
    /// `custom_rules:` and the rules of every `rule_packs:` file, in order.
    pub custom: Vec<Arc<CustomRule>>,
}

/// The nearest config file at or above `dir`.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    let mut d = Some(dir);
    while let Some(cur) = d {
        for name in FILE_NAMES {
            let p = cur.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
        d = cur.parent();
    }
    None
}

/// A category by its id or the design-review heading for it, spelled loosely:
/// `anti-patterns`, `antipatterns`, `Anti_Patterns`, `failure-modes`, `trade-offs`.
fn category(s: &str) -> Option<&'static str> {
    let key: String = s
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    Some(match key.trim_end_matches('s') {
        "requirement" => "requirements",
        "antipattern" => "anti-patterns",
        "component" | "componentguidance" => "components",
        "resilience" | "failuremode" | "failuremodesandresilience" => "resilience",
        "capacity" => "capacity",
        "datamodel" => "data-model",
        "tradeoff" => "tradeoffs",
        "suppression" => "suppressions",
        _ => return None,
    })
}

/// Resolve selectors (`all`, a category, or a rule id) to built-in rule ids.
pub fn resolve(selectors: &[String]) -> Result<Vec<&'static str>, String> {
    Ok(resolve_with(selectors, &[])?
        .into_iter()
        .filter_map(|id| rules::find(&id).map(|r| r.id))
        .collect())
}

/// Resolve selectors to rule ids, custom rules included (`all`, `custom`, or an id).
pub fn resolve_with(
    selectors: &[String],
    custom: &[Arc<CustomRule>],
) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for s in selectors {
        let s = s.trim();
        let cat = category(s).unwrap_or(s);
        if s.eq_ignore_ascii_case("all") {
            out.extend(RULES.iter().map(|r| r.id.to_string()));
            out.extend(custom.iter().map(|c| c.meta.id.clone()));
        } else if CATEGORIES.contains(&cat) {
            out.extend(
                RULES
                    .iter()
                    .filter(|r| r.meta().category == cat)
                    .map(|r| r.id.to_string()),
            );
        } else if s.eq_ignore_ascii_case(custom::CATEGORY) {
            out.extend(custom.iter().map(|c| c.meta.id.clone()));
        } else if let Some(r) = rules::find(s) {
            out.push(r.id.to_string());
        } else if let Some(c) = custom.iter().find(|c| c.meta.id == s) {
            out.push(c.meta.id.clone());
        } else {
            let mut names: Vec<&str> = RULES.iter().map(|r| r.id).collect();
            names.extend(custom.iter().map(|c| c.meta.id.as_str()));
            names.extend_from_slice(CATEGORIES);
            names.push(custom::CATEGORY);
            names.push("all");
            return Err(match suggest(s, names) {
                Some(x) => format!("unknown rule or category `{s}`; did you mean `{x}`?"),
                None => format!("unknown rule or category `{s}`; `archlint rules` lists them"),
            });
        }
    }
    Ok(out)
}

impl Config {
    /// Effective settings: the file's, with CLI selections replacing its lists.
    pub fn settings(
        &self,
        cli_select: Option<&[String]>,
        cli_ignore: Option<&[String]>,
    ) -> Result<Settings, String> {
        let mut s = Settings::default();
        let select = cli_select
            .map(<[String]>::to_vec)
            .or_else(|| self.select.clone());
        if let Some(sel) = select {
            for r in RULES {
                s.enabled.insert(r.id.to_string(), false);
            }
            for c in &self.custom {
                s.enabled.insert(c.meta.id.clone(), false);
            }
            for id in resolve_with(&sel, &self.custom)? {
                s.enabled.insert(id, true);
            }
            // the suppression rules belong to whatever is selected unless ignored
            for id in [rules::UNUSED_ALLOW, rules::EXPIRED_ALLOW] {
                s.enabled.entry(id.into()).and_modify(|e| *e = true);
            }
        }
        for (id, on) in &self.enabled {
            s.enabled.insert(id.clone(), *on);
        }
        let ignore = cli_ignore
            .map(<[String]>::to_vec)
            .unwrap_or_else(|| self.ignore.clone());
        for id in resolve_with(&ignore, &self.custom)? {
            s.enabled.insert(id, false);
        }
        s.severity = self.severity.clone();
        s.options = self.options.clone();
        s.custom = self.custom.clone();
        Ok(s)
    }
}

struct Loader {
    errors: Vec<Diagnostic>,
}

impl Loader {
    fn err(&mut self, path: &str, span: Span, msg: String, help: Option<String>) {
        self.errors.push(
            Diagnostic::invalid(path, span, msg)
                .label("invalid configuration")
                .maybe_help(help),
        );
    }

    fn str_list(&mut self, path: &str, v: &Node) -> Vec<String> {
        if let Some(s) = v.as_scalar() {
            return s
                .split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect();
        }
        let Some(items) = v.as_seq() else {
            self.err(
                path,
                v.span,
                format!("`{path}` must be a list of rule ids or categories"),
                None,
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for it in items {
            match it.as_scalar() {
                Some(s) => match resolve(&[s.to_string()]) {
                    Ok(_) => out.push(s.to_string()),
                    Err(e) => self.err(path, it.span, e, None),
                },
                None => self.err(path, it.span, "expected a rule id or category".into(), None),
            }
        }
        out
    }
}

/// Directories outside the repository that a configuration may name files in: given
/// on the command line (`--allow-path`) by whoever runs archlint, never by a file.
static ALLOWED_PATHS: std::sync::OnceLock<Vec<PathBuf>> = std::sync::OnceLock::new();

/// Allow a configuration's rule packs and baseline to be read from these directories
/// too (the command line's `--allow-path`). Set once, before any configuration loads.
pub fn allow_paths(dirs: Vec<PathBuf>) {
    let dirs = dirs
        .into_iter()
        .map(|d| d.canonicalize().unwrap_or(d))
        .collect();
    let _ = ALLOWED_PATHS.set(dirs);
}

/// The repository a configuration belongs to: the nearest directory above it with a
/// `.git`, else the configuration's own directory.
fn repository_of(config_dir: &Path) -> PathBuf {
    let dir = config_dir
        .canonicalize()
        .unwrap_or_else(|_| config_dir.to_path_buf());
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(&dir)
        .to_path_buf()
}

/// A file a configuration names, when it stays in the configuration's repository (or
/// a directory `--allow-path` allows): resolved against the configuration's directory,
/// links followed. A path that leads out (absolute, `..` above the repository, a link
/// pointing out) is refused, so that a pull request's configuration cannot make CI
/// read the runner's files. The error and its help.
pub fn confined(config_dir: &Path, named: &str) -> Result<PathBuf, (String, String)> {
    let joined = config_dir.join(named);
    let repo = repository_of(config_dir);
    // a file that does not exist yet (a baseline to write) is judged by its directory
    let resolved = joined.canonicalize().or_else(|_| {
        let parent = joined.parent().unwrap_or(Path::new("."));
        parent
            .canonicalize()
            .map(|p| p.join(joined.file_name().unwrap_or_default()))
    });
    let Ok(resolved) = resolved else {
        return Ok(joined); // unreadable: the read says why
    };
    let allowed = ALLOWED_PATHS.get().map_or(&[][..], Vec::as_slice);
    if resolved.starts_with(&repo) || allowed.iter().any(|d| resolved.starts_with(d)) {
        Ok(joined)
    } else {
        Err((
            format!(
                "`{named}` leads outside the repository (`{}`), to `{}`",
                repo.display(),
                resolved.display()
            ),
            "a configuration may name files in its own repository only; whoever runs archlint can allow another directory with `--allow-path DIR`".into(),
        ))
    }
}

/// Load a config file. Errors come back as a [`FileResult`] for the config file.
pub fn load(path: &Path) -> Result<Config, Box<FileResult>> {
    let display = display_path(path);
    let src = crate::input::read_source(path, &display, 1024 * 1024).map_err(Box::new)?;
    parse(src, Some(path.to_path_buf()))
}

pub fn parse(src: SourceFile, path: Option<PathBuf>) -> Result<Config, Box<FileResult>> {
    let mut l = Loader { errors: Vec::new() };
    let mut cfg = Config {
        path,
        ..Default::default()
    };
    let arena = yaml::Arena::new();
    match yaml::parse(&src, &arena, Limits::default()) {
        Err(e) => l.errors.push(
            Diagnostic::invalid("", e.span, e.message)
                .label(e.label)
                .maybe_help(e.help),
        ),
        Ok(parsed) => {
            for e in parsed.problems {
                l.errors.push(
                    Diagnostic::invalid("", e.span, e.message)
                        .label(e.label)
                        .maybe_help(e.help),
                );
            }
            match parsed.root.as_map() {
                None if parsed.root.is_null() => {}
                None => l.err(
                    "",
                    parsed.root.span,
                    "the configuration must be a mapping".into(),
                    Some("use keys `select`, `ignore`, `rules`, `fail_on`, `baseline`".into()),
                ),
                Some(map) => {
                    // custom rules first, so `rules:`, `select` and `ignore` may name them
                    let builtin = rules::ids();
                    let mut taken = HashSet::new();
                    let mut pack_failure = None;
                    if let Some(v) = parsed.root.get("custom_rules") {
                        let rs = custom::parse_rules(
                            &src,
                            v,
                            "custom_rules",
                            &builtin,
                            &mut taken,
                            &mut l.errors,
                        );
                        cfg.custom.extend(rs.into_iter().map(Arc::new));
                    }
                    if let Some(v) = parsed.root.get("rule_packs") {
                        let base = cfg
                            .path
                            .as_deref()
                            .and_then(Path::parent)
                            .unwrap_or(Path::new("."))
                            .to_path_buf();
                        match strings_of(v) {
                            None => l.err(
                                "rule_packs",
                                v.span,
                                "`rule_packs` must list files".into(),
                                Some(
                                    "e.g. `rule_packs: [rules/acme.yaml]` (relative to this file)"
                                        .into(),
                                ),
                            ),
                            Some(files) => {
                                for (i, (f, span)) in files.into_iter().enumerate() {
                                    let file = match confined(&base, &f) {
                                        Ok(p) => p,
                                        Err((msg, help)) => {
                                            l.err(
                                                &format!("rule_packs[{i}]"),
                                                span,
                                                msg,
                                                Some(help),
                                            );
                                            continue;
                                        }
                                    };
                                    match load_pack(&file, &builtin, &mut taken) {
                                        Ok(rs) => cfg.custom.extend(rs.into_iter().map(Arc::new)),
                                        Err(PackError::Unreadable(msg)) => l.err(
                                            &format!("rule_packs[{i}]"),
                                            span,
                                            msg,
                                            Some(
                                                "the path is relative to this configuration file"
                                                    .into(),
                                            ),
                                        ),
                                        Err(PackError::Invalid(r)) => {
                                            pack_failure.get_or_insert(r);
                                        }
                                    }
                                }
                            }
                        }
                    }
                    if let Some(r) = pack_failure
                        && l.errors.is_empty()
                    {
                        // the pack's own errors, located in the pack file
                        return Err(r);
                    }
                    for (k, v) in map {
                        match k.as_scalar() {
                            Some("custom_rules" | "rule_packs") => {}
                            Some("select") => cfg.select = Some(l.str_list("select", v)),
                            Some("ignore") => cfg.ignore = l.str_list("ignore", v),
                            Some("fail_on" | "fail-on") => match v.as_scalar() {
                                Some(x @ ("error" | "warning" | "info" | "never")) => {
                                    cfg.fail_on = Some(x.to_string())
                                }
                                _ => l.err(
                                    "fail_on",
                                    v.span,
                                    "`fail_on` must be one of `error`, `warning`, `info`, `never`"
                                        .into(),
                                    None,
                                ),
                            },
                            Some("rules") => rules_section(&mut l, &mut cfg, v),
                            Some("baseline") => match v.as_scalar().filter(|t| !t.trim().is_empty()) {
                                Some(f) => {
                                    let dir = cfg
                                        .path
                                        .as_deref()
                                        .and_then(Path::parent)
                                        .unwrap_or(Path::new("."))
                                        .to_path_buf();
                                    match confined(&dir, f.trim()) {
                                        Ok(file) => cfg.baseline = Some(file),
                                        Err((msg, help)) => l.err("baseline", v.span, msg, Some(help)),
                                    }
                                }
                                None => l.err(
                                    "baseline",
                                    v.span,
                                    "`baseline` must be a file path".into(),
                                    Some("e.g. `baseline: archlint-baseline.json` (relative to this file), written by `archlint check --write-baseline FILE`".into()),
                                ),
                            },
                            Some(other) => {
                                let help = suggest(other, KEYS.iter().map(|k| k.name))
                                    .map(|s| format!("did you mean `{s}`?"));
                                let valid: Vec<String> =
                                    KEYS.iter().map(|k| format!("`{}`", k.name)).collect();
                                l.err(
                                    other,
                                    k.span,
                                    format!("unknown key `{other}` in the configuration"),
                                    help.or(Some(format!("valid keys: {}", valid.join(", ")))),
                                );
                            }
                            None => l.err("", k.span, "expected a key name".into(), None),
                        }
                    }
                }
            }
        }
    }
    if l.errors.is_empty() {
        Ok(cfg)
    } else {
        Err(Box::new(FileResult::failed(src, l.errors)))
    }
}

fn rules_section(l: &mut Loader, cfg: &mut Config, v: &Node) {
    let Some(map) = v.as_map() else {
        l.err(
            "rules",
            v.span,
            "`rules` must map rule ids to settings".into(),
            None,
        );
        return;
    };
    for (k, settings) in map {
        let Some(id) = k.as_scalar() else { continue };
        let path = format!("rules.{id}");
        let custom_rule = cfg.custom.iter().find(|c| c.meta.id == id).cloned();
        let options: Vec<(String, f64)> = match (rules::find(id), &custom_rule) {
            (Some(r), _) => r.options().to_vec(),
            (None, Some(_)) => Vec::new(),
            (None, None) => {
                let mut ids = rules::ids();
                ids.extend(cfg.custom.iter().map(|c| c.meta.id.as_str()));
                let help = suggest(id, ids).map(|s| format!("did you mean `{s}`?"));
                l.err(
                    &path,
                    k.span,
                    format!("unknown rule `{id}`"),
                    help.or(Some("`archlint rules` lists the rule ids".into())),
                );
                continue;
            }
        };
        if let Some(sev) = settings.as_scalar() {
            match sev {
                "off" => {
                    cfg.enabled.insert(id.into(), false);
                }
                "on" => {
                    cfg.enabled.insert(id.into(), true);
                }
                s => match Severity::parse(s) {
                    Some(sv) => {
                        cfg.severity.insert(id.into(), sv);
                    }
                    None => l.err(&path, settings.span, format!("invalid setting `{s}` for `{id}`"), Some("use `error`, `warning`, `info`, `off`, or a mapping `{ severity: ..., OPTION: N }`".into())),
                },
            }
            continue;
        }
        let Some(entries) = settings.as_map() else {
            l.err(
                &path,
                settings.span,
                format!("`{id}` must be a severity or a mapping"),
                None,
            );
            continue;
        };
        for (ok, ov) in entries {
            let Some(name) = ok.as_scalar() else { continue };
            match name {
                "severity" => match ov.as_scalar().and_then(Severity::parse) {
                    Some(s) => {
                        cfg.severity.insert(id.into(), s);
                    }
                    None => l.err(
                        &format!("{path}.severity"),
                        ov.span,
                        "`severity` must be `error`, `warning` or `info`".into(),
                        Some("write e.g. `severity: error`".into()),
                    ),
                },
                "enabled" => match ov.as_bool() {
                    Some(b) => {
                        cfg.enabled.insert(id.into(), b);
                    }
                    None => l.err(
                        &format!("{path}.enabled"),
                        ov.span,
                        "`enabled` must be true or false".into(),
                        Some("write `enabled: false` to turn the rule off".into()),
                    ),
                },
                opt => {
                    let Some(_) = options.iter().find(|(n, _)| n == opt) else {
                        let mut valid: Vec<&str> = vec!["severity", "enabled"];
                        valid.extend(options.iter().map(|(n, _)| n.as_str()));
                        let help = suggest(opt, valid.iter().copied())
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| format!("`{id}` takes: {}", valid.join(", ")));
                        l.err(
                            &format!("{path}.{opt}"),
                            ok.span,
                            format!("unknown option `{opt}` for rule `{id}`"),
                            Some(help),
                        );
                        continue;
                    };
                    let val = ov.as_scalar().and_then(|t| {
                        archlint_core::model::quantity::parse_count(t)
                            .ok()
                            .or_else(|| t.trim_end_matches('%').parse().ok())
                    });
                    match val {
                        Some(x) => {
                            cfg.options
                                .entry(id.into())
                                .or_default()
                                .insert(opt.into(), x);
                        }
                        None => l.err(
                            &format!("{path}.{opt}"),
                            ov.span,
                            format!("option `{opt}` must be a number"),
                            options
                                .iter()
                                .find(|(n, _)| n == opt)
                                .map(|(_, d)| format!("write it as `{opt}: {d}` (the default)")),
                        ),
                    }
                }
            }
        }
    }
}

enum PackError {
    /// The file could not be read: reported at its `rule_packs` entry.
    Unreadable(String),
    /// The pack has errors, located in the pack file.
    Invalid(Box<FileResult>),
}

/// Read a rule pack: a YAML file with a `rules:` list.
/// A pack's `requires:` (the archlint versions it was written for, in Cargo's syntax:
/// `">= 0.3"`, `"^1.2"`, `">= 0.3, < 2"`): a requirement this version does not meet,
/// or one that does not parse, is an error naming both.
fn requires(req: &Node, errors: &mut Vec<Diagnostic>) {
    let text = req.as_scalar().unwrap_or("").trim();
    let this = env!("CARGO_PKG_VERSION");
    match semver::VersionReq::parse(text) {
        Err(e) => errors.push(
            Diagnostic::invalid(
                "requires",
                req.span,
                format!("`requires: {text}` is not a version requirement: {e}"),
            )
            .label("not a version requirement")
            .help("write it as Cargo does, e.g. `requires: \">= 0.3\"` or `\"^1.2\"`"),
        ),
        Ok(r) => {
            let v = semver::Version::parse(this).expect("archlint's version parses");
            if !r.matches(&v) {
                errors.push(
                    Diagnostic::invalid(
                        "requires",
                        req.span,
                        format!("this rule pack requires archlint {text}, and this is archlint {this}"),
                    )
                    .label("not met by this version")
                    .help("run an archlint the pack was written for, or use a version of the pack written for this one"),
                );
            }
        }
    }
}

fn load_pack(
    path: &Path,
    builtin: &[&str],
    taken: &mut HashSet<String>,
) -> Result<Vec<CustomRule>, PackError> {
    let display = display_path(path);
    let src = match crate::input::read_source(path, &display, 1024 * 1024) {
        Ok(s) => s,
        Err(r) => {
            return Err(PackError::Unreadable(
                r.diagnostics
                    .first()
                    .map_or("cannot read the rule pack".into(), |d| d.message.clone()),
            ));
        }
    };
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let arena = yaml::Arena::new();
    match yaml::parse(&src, &arena, Limits::default()) {
        Err(e) => errors.push(
            Diagnostic::invalid("", e.span, e.message)
                .label(e.label)
                .maybe_help(e.help),
        ),
        Ok(parsed) => {
            for e in parsed.problems {
                errors.push(
                    Diagnostic::invalid("", e.span, e.message)
                        .label(e.label)
                        .maybe_help(e.help),
                );
            }
            match parsed.root.as_map() {
                Some(map) => {
                    for (k, _) in map {
                        let key = k.as_scalar().unwrap_or("");
                        if !matches!(key, "rules" | "name" | "description" | "requires") {
                            let help = suggest(key, ["rules", "name", "description", "requires"]).map_or(
                                "a rule pack has `rules:` (and optionally `name:`, `description:`, `requires:`)"
                                    .to_string(),
                                |s| format!("did you mean `{s}`?"),
                            );
                            errors.push(
                                Diagnostic::invalid(
                                    key,
                                    k.span,
                                    format!("unknown key `{key}` in a rule pack"),
                                )
                                .label("unknown key")
                                .help(help),
                            );
                        }
                    }
                    if let Some((_, req)) = parsed.root.entry("requires") {
                        requires(req, &mut errors);
                    }
                    match parsed.root.get("rules") {
                        Some(v) => {
                            out = custom::parse_rules(&src, v, "rules", builtin, taken, &mut errors)
                        }
                        None => errors.push(
                            Diagnostic::invalid(
                                "",
                                parsed.root.span,
                                "a rule pack has no `rules:` list",
                            )
                            .label("no `rules:`")
                            .help("write `rules:` followed by the rules, each `- id: ...`"),
                        ),
                    }
                }
                None => errors.push(
                    Diagnostic::invalid(
                        "",
                        parsed.root.span,
                        "a rule pack must be a mapping with `rules:`",
                    )
                    .label("not a mapping")
                    .help("write `rules:` followed by the rules, each `- id: ...`"),
                ),
            }
        }
    }
    if errors.is_empty() {
        return Ok(out);
    }
    // a file that is not a rule pack at all (no `rules:` at its top) may be anything a
    // path can reach, a credentials file included: its lines are never shown
    // (a pack with a syntax error still has its `rules:` line at the top level)
    let is_pack = {
        let arena = yaml::Arena::new();
        yaml::parse(&src, &arena, Limits::default())
            .ok()
            .is_some_and(|p| p.root.get("rules").is_some())
            || src.text.lines().any(|l| {
                l.strip_prefix("rules:").is_some_and(|rest| {
                    rest.trim().is_empty() || rest.trim_start().starts_with('#')
                })
            })
    };
    if !is_pack {
        return Err(PackError::Unreadable(format!(
            "`{display}` is not a rule pack (it has no `rules:` at its top level); its content is not shown"
        )));
    }
    Err(PackError::Invalid(Box::new(FileResult::failed(
        src, errors,
    ))))
}

/// A string or a list of strings, with their spans.
fn strings_of(v: &Node) -> Option<Vec<(String, Span)>> {
    if let Some(s) = v.as_scalar().filter(|_| !v.is_null()) {
        return Some(vec![(s.trim().to_string(), v.span)]);
    }
    v.as_seq()?
        .iter()
        .map(|x| x.as_scalar().map(|s| (s.trim().to_string(), x.span)))
        .collect()
}

/// A path as shown: relative to the working directory when it is inside it.
fn display_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path)
        .display()
        .to_string()
}
