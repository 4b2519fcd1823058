//! Finding architecture files: `architecture.y{a,}ml` and `*.arch.y{a,}ml` under a directory.

use std::path::{Path, PathBuf};

pub(crate) fn is_architecture_file(name: &str) -> bool {
    matches!(name, "architecture.yaml" | "architecture.yml")
        || name.ends_with(".arch.yaml")
        || name.ends_with(".arch.yml")
}

/// All architecture files under `dir`, sorted, skipping hidden directories and build
/// output. An unreadable directory is an error (a CI job must not pass because a
/// directory could not be listed).
pub(crate) fn find(dir: &Path) -> Result<Vec<PathBuf>, String> {
    walk(dir, is_architecture_file, |name| {
        !name.starts_with('.') && !matches!(name, "target" | "node_modules" | "vendor")
    })
}

/// The files under `dir` whose names `want`, in the directories whose names `enter`,
/// sorted. Links to directories are not followed, so a link back up the tree cannot
/// make the walk go round for ever; links to files are taken as the files. An
/// unreadable directory or entry is an error naming it.
pub(crate) fn walk(
    dir: &Path,
    want: impl Fn(&str) -> bool,
    enter: impl Fn(&str) -> bool,
) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d)
            .map_err(|e| format!("cannot read the directory `{}`: {e}", d.display()))?;
        for entry in entries {
            let entry =
                entry.map_err(|e| format!("cannot read the directory `{}`: {e}", d.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // the entry itself: a link is a link here, not what it points at
            let ft = entry
                .file_type()
                .map_err(|e| format!("cannot read `{}`: {e}", entry.path().display()))?;
            if ft.is_dir() {
                if enter(&name) {
                    stack.push(entry.path());
                }
            } else if want(&name) {
                let is_dir_link = ft.is_symlink() && entry.path().is_dir();
                if !is_dir_link {
                    out.push(entry.path());
                }
            }
        }
    }
    out.sort();
    Ok(out)
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
