//! An end-to-end test with a real LSP client: Neovim, headless (Debian's `neovim`,
//! installed by `.ci/run`), opens a file, starts `archlint server`, waits for the
//! diagnostics and writes them out.

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
    let init = d.write("init.lua", include_str!("../editor/nvim-init.lua"));
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
