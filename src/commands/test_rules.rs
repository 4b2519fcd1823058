//! `archlint test-rules [--config FILE]`: run every test of every custom rule, as
//! `opa test` and `conftest verify` do for policies. One line per test, `ok` or what
//! differed, located at the test's entry; a rule without tests gets a warning. Exit 0
//! when every test passes, 1 when one fails, 2 when a definition is invalid (the
//! configuration, a pack, or a test whose file cannot be read).

use std::path::{Path, PathBuf};

use archlint_core::model::Date;
use archlint_linter::config::confined;
use archlint_linter::rules::custom::RuleTest;

use crate::configs::Configs;
use crate::exit::Exit;
use crate::terminal::{out, read_input, stdout_width};
use archlint_outputs::text::fill;

/// What one test found.
enum Outcome {
    Pass,
    Fail(String),
    /// The test itself is broken: its file cannot be read or is outside the repository.
    Invalid(String),
}

pub(crate) fn run(config: Option<&Path>, today: Date) -> Exit {
    let mut configs = Configs::new(config.map(Path::to_path_buf), false);
    let cfg = match configs.for_dir_or_exit(Path::new(".")) {
        Ok(c) => c,
        Err(e) => return e,
    };
    if cfg.custom.is_empty() {
        eprintln!(
            "no custom rules: `{}` defines none (write them under `custom_rules:` or in `rule_packs:`)",
            cfg.path
                .as_deref()
                .map_or("no configuration".into(), |p| p.display().to_string())
        );
        return Exit::Error;
    }
    let (mut passed, mut failed, mut invalid, mut untested) = (0, 0, 0, 0);
    let width = stdout_width();
    let wrap = |t: &str| fill(t, width, 8, 8);
    let mut text = String::new();
    for rule in &cfg.custom {
        let id = &rule.meta.id;
        let at = rule.meta.defined_in.as_deref().unwrap_or("");
        if rule.tests.is_empty() {
            untested += 1;
            text.push_str(&format!(
                "warning {}\n",
                wrap(&format!(
                    "{at}: `{id}` has no tests: add `tests:` with a design it fires in and one it must not"
                ))
            ));
            continue;
        }
        // the rule alone, with every custom rule known (an `allow` may name any)
        let mut settings = match cfg.settings(Some(std::slice::from_ref(id)), Some(&[])) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e}");
                return Exit::Error;
            }
        };
        settings.today = Some(today);
        for (i, t) in rule.tests.iter().enumerate() {
            let place = format!("{}:{}:{}", t.defined_in, t.line, t.column);
            let name = format!("{id} tests[{i}] {}", t.file);
            match one(t, id, &settings) {
                Outcome::Pass => {
                    passed += 1;
                    text.push_str(&format!("ok      {}\n", wrap(&name)));
                }
                Outcome::Fail(why) => {
                    failed += 1;
                    text.push_str(&format!(
                        "FAILED  {}\n        {}\n",
                        wrap(&name),
                        wrap(&format!("{place}: {why}"))
                    ));
                }
                Outcome::Invalid(why) => {
                    invalid += 1;
                    text.push_str(&format!(
                        "ERROR   {}\n        {}\n",
                        wrap(&name),
                        wrap(&format!("{place}: {why}"))
                    ));
                }
            }
        }
    }
    text.push_str(&format!(
        "\n{} tests: {passed} passed, {failed} failed{}{}\n",
        passed + failed + invalid,
        if invalid > 0 {
            format!(", {invalid} could not run")
        } else {
            String::new()
        },
        if untested > 0 {
            format!("; {untested} rules without tests")
        } else {
            String::new()
        },
    ));
    out(&text);
    if invalid > 0 {
        Exit::Error
    } else if failed > 0 {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// Run one test: lint its file with the rule alone, and compare where it fired with
/// what the test says.
fn one(t: &RuleTest, id: &str, settings: &archlint_linter::rules::Settings) -> Outcome {
    let dir = Path::new(&t.defined_in)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let path = match confined(&dir, &t.file) {
        Ok(p) => p,
        Err((msg, _)) => return Outcome::Invalid(msg),
    };
    let src = match read_input(&path, archlint_linter::DEFAULT_MAX_FILE_BYTES, "<stdin>") {
        Ok(s) => s,
        Err(r) => {
            let why = r
                .diagnostics
                .first()
                .map_or_else(|| "cannot be read".to_string(), |d| d.message.clone());
            return Outcome::Invalid(format!("`{}`: {why}", t.file));
        }
    };
    let r = archlint_linter::lint_source(src, settings);
    if r.input_error {
        let first = r
            .diagnostics
            .iter()
            .find(|d| d.is_input_error())
            .map_or(String::new(), |d| d.message.clone());
        return Outcome::Fail(format!(
            "`{}` has input errors ({first}): a test design must load",
            t.file
        ));
    }
    let found: Vec<&str> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == id)
        .map(|d| d.path.as_str())
        .collect();
    let missing: Vec<&String> = t
        .fires_at
        .iter()
        .filter(|p| !found.iter().any(|f| at(f, p)))
        .collect();
    let extra: Vec<&&str> = found
        .iter()
        .filter(|f| !t.fires_at.iter().any(|p| at(f, p)))
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return Outcome::Pass;
    }
    let mut why = Vec::new();
    if !missing.is_empty() {
        why.push(format!(
            "expected a finding at {}, found none there",
            missing
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !extra.is_empty() {
        why.push(format!(
            "it fired at {}, which the test does not expect",
            extra
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Outcome::Fail(why.join("; "))
}

/// Whether a finding's path is at a prefix: the prefix itself or a path under it
/// (`components.api` covers `components.api.calls[0]`, not `components.api2`).
fn at(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(['.', '[']))
}

#[cfg(test)]
mod tests {
    use super::at;

    #[test]
    fn a_prefix_covers_its_own_path_and_below_only() {
        assert!(at("components.api", "components.api"));
        assert!(at("components.api.calls[0]", "components.api"));
        assert!(at("components.api.calls[0]", "components.api.calls[0]"));
        assert!(!at("components.api2", "components.api"));
        assert!(!at("components.db", "components.api"));
    }
}
