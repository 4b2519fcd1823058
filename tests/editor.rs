//! An end-to-end test with a real LSP client: Neovim, headless (Debian's `neovim`,
//! installed by `.ci/run`), opens a file, starts `archlint server`, waits for the
//! diagnostics and writes them out.

mod common;

use common::Dir;

#[test]
fn neovim_shows_the_servers_diagnostics() {
    let have = std::process::Command::new("nvim")
        .arg("--version")
        .output()
        .is_ok();
    assert!(
        have || std::env::var_os("CI").is_none(),
        "CI is set but Neovim is not installed; .ci/run should have installed it"
    );
    if !have {
        eprintln!("neovim not installed: the end-to-end editor test is skipped");
        return;
    }
    let d = Dir::new("nvim");
    let file = d.write("d.arch.yaml", include_str!("fixtures/fix/before.arch.yaml"));
    let init = d.write("init.lua", include_str!("editor/nvim-init.lua"));
    let out = d.0.join("out.txt");
    let status = std::process::Command::new("nvim")
        .current_dir(&d.0)
        .args(["--headless", "-u", &init, &file])
        .env("ARCHLINT_NVIM_OUT", &out)
        .env("ARCHLINT_BIN", env!("CARGO_BIN_EXE_archlint"))
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
}
