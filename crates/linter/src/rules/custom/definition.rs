//! Parsing one custom rule: its keys, its form, its message and its page.

use super::*;

pub(super) fn one_rule(
    p: &mut P,
    src: &SourceFile,
    ip: &str,
    item: &Node,
    builtin: &[&str],
    taken: &mut HashSet<String>,
) -> Option<CustomRule> {
    let Some(map) = item.as_map() else {
        p.err(
            ip,
            item.span,
            format!("a rule must be a mapping, found {}", item.type_name()),
            None,
        );
        return None;
    };
    let before = p.errors.len();
    for (k, _) in map {
        if !RULE_KEYS.contains(&k.as_scalar().unwrap_or("")) {
            p.unknown_key(ip, k, RULE_KEYS, "a custom rule");
        }
    }
    let get = |k: &str| item.entry(k);
    let text = |k: &str| {
        get(k)
            .and_then(|(_, v)| v.as_scalar().filter(|_| !v.is_null()))
            .map(|s| s.trim().to_string())
    };
    // id: kebab-case, not a built-in, unique
    let id = match get("id") {
        None => {
            p.err(
                ip,
                item.span,
                "a custom rule has no `id`".into(),
                Some("add `id: acme-...` (kebab-case, not a built-in id)".into()),
            );
            None
        }
        Some((_, v)) => {
            let id = v.as_scalar().unwrap_or("").trim().to_string();
            let kebab = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !id.starts_with('-')
                && !id.ends_with('-')
                && !id.contains("--");
            if !kebab {
                p.err(
                    &format!("{ip}.id"),
                    v.span,
                    format!("the id `{id}` is not kebab-case"),
                    Some("use lowercase words joined by `-`, e.g. `acme-service-owner`".into()),
                );
                None
            } else if builtin.contains(&id.as_str()) || id == archlint_core::diag::INVALID_INPUT {
                p.err(&format!("{ip}.id"), v.span, format!("`{id}` is a built-in rule id"), Some("give your rule its own id, e.g. with your organisation's prefix (`acme-...`); to change a built-in, use `rules:` in .archlint.yaml".into()));
                None
            } else if !taken.insert(id.clone()) {
                p.err(
                    &format!("{ip}.id"),
                    v.span,
                    format!("the id `{id}` is defined twice"),
                    Some(
                        "rule ids must be unique across `custom_rules` and every rule pack".into(),
                    ),
                );
                None
            } else {
                Some(id)
            }
        }
    };
    let severity = match get("severity") {
        None => Severity::Warning,
        Some((_, v)) => match v.as_scalar().and_then(Severity::parse) {
            Some(s) => s,
            None => {
                p.err(
                    &format!("{ip}.severity"),
                    v.span,
                    "`severity` must be `error`, `warning` or `info`".into(),
                    None,
                );
                Severity::Warning
            }
        },
    };
    let summary = text("summary");
    if summary.is_none() {
        p.err(ip, item.span, "a custom rule has no `summary`".into(), Some("add `summary:` with one sentence: what the rule asks for (`archlint rules` and `explain` show it)".into()));
    }
    let help = text("help").unwrap_or_default();
    if help.is_empty() {
        p.err(
            ip,
            item.span,
            "a custom rule has no `help`".into(),
            Some("add `help:` saying what to do instead; every finding shows it".into()),
        );
    }
    let message = text("message");
    if let Some((_, v)) = get("message")
        && let Some(m) = &message
    {
        for name in placeholders(m) {
            if !PLACEHOLDERS.contains(&name.as_str()) {
                p.err(
                    &format!("{ip}.message"),
                    v.span,
                    format!("unknown placeholder `{{{name}}}`"),
                    Some(format!(
                        "placeholders: {}",
                        PLACEHOLDERS
                            .iter()
                            .map(|x| format!("`{{{x}}}`"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    )),
                );
            }
        }
    }
    // exactly one form
    let present: Vec<&str> = FORMS.iter().copied().filter(|f| get(f).is_some()).collect();
    if present.len() != 1 {
        let msg = if present.is_empty() {
            "a custom rule has no form".to_string()
        } else {
            format!(
                "a custom rule has {} forms ({}); it takes exactly one",
                present.len(),
                list(&present)
            )
        };
        p.err(ip, item.span, msg, Some("use one of `match` + `require`, `forbid_call`, `forbid_path`, `limit`, `layers`; split the rule in two if you need both".into()));
        return None;
    }
    if present[0] != "match" && get("require").is_some() {
        let (k, _) = get("require").unwrap();
        p.err(
            &format!("{ip}.require"),
            k.span,
            "`require` goes with `match`".into(),
            None,
        );
    }
    let form = parse_form(p, ip, item, present[0]);
    let tests = tests(p, src, ip, item);
    if p.errors.len() > before {
        return None;
    }
    let (id, summary, form) = (id?, summary?, form?);
    let at = src.line_col(item.span.start());
    let defined_in = format!("{}:{}", src.name, at.line);
    // the definition as written, dedented to its own column (the `- ` dropped)
    let (ls, _) = src.line_bounds(item.span.start());
    let raw = src.text.get(ls..item.span.end()).unwrap_or("");
    let col = at.column - 1;
    let definition: String = raw
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.chars().skip(col).collect::<String>()
            } else {
                let cut = l.chars().take(col).take_while(|c| *c == ' ').count();
                l.chars().skip(cut).collect()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let definition = definition.trim_end();
    let body = page(
        &id,
        severity,
        &summary,
        &help,
        &defined_in,
        &form,
        definition,
    );
    Some(CustomRule {
        meta: Meta {
            id,
            category: CATEGORY.to_string(),
            severity,
            summary,
            default_enabled: true,
            section: 3,
            options: Vec::new(),
            references: Vec::new(),
            defined_in: Some(defined_in),
            body,
        },
        help,
        message,
        form,
        tests,
    })
}

/// `tests: [{ file: PATH, fires_at: [PATH-PREFIX, ...] }]`.
fn tests(p: &mut P, src: &SourceFile, ip: &str, item: &Node) -> Vec<RuleTest> {
    let mut out = Vec::new();
    let Some((_, v)) = item.entry("tests") else {
        return out;
    };
    let tp = format!("{ip}.tests");
    let Some(items) = v.as_seq() else {
        p.err(
            &tp,
            v.span,
            "`tests` must be a list".into(),
            Some("e.g. `tests: [{ file: fires.arch.yaml, fires_at: [components.api] }, { file: ok.arch.yaml, fires_at: [] }]`".into()),
        );
        return out;
    };
    for (i, t) in items.iter().enumerate() {
        let at = format!("{tp}[{i}]");
        let Some(map) = t.as_map() else {
            p.err(
                &at,
                t.span,
                "a test must be a mapping with `file` and `fires_at`".into(),
                None,
            );
            continue;
        };
        for (k, _) in map {
            if !matches!(k.as_scalar(), Some("file" | "fires_at")) {
                p.unknown_key(&at, k, &["file", "fires_at"], "a rule test");
            }
        }
        let file = t
            .get("file")
            .and_then(|f| f.as_scalar())
            .map(str::trim)
            .unwrap_or("");
        if file.is_empty() {
            p.err(
                &at,
                t.span,
                "a test has no `file`".into(),
                Some("name a design file, relative to this file".into()),
            );
            continue;
        }
        let Some(fires) = t.get("fires_at") else {
            p.err(
                &at,
                t.span,
                "a test has no `fires_at`".into(),
                Some("list the paths its findings must be at (`[components.api]`), or `[]` for a file it must not fire in".into()),
            );
            continue;
        };
        let Some(fires_at) = fires.as_seq().map(|xs| {
            xs.iter()
                .filter_map(|x| x.as_scalar().map(|s| s.trim().to_string()))
                .collect::<Vec<_>>()
        }) else {
            p.err(
                &format!("{at}.fires_at"),
                fires.span,
                "`fires_at` must be a list of paths".into(),
                None,
            );
            continue;
        };
        let lc = src.line_col(t.span.start());
        out.push(RuleTest {
            file: file.to_string(),
            fires_at,
            defined_in: src.name.clone(),
            line: lc.line,
            column: lc.column,
        });
    }
    out
}

pub(super) fn parse_form(p: &mut P, ip: &str, item: &Node, form: &str) -> Option<Form> {
    let (_, v) = item.entry(form)?;
    let fp = format!("{ip}.{form}");
    match form {
        "match" => {
            let select = selector(p, &fp, v, false);
            let Some((rk, rv)) = item.entry("require") else {
                p.err(
                    ip,
                    item.span,
                    "`match` needs `require`: the conditions matching components must meet".into(),
                    Some("e.g. `require: { owner: present, replicas: \">= 2\" }`".into()),
                );
                return None;
            };
            let rp = format!("{ip}.require");
            let Some(map) = rv.as_map().filter(|m| !m.is_empty()) else {
                p.err(
                    &rp,
                    rk.span,
                    "`require` must map fields to conditions".into(),
                    Some("e.g. `require: { owner: present, replicas: \">= 2\" }`".into()),
                );
                return None;
            };
            let mut conds = Vec::new();
            let names: Vec<&str> = archlint_core::model::fields::COMPONENT
                .iter()
                .map(|d| d.name)
                .filter(|n| field_unit(n).is_some())
                .collect();
            for (k, c) in map {
                let field = k.as_scalar().unwrap_or("");
                if field_unit(field).is_none() {
                    p.unknown_key(&rp, k, &names, "`require` (a component field)");
                    continue;
                }
                if let Some(cond) = condition(p, &format!("{rp}.{field}"), field, c) {
                    conds.push((field.to_string(), cond));
                }
            }
            Some(Form::Require { select, conds })
        }
        "forbid_call" | "forbid_path" => {
            let keys: &[&str] = if form == "forbid_call" {
                &["from", "to", "mode", "access"]
            } else {
                &["from", "to", "sync_only", "unless_via"]
            };
            let Some(map) = v.as_map() else {
                p.err(
                    &fp,
                    v.span,
                    format!("`{form}` must be a mapping with `from` and `to`"),
                    None,
                );
                return None;
            };
            for (k, _) in map {
                if !keys.contains(&k.as_scalar().unwrap_or("")) {
                    p.unknown_key(&fp, k, keys, &format!("`{form}`"));
                }
            }
            let (Some(f), Some(t)) = (v.get("from"), v.get("to")) else {
                p.err(
                    &fp,
                    v.span,
                    format!("`{form}` needs both `from` and `to` selectors"),
                    Some("e.g. `{ from: { kind: client }, to: { kind: database } }`".into()),
                );
                return None;
            };
            let from = selector(p, &format!("{fp}.from"), f, false);
            let to = selector(p, &format!("{fp}.to"), t, true);
            if form == "forbid_call" {
                let sync = match v.entry("mode") {
                    None => None,
                    Some((_, m)) => match m.as_scalar() {
                        Some("sync") => Some(true),
                        Some("async") => Some(false),
                        _ => {
                            p.err(
                                &format!("{fp}.mode"),
                                m.span,
                                "`mode` must be `sync` or `async`".into(),
                                None,
                            );
                            None
                        }
                    },
                };
                let access = match v.entry("access") {
                    None => None,
                    Some((_, a)) => match a.as_scalar() {
                        Some(x @ ("read" | "write")) => Some(x.to_string()),
                        _ => {
                            p.err(
                                &format!("{fp}.access"),
                                a.span,
                                "`access` must be `read` or `write`".into(),
                                None,
                            );
                            None
                        }
                    },
                };
                Some(Form::ForbidCall {
                    from,
                    to,
                    sync,
                    access,
                })
            } else {
                let sync_only = match v.entry("sync_only") {
                    None => false,
                    Some((_, b)) => b.as_bool().unwrap_or_else(|| {
                        p.err(
                            &format!("{fp}.sync_only"),
                            b.span,
                            "`sync_only` must be true or false".into(),
                            None,
                        );
                        false
                    }),
                };
                let unless_via = v
                    .get("unless_via")
                    .map(|u| selector(p, &format!("{fp}.unless_via"), u, false));
                Some(Form::ForbidPath {
                    from,
                    to,
                    sync_only,
                    unless_via,
                })
            }
        }
        "limit" => {
            let keys = ["match", "fan_out", "fan_in", "sync_depth"];
            let Some(map) = v.as_map() else {
                p.err(
                    &fp,
                    v.span,
                    "`limit` must be a mapping".into(),
                    Some("e.g. `limit: { match: { kind: service }, fan_out: \"<= 8\" }`".into()),
                );
                return None;
            };
            for (k, _) in map {
                if !keys.contains(&k.as_scalar().unwrap_or("")) {
                    p.unknown_key(&fp, k, &keys, "`limit`");
                }
            }
            let select = match v.get("match") {
                Some(m) => selector(p, &format!("{fp}.match"), m, false),
                None => Selector::default(),
            };
            let metrics: Vec<(&str, &Node)> = ["fan_out", "fan_in", "sync_depth"]
                .into_iter()
                .filter_map(|m| v.get(m).map(|n| (m, n)))
                .collect();
            if metrics.len() != 1 {
                p.err(
                    &fp,
                    v.span,
                    "`limit` takes exactly one of `fan_out`, `fan_in`, `sync_depth`".into(),
                    Some("write one limit per rule".into()),
                );
                return None;
            }
            let (name, node) = metrics[0];
            let (op, bound, text) = cmp_limit(p, &format!("{fp}.{name}"), node)?;
            let metric = match name {
                "fan_out" => Metric::FanOut,
                "fan_in" => Metric::FanIn,
                _ => Metric::SyncDepth,
            };
            Some(Form::Limit {
                select,
                metric,
                op,
                bound,
                text,
            })
        }
        _ => {
            let Some(items) = v.as_seq().filter(|s| s.len() >= 2) else {
                p.err(
                    &fp,
                    v.span,
                    "`layers` must list two or more selectors, top layer first".into(),
                    Some(
                        "e.g. `layers: [{ kind: gateway }, { kind: service }, { kind: database }]`"
                            .into(),
                    ),
                );
                return None;
            };
            Some(Form::Layers(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, n)| selector(p, &format!("{fp}[{i}]"), n, false))
                    .collect(),
            ))
        }
    }
}

pub(super) const PLACEHOLDERS: &[&str] = &["id", "kind", "tech", "from", "to", "path"];

pub(super) fn placeholders(m: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = m;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) if !after[..j].contains(' ') && !after[..j].is_empty() => {
                out.push(after[..j].to_string());
                rest = &after[j + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// The page `archlint explain` prints for a custom rule.
pub(super) fn page(
    id: &str,
    severity: Severity,
    summary: &str,
    help: &str,
    defined_in: &str,
    form: &Form,
    definition: &str,
) -> String {
    let mut s = format!(
        "# {id}\n\n*custom* · default severity **{}** · defined in `{defined_in}`\n\n{summary}\n\n## What it checks\n\n{}\n\n## The fix\n\n{help}\n\n## Definition\n\n```yaml\n{definition}\n```\n",
        severity.as_str(),
        describe_form(form)
    );
    let _ = write!(
        s,
        "\n## Suppressing\n\nSay why on the component or call: `allow: {{ {id}: \"reason\" }}`, or add it to `ignore:` in `.archlint.yaml`.\n"
    );
    s
}

pub(super) fn describe_form(f: &Form) -> String {
    match f {
        Form::Require { conds, .. } => format!(
            "Components matching the selector must satisfy: {}.",
            conds
                .iter()
                .map(|(k, c)| format!("`{k}` {}", describe_cond(c)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Form::ForbidCall { .. } => "A direct call or consume from a component matching `from` to one matching `to` is reported at the call.".into(),
        Form::ForbidPath { sync_only, unless_via, .. } => format!(
            "A path of {} calls of any length from a component matching `from` to one matching `to`{} is reported once per pair, at the first call of the shortest such path.",
            if *sync_only { "synchronous" } else { "any" },
            if unless_via.is_some() { ", unless it runs through a component matching `unless_via`," } else { "" }
        ),
        Form::Limit { metric, text, .. } => format!(
            "{} of each matching component must be {text}.",
            match metric {
                Metric::FanOut => "The number of distinct components it calls (fan-out)",
                Metric::FanIn => "The number of distinct components calling it (fan-in)",
                Metric::SyncDepth => "The hops of the longest synchronous chain starting at it",
            }
        ),
        Form::Layers(ls) => format!(
            "{} layers, top first; a call may only go to the same or a lower layer. A component belongs to the first layer it matches.",
            ls.len()
        ),
    }
}

pub(super) fn describe_cond(c: &Cond) -> String {
    match c {
        Cond::Present => "present".into(),
        Cond::Absent => "absent".into(),
        Cond::Is(v) => format!("= {v}"),
        Cond::In(v) => format!("in [{}]", v.join(", ")),
        Cond::Cmp(_, _, t) => t.clone(),
    }
}

// ---- matching -----------------------------------------------------------------------
