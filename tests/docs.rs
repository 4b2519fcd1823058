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
    let want = archlint::rules::markdown_rows();
    if readme[a..b] != want {
        if std::env::var_os("ARCHLINT_BLESS").is_some() {
            let updated = format!("{}{}{}", &readme[..a], want, &readme[b..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "README rules table is out of date; run `ARCHLINT_BLESS=1 cargo test --test docs`"
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
        .filter(|s| s.starts_with("src/") && !s.contains(' '))
    {
        assert!(
            root.join(path).exists(),
            "ARCHITECTURE.md names `{path}`, which does not exist"
        );
    }
}
