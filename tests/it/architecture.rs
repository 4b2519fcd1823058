//! The invariants of ARCHITECTURE.md that Cargo does not check by itself. Which crate
//! may use which is written in each crate's manifest, and Cargo refuses anything else;
//! these tests hold the manifests to the crate map, and the core crate to "no I/O".

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `[dependencies]` (and target-specific dependencies) a manifest names.
fn dependencies(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let mut deps = Vec::new();
    let mut in_deps = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]"
                || (line.starts_with("[target.") && line.ends_with(".dependencies]"));
            continue;
        }
        if in_deps && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['=', '.', ' ']).next().unwrap().trim();
            deps.push(name.to_string());
        }
    }
    deps
}

/// Each crate and the archlint crates it may depend on: the layers, top to bottom.
const CRATE_MAP: &[(&str, &[&str])] = &[
    ("crates/core", &[]),
    ("crates/linter", &["archlint-core"]),
    ("crates/outputs", &["archlint-core", "archlint-linter"]),
    ("crates/import", &["archlint-core", "archlint-linter"]),
    ("crates/course", &["archlint-core", "archlint-linter"]),
    (
        "crates/server",
        &["archlint-core", "archlint-linter", "archlint-outputs"],
    ),
    (
        "crates/testing",
        &[
            "archlint-core",
            "archlint-linter",
            "archlint-outputs",
            "archlint-import",
        ],
    ),
    (
        ".",
        &[
            "archlint-core",
            "archlint-linter",
            "archlint-outputs",
            "archlint-server",
            "archlint-import",
            "archlint-course",
        ],
    ),
    (
        "playground",
        &[
            "archlint-core",
            "archlint-linter",
            "archlint-outputs",
            "archlint-course",
        ],
    ),
    (
        "fuzz",
        &["archlint-core", "archlint-linter", "archlint-testing"],
    ),
];

#[test]
fn every_crate_depends_only_on_the_layers_below_it() {
    let crates: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for c in &crates {
        let rel = format!("crates/{}", c.file_name().unwrap().to_string_lossy());
        assert!(
            CRATE_MAP.iter().any(|(p, _)| *p == rel),
            "{rel} is not in the crate map (tests/architecture.rs and ARCHITECTURE.md)"
        );
    }
    for (dir, allowed) in CRATE_MAP {
        let deps = dependencies(&root().join(dir).join("Cargo.toml"));
        for d in deps.iter().filter(|d| d.starts_with("archlint")) {
            assert!(
                allowed.contains(&d.as_str()),
                "{dir}/Cargo.toml depends on {d}, which is not below it in the crate map"
            );
        }
    }
}

/// What the command line alone needs never reaches the library crates, the
/// playground or the fuzzers: the argument parser, the terminal, the allocator, the
/// text diff of `--diff`; and only the server crate speaks LSP.
#[test]
fn front_end_dependencies_stay_in_the_front_ends() {
    let binary_only = [
        "clap",
        "clap_complete",
        "terminal_size",
        "mimalloc",
        "libmimalloc-sys",
        "similar",
    ];
    let lsp = ["lsp-server", "lsp-types"];
    for (dir, _) in CRATE_MAP {
        let deps = dependencies(&root().join(dir).join("Cargo.toml"));
        for d in &deps {
            if *dir != "." {
                assert!(
                    !binary_only.contains(&d.as_str()),
                    "{dir}/Cargo.toml depends on {d}, which only the command line may use"
                );
            }
            if *dir != "crates/server" {
                assert!(
                    !lsp.contains(&d.as_str()),
                    "{dir}/Cargo.toml depends on {d}: only the server crate knows LSP"
                );
            }
        }
    }
}

/// The core crate reads text it is handed: no files, no environment, no clock, no
/// processes, no standard streams.
#[test]
fn the_core_crate_does_no_io() {
    let forbidden = [
        "std::fs",
        "std::env",
        "std::process",
        "std::net",
        "SystemTime",
        "Instant::now",
        "stdin()",
        "stdout()",
        "stderr()",
        "println!",
        "eprintln!",
    ];
    let mut stack = vec![root().join("crates/core/src")];
    let mut checked = 0;
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.file_name().is_some_and(|n| n == "tests.rs") {
                continue; // unit tests may read the repository's examples
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap();
            for (n, line) in code.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                for f in forbidden {
                    assert!(
                        !line.contains(f),
                        "{}:{}: the core crate does no I/O, but uses `{f}`",
                        p.display(),
                        n + 1
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 5, "read only {checked} files of the core crate");
}

/// No source file grows past 1,200 lines: past that, split it along what it does.
#[test]
fn no_source_file_is_over_1200_lines() {
    let mut stack = vec![root().join("src"), root().join("crates")];
    let mut long = Vec::new();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let n = std::fs::read_to_string(&p).unwrap().lines().count();
                if n > 1200 {
                    long.push(format!("{} ({n} lines)", p.display()));
                }
            }
        }
    }
    assert!(long.is_empty(), "files over 1,200 lines: {long:?}");
}
