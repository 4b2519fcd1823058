//! The layering of the library, written down in ARCHITECTURE.md: a module may use only
//! modules of lower layers (data flows one way: text → model → graph → rules → output).

/// Module → layer. Lower layers never name higher ones.
const LAYERS: &[(&str, u32)] = &[
    ("source", 0),
    ("discover", 0),
    ("diag", 1),
    ("model", 2),
    ("fingerprint", 3),
    ("graph", 3),
    ("input", 4),
    ("estimate", 5),
    ("import", 5),
    ("rules", 6),
    ("config", 7),
    ("baseline", 7),
    ("fix", 7),
    ("report", 8),
    ("diff", 9),
];

fn layer(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

#[test]
fn modules_use_only_lower_layers() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let re = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    let mut stack = vec![root.clone()];
    let mut checked = 0;
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            // the crate root, the front ends (binary, language server) and the test
            // helpers sit above every layer
            if matches!(
                rel.as_str(),
                "lib.rs" | "main.rs" | "server.rs" | "testing.rs"
            ) || !rel.ends_with(".rs")
            {
                continue;
            }
            let module = rel.split(['/', '.']).next().unwrap().to_string();
            let Some(own) = layer(&module) else {
                panic!(
                    "src/{rel}: module `{module}` has no layer in tests/layering.rs (and ARCHITECTURE.md)"
                );
            };
            let text = std::fs::read_to_string(&p).unwrap();
            for (n, line) in text.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue; // doc links are not dependencies
                }
                for c in re.captures_iter(line) {
                    let dep = &c[1];
                    if dep == module {
                        continue;
                    }
                    let Some(l) = layer(dep) else {
                        panic!(
                            "src/{rel}:{}: `crate::{dep}` is not a module of a layer (use the module that defines it)",
                            n + 1
                        );
                    };
                    assert!(
                        l < own,
                        "src/{rel}:{}: `{module}` (layer {own}) uses `{dep}` (layer {l}); dependencies must point down",
                        n + 1
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 20);
}
