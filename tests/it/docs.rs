//! Documentation that must stay in step with the code.

const START: &str = "| rule | category | severity | fires when |\n|---|---|---|---|\n";
const END: &str = "<!-- /rules-table -->";

/// The README lists exactly the registry's rules. Set ARCHLINT_BLESS=1 to rewrite it.
#[test]
fn readme_rules_table_matches_the_registry() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let a = readme
        .find(START)
        .expect("README has the rules table header")
        + START.len();
    let b = readme[a..]
        .find(END)
        .expect("README has the table end marker")
        + a;
    let want = archlint_linter::rules::markdown_rows();
    if readme[a..b] != want {
        if std::env::var_os("ARCHLINT_BLESS").is_some() {
            let updated = format!("{}{}{}", &readme[..a], want, &readme[b..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "README rules table is out of date; run `ARCHLINT_BLESS=1 cargo test --test it docs::`"
            );
        }
    }
}

#[test]
fn architecture_md_names_the_modules_that_exist() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    for path in doc
        .split('`')
        .filter(|s| (s.starts_with("src/") || s.starts_with("crates/")) && !s.contains(' '))
    {
        assert!(
            root.join(path).exists(),
            "ARCHITECTURE.md names `{path}`, which does not exist"
        );
    }
}

/// The yaml blocks of a page's section.
fn yaml_blocks<'a>(page: &'a str, heading: &str) -> Vec<&'a str> {
    let Some(start) = page.find(heading) else {
        return Vec::new();
    };
    let rest = &page[start + heading.len()..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    section
        .split("```yaml\n")
        .skip(1)
        .filter_map(|b| b.split_once("\n```").map(|(y, _)| y))
        .collect()
}

/// Every page's "Example that fires" is a whole file that loads and fires its rule;
/// a fix written as a whole file (it starts with `name:`) loads and does not.
#[test]
fn page_examples_fire_and_fixes_do_not() {
    use archlint_core::source::SourceFile;
    use archlint_linter::config::Config;
    for r in archlint_linter::rules::RULES {
        if r.id == "unused-allow" {
            continue; // produced by the engine for any rule's stale allow
        }
        let page = r.page();
        let fires = yaml_blocks(page, "## Example that fires");
        assert!(
            !fires.is_empty(),
            "rules/{}.md has no yaml example that fires",
            r.id
        );
        let settings = Config::default()
            .settings(Some(&[r.id.to_string()]), None)
            .unwrap()
            .on(archlint_testing::TODAY);
        if r.category == archlint_linter::rules::Category::Drift {
            drift_example_fires(r.id, page, fires[0], &settings);
            continue;
        }
        let res =
            archlint_linter::lint_source(SourceFile::new("example.arch.yaml", fires[0]), &settings);
        assert!(
            !res.input_error,
            "rules/{}.md: the example does not load: {:?}",
            r.id,
            res.diagnostics
                .iter()
                .map(|d| &d.message)
                .collect::<Vec<_>>()
        );
        assert!(
            res.diagnostics.iter().any(|d| d.rule == r.id),
            "rules/{}.md: the example does not fire the rule",
            r.id
        );
        for fix in yaml_blocks(page, "## The fix") {
            if !fix.starts_with("name:") {
                continue; // a fragment showing the changed lines
            }
            let res =
                archlint_linter::lint_source(SourceFile::new("fix.arch.yaml", fix), &settings);
            assert!(!res.input_error, "rules/{}.md: the fix does not load", r.id);
            assert!(
                !res.diagnostics.iter().any(|d| d.rule == r.id),
                "rules/{}.md: the fix still fires the rule",
                r.id
            );
        }
    }
}

/// A drift page's example: the design and the recording after it ("Recorded:", a
/// JSON or text block) make the rule fire, over a one-hour window.
fn drift_example_fires(
    id: &str,
    page: &str,
    design: &str,
    settings: &archlint_linter::rules::Settings,
) {
    let at = page
        .find("Recorded:")
        .unwrap_or_else(|| panic!("rules/{id}.md shows no recording"));
    let rest = &page[at..];
    let open = rest.find("```").unwrap();
    let body_start = open + rest[open..].find('\n').unwrap() + 1;
    let body_end = body_start + rest[body_start..].find("```").unwrap();
    let observed =
        archlint_linter::observed::read("recorded", &rest.as_bytes()[body_start..body_end])
            .unwrap_or_else(|e| panic!("rules/{id}.md: the recording does not read: {e:?}"));
    let src = archlint_core::source::SourceFile::new("example.arch.yaml", design);
    let a = archlint_linter::analyse(&src).unwrap_or_else(|e| panic!("rules/{id}.md: {e:?}"));
    let map = std::collections::BTreeMap::new();
    let cmp = archlint_linter::drift::compare(
        &a.model,
        &[archlint_linter::drift::Recorded {
            name: "recorded",
            observed: &observed,
        }],
        &archlint_linter::drift::Options {
            map: &map,
            window: Some(3600.0),
        },
    );
    let ds = archlint_linter::rules::settle(&a.model, "example.arch.yaml", cmp.findings, settings);
    assert!(
        ds.iter().any(|d| d.rule == id),
        "rules/{id}.md: the example does not fire the rule"
    );
}

/// Options are documented as YAML, the configuration's language.
#[test]
fn pages_write_options_in_yaml() {
    for r in archlint_linter::rules::RULES {
        for (name, default) in r.options() {
            assert!(
                r.page()
                    .contains(&format!("{}: {{ {name}: {default} }}", r.id)),
                "rules/{}.md does not show option `{name}` with its declared default {default} as YAML",
                r.id
            );
        }
    }
}

/// Every page names 1-3 public sources a learner can read; `explain` and SARIF show them.
#[test]
fn pages_have_references_shown_by_explain_and_sarif() {
    let mut metas: Vec<&archlint_linter::rules::Meta> = archlint_linter::rules::RULES
        .iter()
        .map(|r| r.meta())
        .collect();
    metas.push(archlint_linter::rules::input_meta());
    for m in metas {
        assert!(
            (1..=3).contains(&m.references.len()),
            "rules/{}.md has {} references (want 1-3)",
            m.id,
            m.references.len()
        );
        let page = archlint_linter::rules::page_text(m);
        assert!(page.contains("## References"));
        for r in &m.references {
            assert!(page.contains(r.as_str()));
            if let Some(i) = r.find('<') {
                assert!(
                    r[i..].starts_with("<https://") && r.ends_with('>'),
                    "{}: {r}",
                    m.id
                );
            }
        }
    }
}

/// The page and the declaration tell the same rule: the heading is the id, the line
/// under it the declared category and default severity (and "off by default"), the
/// next paragraph the declared summary; and every rule goes to a report section.
#[test]
fn pages_agree_with_their_declarations() {
    for r in archlint_linter::rules::RULES {
        let mut paragraphs = r.page().split("\n\n").map(str::trim);
        assert_eq!(
            paragraphs.next(),
            Some(format!("# {}", r.id).as_str()),
            "rules/{}.md: the page's heading is not its id",
            r.id
        );
        let off = if r.default_enabled {
            ""
        } else {
            " · off by default"
        };
        let want = format!(
            "*{}* · default severity **{}**{off}",
            r.category.as_str(),
            r.severity.as_str()
        );
        assert_eq!(
            paragraphs.next(),
            Some(want.as_str()),
            "rules/{}.md: the category and severity line disagrees with the declaration",
            r.id
        );
        assert_eq!(
            paragraphs.next(),
            Some(r.summary),
            "rules/{}.md: the summary disagrees with the declaration",
            r.id
        );
        assert!(
            (1..=7).contains(&r.section),
            "{}: section {}",
            r.id,
            r.section
        );
    }
    // and the page of `invalid-input`, which is not a rule
    let m = archlint_linter::rules::input_meta();
    assert!(
        m.body
            .starts_with("# invalid-input\n\n*input* · always an **error**")
    );
    assert!(m.body.contains(&m.summary.replace(".", "")));
}

/// The README's sample output is what the binary prints for the command above it, at
/// 80 columns. Set ARCHLINT_BLESS=1 to rewrite it.
#[test]
fn readme_sample_output_is_real() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let marker = "<!-- sample-output:";
    let m = readme.find(marker).expect("README marks its sample output");
    // the command is the `sh` block just above the marker
    let cmd_block = &readme[..m];
    let cmd_start = cmd_block
        .rfind("```sh\n")
        .expect("a command above the sample")
        + 6;
    let cmd = cmd_block[cmd_start..].lines().next().unwrap();
    let args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
    assert_eq!(cmd.split_whitespace().next(), Some("archlint"));
    let o = crate::common::bin()
        .env("COLUMNS", "80")
        .args(&args)
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(printed.contains("-->"), "{printed}");
    let start = readme[m..].find("```text\n").unwrap() + m + "```text\n".len();
    let end = readme[start..].find("```\n").unwrap() + start;
    if readme[start..end] != printed {
        if std::env::var_os("ARCHLINT_BLESS").is_some() {
            let updated = format!("{}{}{}", &readme[..start], printed, &readme[end..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "README's sample output is not what `{cmd}` prints; run `ARCHLINT_BLESS=1 cargo test --test it docs::`\n{printed}"
            );
        }
    }
}
