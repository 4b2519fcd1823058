//! Finding architecture files: `architecture.y{a,}ml` and `*.arch.y{a,}ml` under a directory.

use std::path::{Path, PathBuf};

pub(crate) fn is_architecture_file(name: &str) -> bool {
    matches!(name, "architecture.yaml" | "architecture.yml")
        || name.ends_with(".arch.yaml")
        || name.ends_with(".arch.yml")
}

/// All architecture files under `dir`, sorted, skipping hidden directories and build output.
pub(crate) fn find(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                if !name.starts_with('.')
                    && !matches!(name.as_str(), "target" | "node_modules" | "vendor")
                {
                    stack.push(entry.path());
                }
            } else if is_architecture_file(&name) {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_architecture_file("architecture.yaml"));
        assert!(is_architecture_file("architecture.yml"));
        assert!(is_architecture_file("shop.arch.yaml"));
        assert!(is_architecture_file("shop.arch.yml"));
        assert!(!is_architecture_file("shop.yaml"));
        assert!(!is_architecture_file("docker-compose.yml"));
    }
}
