//! Helpers shared by the analyzer's integration tests that read real Python sources.

use std::path::{Path, PathBuf};

/// The project's Python: `$JITLENS_PYTHON`, else the workspace's `.venv`.
pub(crate) fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("JITLENS_PYTHON") {
        return PathBuf::from(python);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    assert!(
        venv.exists(),
        "no Python: set JITLENS_PYTHON or run `cargo xtask test`, which makes .venv"
    );
    venv
}

/// Every `.py` file under `dir`, subfolders included, in sorted order.
pub(crate) fn python_files(acc: &mut Vec<PathBuf>, dir: &Path) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            python_files(acc, &path);
        } else if path.extension().is_some_and(|ext| ext == "py") {
            acc.push(path);
        }
    }
}
