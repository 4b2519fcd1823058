//! `.archlint.yaml` (SPEC §3.4): selection, severities and rule options.
//!
//! Found in the linted file's directory or the nearest parent; `--config FILE` names
//! one, `--no-config` skips it. CLI `--select`/`--ignore` replace the file's lists.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Severity, suggest};
use crate::input::FileResult;
use crate::model::yaml::{self, Limits, Node};
use crate::rules::{self, CATEGORIES, RULES, Settings};
use crate::source::{SourceFile, Span};

pub const FILE_NAMES: &[&str] = &[".archlint.yaml", ".archlint.yml"];

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

/// A category by its id or the SPEC's heading for it, spelled loosely:
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
        "tradeoff" => "tradeoffs",
        "suppression" => "suppressions",
        _ => return None,
    })
}

/// Resolve selectors (`all`, a category, or a rule id) to rule ids.
pub fn resolve(selectors: &[String]) -> Result<Vec<&'static str>, String> {
    let mut out = Vec::new();
    for s in selectors {
        let s = s.trim();
        let cat = category(s).unwrap_or(s);
        if s.eq_ignore_ascii_case("all") {
            out.extend(RULES.iter().map(|r| r.id));
        } else if CATEGORIES.contains(&cat) {
            out.extend(
                RULES
                    .iter()
                    .filter(|r| r.meta().category == cat)
                    .map(|r| r.id),
            );
        } else if let Some(r) = rules::find(s) {
            out.push(r.id);
        } else {
            let mut names: Vec<&str> = RULES.iter().map(|r| r.id).collect();
            names.extend_from_slice(CATEGORIES);
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
            for id in resolve(&sel)? {
                s.enabled.insert(id.to_string(), true);
            }
            // `unused-allow` belongs to whatever is selected unless ignored
            s.enabled
                .entry(rules::UNUSED_ALLOW.into())
                .and_modify(|e| *e = true);
        }
        for (id, on) in &self.enabled {
            s.enabled.insert(id.clone(), *on);
        }
        let ignore = cli_ignore
            .map(<[String]>::to_vec)
            .unwrap_or_else(|| self.ignore.clone());
        for id in resolve(&ignore)? {
            s.enabled.insert(id.to_string(), false);
        }
        s.severity = self.severity.clone();
        s.options = self.options.clone();
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

/// Load a config file. Errors come back as a [`FileResult`] for the config file.
pub fn load(path: &Path) -> Result<Config, Box<FileResult>> {
    let display = path.display().to_string();
    let src = crate::input::read_source(path, &display, 1024 * 1024).map_err(Box::new)?;
    parse(src, Some(path.to_path_buf()))
}

pub fn parse(src: SourceFile, path: Option<PathBuf>) -> Result<Config, Box<FileResult>> {
    let mut l = Loader { errors: Vec::new() };
    let mut cfg = Config {
        path,
        ..Default::default()
    };
    match yaml::parse(&src, Limits::default()) {
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
                    for (k, v) in map {
                        match k.as_scalar() {
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
                                    let file = cfg
                                        .path
                                        .as_deref()
                                        .and_then(Path::parent)
                                        .unwrap_or(Path::new("."))
                                        .join(f.trim());
                                    cfg.baseline = Some(file);
                                }
                                None => l.err(
                                    "baseline",
                                    v.span,
                                    "`baseline` must be a file path".into(),
                                    Some("e.g. `baseline: archlint-baseline.json` (relative to this file), written by `archlint check --write-baseline FILE`".into()),
                                ),
                            },
                            Some(other) => {
                                let help = suggest(other, ["select", "ignore", "rules", "fail_on", "baseline"])
                                    .map(|s| format!("did you mean `{s}`?"));
                                l.err(
                                    other,
                                    k.span,
                                    format!("unknown key `{other}` in the configuration"),
                                    help.or(Some(
                                        "valid keys: `select`, `ignore`, `rules`, `fail_on`, `baseline`".into(),
                                    )),
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
        let Some(rule) = rules::find(id) else {
            let help = suggest(id, rules::ids()).map(|s| format!("did you mean `{s}`?"));
            l.err(
                &path,
                k.span,
                format!("unknown rule `{id}`"),
                help.or(Some("`archlint rules` lists the rule ids".into())),
            );
            continue;
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
                    let Some(_) = rule.options().iter().find(|(n, _)| n == opt) else {
                        let mut valid: Vec<&str> = vec!["severity", "enabled"];
                        valid.extend(rule.options().iter().map(|(n, _)| n.as_str()));
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
                        crate::model::quantity::parse_count(t)
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
                            rule.options()
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
