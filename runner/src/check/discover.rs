//! Which files `check` looks at: the named files, and the `.py` files and Jupyter notebooks
//! (`.ipynb`) under the named folders.
//!
//! Folders are walked with the `ignore` crate, as ruff and ripgrep do: `.gitignore` (also outside
//! a git repository, and those of parent folders), `.ignore` and `.git/info/exclude` are
//! respected, hidden files and folders are skipped, symbolic links are not followed. Folders that
//! hold built, vendored or installed copies of code ([`DEFAULT_EXCLUDED_FOLDERS`], ruff's default
//! excludes that are not hidden) are skipped too, and the `exclude` patterns of `[tool.jitlens]`
//! prune the walk further. A file or folder named on the command line is always checked, whatever
//! its name, as in ruff.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::WalkBuilder;

/// Folder names skipped below a named folder: build output (`build/lib` holds a second copy of
/// the package), distributions, virtual environments and installed or vendored packages.
pub(crate) const DEFAULT_EXCLUDED_FOLDERS: &[&str] = &[
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
];

/// Whether the walk skips `entry` by its name alone: a [`DEFAULT_EXCLUDED_FOLDERS`] folder below
/// the folder the walk started from.
fn is_default_excluded(entry: &ignore::DirEntry) -> bool {
    entry.depth() > 0
        && entry.file_type().is_some_and(|kind| kind.is_dir())
        && entry
            .file_name()
            .to_str()
            .is_some_and(|name| DEFAULT_EXCLUDED_FOLDERS.contains(&name))
}

/// The files to check, sorted and without duplicates, and what could not be walked.
#[derive(Debug)]
pub(crate) struct Discovered {
    /// The files, sorted by path.
    pub(crate) files: Vec<PathBuf>,
    /// Folders or entries that could not be read while walking.
    pub(crate) errors: Vec<String>,
}

/// Finds the files under `paths`; a path that does not exist or cannot be opened is an error.
pub(crate) fn python_files(paths: &[PathBuf], exclude: &Exclude) -> anyhow::Result<Discovered> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path)
            .with_context(|| format!("could not open {}", path.display()))?;
        if metadata.is_file() {
            files.push(path.clone());
            continue;
        }
        if !metadata.is_dir() {
            // Ex) a named pipe: reading it could block forever.
            bail!("{} is neither a file nor a folder", path.display());
        }
        let exclude = exclude.clone();
        let walk = WalkBuilder::new(path)
            .require_git(false)
            .filter_entry(move |entry| {
                if is_default_excluded(entry) {
                    return false;
                }
                let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
                !exclude.is_excluded(entry.path(), is_dir)
            })
            .build();
        for entry in walk {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                    let checked = entry
                        .path()
                        .extension()
                        .is_some_and(|ext| ext == "py" || ext == "ipynb");
                    if is_file && checked {
                        files.push(entry.into_path());
                    }
                }
                Err(error) => errors.push(error.to_string()),
            }
        }
    }
    files.sort();
    files.dedup();
    Ok(Discovered { files, errors })
}

/// The `exclude` patterns of `[tool.jitlens]`, relative to the folder of their pyproject.toml.
#[derive(Debug, Clone)]
pub(crate) struct Exclude {
    matcher: Gitignore,
}

impl Exclude {
    /// Nothing excluded.
    pub(crate) fn none() -> Self {
        Self {
            matcher: Gitignore::empty(),
        }
    }

    /// Gitignore-style `patterns`, relative to `root`.
    pub(crate) fn new(root: &Path, patterns: &[String]) -> anyhow::Result<Self> {
        let mut builder = GitignoreBuilder::new(root);
        for pattern in patterns {
            builder
                .add_line(None, pattern)
                .with_context(|| format!("invalid exclude pattern `{pattern}`"))?;
        }
        let matcher = builder
            .build()
            .context("could not build the exclude patterns")?;
        Ok(Self { matcher })
    }

    fn is_excluded(&self, path: &Path, is_dir: bool) -> bool {
        if self.matcher.is_empty() {
            return false;
        }
        // The patterns are relative to the pyproject.toml's folder, the walk's paths to the
        // current directory: compare absolute paths.
        let Ok(absolute) = std::path::absolute(path) else {
            return false;
        };
        self.matcher.matched(&absolute, is_dir).is_ignore()
    }
}

/// The dotted module name of a Python file (`shap/plots/_utils.py` is `shap.plots._utils`): its
/// stem (none for `__init__.py`) after the folders above it that are packages (hold an
/// `__init__.py`).
pub(crate) fn module_name(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
        if stem != "__init__" {
            parts.push(stem.to_owned());
        }
    }
    let mut folder = path.parent();
    while let Some(dir) = folder {
        let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
            break;
        };
        if !dir.join("__init__.py").is_file() {
            break;
        }
        parts.push(name.to_owned());
        folder = dir.parent();
    }
    parts.reverse();
    parts.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(label: &str, files: &[(&str, &str)]) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("jitlens-discover-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        root
    }

    fn relative(root: &Path, discovered: &Discovered) -> Vec<String> {
        discovered
            .files
            .iter()
            .map(|file| file.strip_prefix(root).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn walks_python_files_sorted_respecting_ignore_files_and_hidden() {
        let root = tree(
            "walk",
            &[
                ("b.py", ""),
                ("a.py", ""),
                ("notes.txt", ""),
                ("pkg/z.py", ""),
                ("pkg/generated.py", ""),
                ("pkg/.gitignore", "generated.py\n"),
                ("out/gen.py", ""),
                (".ignore", "out/\n"),
                (".hidden/h.py", ""),
                (".dot.py", ""),
            ],
        );
        let discovered = python_files(std::slice::from_ref(&root), &Exclude::none()).unwrap();
        assert_eq!(relative(&root, &discovered), ["a.py", "b.py", "pkg/z.py"]);
        assert!(discovered.errors.is_empty());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn build_output_and_environments_are_skipped_below_the_named_folder() {
        let root = tree(
            "defaults",
            &[
                ("pkg/core.py", ""),
                ("build/lib/pkg/core.py", ""),
                ("dist/pkg/core.py", ""),
                ("venv/lib/site.py", ""),
                ("pkg/node_modules/x.py", ""),
                ("pkg/builder.py", ""),
            ],
        );
        let discovered = python_files(std::slice::from_ref(&root), &Exclude::none()).unwrap();
        assert_eq!(
            relative(&root, &discovered),
            ["pkg/builder.py", "pkg/core.py"]
        );
        // Named on the command line, a `build` folder is walked as asked.
        let named = python_files(&[root.join("build")], &Exclude::none()).unwrap();
        assert_eq!(relative(&root, &named), ["build/lib/pkg/core.py"]);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn named_files_are_always_checked_and_duplicates_dropped() {
        let root = tree(
            "named",
            &[("script", ""), ("a.py", ""), (".gitignore", "a.py\n")],
        );
        let paths = [root.join("script"), root.join("a.py"), root.join("a.py")];
        let discovered = python_files(&paths, &Exclude::none()).unwrap();
        assert_eq!(relative(&root, &discovered), ["a.py", "script"]);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn exclude_patterns_prune_relative_to_their_root() {
        let root = tree(
            "exclude",
            &[
                ("keep.py", ""),
                ("legacy/old.py", ""),
                ("pkg/gen_x.py", ""),
                ("pkg/y.py", ""),
            ],
        );
        let exclude =
            Exclude::new(&root, &["legacy".to_owned(), "pkg/gen_*.py".to_owned()]).unwrap();
        let discovered = python_files(std::slice::from_ref(&root), &exclude).unwrap();
        assert_eq!(relative(&root, &discovered), ["keep.py", "pkg/y.py"]);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_missing_path_is_an_error_naming_it() {
        let error = python_files(&[PathBuf::from("no/such/dir")], &Exclude::none()).unwrap_err();
        assert!(
            format!("{error:#}").contains("could not open no/such/dir"),
            "{error:#}"
        );
    }

    #[test]
    fn module_names_run_through_the_package_folders() {
        let root = tree(
            "module-name",
            &[
                ("shap/__init__.py", ""),
                ("shap/plots/__init__.py", ""),
                ("shap/plots/_utils.py", ""),
                ("scripts/run.py", ""),
            ],
        );
        assert_eq!(
            module_name(&root.join("shap/plots/_utils.py")),
            "shap.plots._utils"
        );
        assert_eq!(
            module_name(&root.join("shap/plots/__init__.py")),
            "shap.plots"
        );
        assert_eq!(module_name(&root.join("scripts/run.py")), "run");
        let _ = std::fs::remove_dir_all(root);
    }
}
