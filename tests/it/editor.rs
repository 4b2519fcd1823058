//! End-to-end tests with real LSP clients, each set up with the configuration the
//! README gives (`editors/`): Neovim (Debian's 0.7) and Emacs with eglot, headless
//! (installed by `.ci/run`), open a file, start `archlint server`, wait for the
//! diagnostics and write them out, and attach nothing to a plain YAML file. The
//! VS Code extension and the Helix configuration are checked for what they select.

use crate::common;

use common::Dir;

#[test]
#[ignore = "needs Neovim (`nvim`); .ci/run installs it and runs the ignored tests"]
fn neovim_shows_the_servers_diagnostics() {
    let have = std::process::Command::new("nvim")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(have, "Neovim (`nvim`) is not installed; this test needs it");
    let d = Dir::new("nvim");
    let file = d.write(
        "d.arch.yaml",
        include_str!("../fixtures/fix/before.arch.yaml"),
    );
    d.write("other.yaml", "name: not an architecture file\n");
    let init = d.write("init.lua", include_str!("../editor/nvim-init.lua"));
    let out = d.0.join("out.txt");
    let status = std::process::Command::new("nvim")
        .current_dir(&d.0)
        .args(["--headless", "-u", &init, &file])
        .env("ARCHLINT_NVIM_OUT", &out)
        .env("ARCHLINT_BIN", env!("CARGO_BIN_EXE_archlint"))
        .env("ARCHLINT_EDITOR_CONFIG", editor_file("neovim/archlint.lua"))
        .stdin(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("16:9 retry-without-backoff `api` makes up to 3 attempts"),
        "{text}"
    );
    assert!(text.contains("4:3 unused-allow"), "{text}");
    assert!(text.contains("clients on other.yaml: 0"), "{text}");
}

fn editor_file(rel: &str) -> String {
    format!("{}/editors/{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
#[ignore = "needs Emacs with eglot (Debian: `emacs-nox`, `elpa-eglot`); .ci/run installs them and runs the ignored tests"]
fn emacs_eglot_shows_the_servers_diagnostics() {
    let have = std::process::Command::new("emacs")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(have, "Emacs (`emacs`) is not installed; this test needs it");
    let d = Dir::new("emacs");
    let file = d.write(
        "d.arch.yaml",
        include_str!("../fixtures/fix/before.arch.yaml"),
    );
    d.write("other.yaml", "name: not an architecture file\n");
    let init = d.write("init.el", include_str!("../editor/emacs-init.el"));
    let out = d.0.join("out.txt");
    let o = std::process::Command::new("emacs")
        .current_dir(&d.0)
        // -q, not -Q: site-start makes Debian's packaged eglot loadable
        .args(["--batch", "-q", "-l", &init, &file])
        .env("ARCHLINT_EMACS_OUT", &out)
        .env("ARCHLINT_BIN", env!("CARGO_BIN_EXE_archlint"))
        .env("ARCHLINT_EDITOR_CONFIG", editor_file("emacs/archlint.el"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(
        text.contains("16:9 archlint [retry-without-backoff]: `api` makes up to 3 attempts"),
        "{text}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(text.contains("4:3 archlint [unused-allow]"), "{text}");
    assert!(text.contains("other.yaml managed: no"), "{text}");
}

/// The VS Code extension and the Helix configuration select architecture files by
/// name, never every YAML file, and start `archlint server`.
#[test]
fn the_editor_configurations_select_architecture_files_only() {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(editor_file("vscode/package.json")).unwrap())
            .unwrap();
    let events: Vec<&str> = manifest["activationEvents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(
        events.iter().all(|e| e.starts_with("workspaceContains:")),
        "{events:?}"
    );
    assert!(!events.iter().any(|e| e.contains("onLanguage:yaml")));
    assert_eq!(manifest["main"], "./extension.js");
    let js = std::fs::read_to_string(editor_file("vscode/extension.js")).unwrap();
    assert!(js.contains(r#"pattern: "**/*.arch.{yaml,yml}""#));
    assert!(js.contains(r#"pattern: "**/architecture.{yaml,yml}""#));
    assert!(js.contains(r#"args: ["server"]"#));
    assert!(!js.contains("language: \"yaml\""), "never every YAML file");
    let helix = std::fs::read_to_string(editor_file("helix/languages.toml")).unwrap();
    assert!(helix.contains(r#"file-types = [{ glob = "*.arch.yaml" }"#));
    assert!(helix.contains(r#"args = ["server"]"#));
    // the README gives each of them as they are
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for f in [
        "neovim/archlint.lua",
        "emacs/archlint.el",
        "helix/languages.toml",
        "vscode/",
    ] {
        assert!(
            readme.contains(&format!("editors/{f}")),
            "README names editors/{f}"
        );
    }
}

#[test]
#[ignore = "needs Node.js (`node`); .ci/run has it and runs the ignored tests"]
fn the_vscode_extension_is_valid_javascript() {
    let o = std::process::Command::new("node")
        .args(["--check", &editor_file("vscode/extension.js")])
        .output()
        .expect("Node.js (`node`) is not installed; this test needs it");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
