//! `archlint-bindgen INPUT.wasm OUT_DIR`: what `wasm-bindgen --target no-modules
//! --no-typescript` does, built from the library the CLI is made of. The CLI crate
//! also builds its test runner (an HTTP server and client with TLS); this step needs
//! none of it, so it builds in a fraction of the time, at the version its lockfile pins.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir] = args.as_slice() else {
        eprintln!("usage: archlint-bindgen INPUT.wasm OUT_DIR");
        return ExitCode::from(2);
    };
    let mut b = wasm_bindgen_cli_support::Bindgen::new();
    // the CLI's defaults where the library's differ (the CLI keeps the default module
    // path), so the output is the CLI's byte for byte
    b.input_path(input)
        .typescript(false)
        .omit_default_module_path(false);
    let result = b.no_modules(true).and_then(|b| b.generate(out_dir));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("archlint-bindgen: {e:#}");
            ExitCode::FAILURE
        }
    }
}
