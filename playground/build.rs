//! The gallery: every `examples/*.arch.yaml` of the repository, embedded in the wasm
//! module so the page needs no second file and the list never drifts from the folder.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".arch.yaml"))
        .collect();
    files.sort();
    let mut out = String::from("pub const GALLERY: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        let stem = name.trim_end_matches(".arch.yaml");
        let path = f.canonicalize().expect("example path");
        writeln!(
            out,
            "    ({stem:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("gallery.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
