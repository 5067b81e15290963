//! Which Python runs the jobs: `--python`, `$JITLENS_PYTHON`, an active virtual or conda
//! environment, the environment jitlens is installed in (`pip install jitlens`), the project's
//! `.venv`, then `python3` on `PATH`, in that order.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// An interpreter and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Python {
    /// The executable.
    pub path: PathBuf,
    /// `--python`, `JITLENS_PYTHON`, `VIRTUAL_ENV`, `CONDA_PREFIX`, [`INSTALLED_ENV`], `.venv`
    /// or `PATH`.
    pub found_by: &'static str,
}

/// How the interpreter of the environment that holds the running `jitlens` is named.
pub const INSTALLED_ENV: &str = "the environment jitlens is installed in";

/// Files that mark a tool's own environment (pipx, `uv tool`): it holds jitlens and nothing of
/// the user's, so its interpreter is no default for jobs.
const TOOL_ENV_MARKERS: [&str; 2] = ["pipx_metadata.json", "uv-receipt.toml"];

/// The environment variables discovery reads, and where `jitlens` itself lives, passed in so
/// that tests control them.
#[derive(Debug, Clone, Default)]
pub struct DiscoveryEnv {
    /// `$JITLENS_PYTHON`.
    pub jitlens_python: Option<OsString>,
    /// `$VIRTUAL_ENV`.
    pub virtual_env: Option<OsString>,
    /// `$CONDA_PREFIX`.
    pub conda_prefix: Option<OsString>,
    /// `$PATH`.
    pub path: Option<OsString>,
    /// The folder of the running `jitlens` executable.
    pub exe_dir: Option<PathBuf>,
}

impl DiscoveryEnv {
    /// The variables of this process.
    pub fn from_process() -> Self {
        Self {
            jitlens_python: std::env::var_os("JITLENS_PYTHON"),
            virtual_env: std::env::var_os("VIRTUAL_ENV"),
            conda_prefix: std::env::var_os("CONDA_PREFIX"),
            path: std::env::var_os("PATH"),
            exe_dir: std::env::current_exe()
                .ok()
                .and_then(|exe| Some(exe.parent()?.to_path_buf())),
        }
    }
}

/// Finds the interpreter; `explicit` is `--python`. `cwd` is where the project's `.venv` is
/// looked for (there and in each folder above).
pub fn discover(explicit: Option<&Path>, env: &DiscoveryEnv, cwd: &Path) -> anyhow::Result<Python> {
    // Jobs run in their own folders: a relative path is taken from `cwd`, here.
    if let Some(path) = explicit {
        return checked(cwd.join(path), "--python");
    }
    if let Some(path) = env.jitlens_python.as_ref().filter(|p| !p.is_empty()) {
        return checked(cwd.join(path), "JITLENS_PYTHON");
    }
    let environments = [
        (env.virtual_env.as_ref(), "VIRTUAL_ENV"),
        (env.conda_prefix.as_ref(), "CONDA_PREFIX"),
    ];
    for (prefix, found_by) in environments {
        let Some(prefix) = prefix.filter(|p| !p.is_empty()) else {
            continue;
        };
        if let Some(path) = in_environment(Path::new(prefix)) {
            return Ok(Python { path, found_by });
        }
    }
    // After the active environments: one activated in this shell says more than where the
    // binary happens to lie.
    if let Some(path) = env.exe_dir.as_deref().and_then(installed_in) {
        return Ok(Python {
            path,
            found_by: INSTALLED_ENV,
        });
    }
    for folder in cwd.ancestors() {
        if let Some(path) = in_environment(&folder.join(".venv")) {
            return Ok(Python {
                path,
                found_by: ".venv",
            });
        }
    }
    let on_path = env.path.as_ref().and_then(|paths| {
        std::env::split_paths(paths)
            .flat_map(|dir| ["python3", "python"].map(|name| dir.join(name)))
            .find(|candidate| candidate.is_file())
    });
    match on_path {
        Some(path) => Ok(Python {
            path,
            found_by: "PATH",
        }),
        None => anyhow::bail!(
            "no Python found: pass --python PATH, set JITLENS_PYTHON, activate a virtual \
             environment, or put python3 on PATH"
        ),
    }
}

fn checked(path: PathBuf, found_by: &'static str) -> anyhow::Result<Python> {
    if !path.is_file() {
        anyhow::bail!("{found_by} names {}, which is not a file", path.display());
    }
    Ok(Python { path, found_by })
}

/// The interpreter of the environment whose `bin/` (`Scripts/` on Windows) is `exe_dir`, unless
/// that is a tool's own environment (see [`TOOL_ENV_MARKERS`]).
fn installed_in(exe_dir: &Path) -> Option<PathBuf> {
    let folder = exe_dir.file_name()?;
    if folder != "bin" && folder != "Scripts" {
        return None;
    }
    let prefix = exe_dir.parent()?;
    if TOOL_ENV_MARKERS
        .iter()
        .any(|marker| prefix.join(marker).is_file())
    {
        return None;
    }
    in_environment(prefix)
}

/// The interpreter inside a virtual or conda environment, when there is one.
fn in_environment(prefix: &Path) -> Option<PathBuf> {
    [
        "bin/python",
        "bin/python3",
        "python.exe",
        "Scripts/python.exe",
    ]
    .iter()
    .map(|relative| prefix.join(relative))
    .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_env(root: &Path, name: &str) -> PathBuf {
        let bin = root.join(name).join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let python = bin.join("python");
        std::fs::write(&python, "").unwrap();
        python
    }

    fn scratch(label: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("jitlens-py-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn order_is_flag_variable_venv_conda_installed_project_path() {
        let root = scratch("order");
        let explicit = fake_env(&root, "explicit");
        let variable = fake_env(&root, "variable");
        let venv = fake_env(&root, "venv");
        let conda = fake_env(&root, "conda");
        let installed = fake_env(&root, "installed");
        let project = root.join("project");
        let project_python = fake_env(&project, ".venv");
        let nested = project.join("src/pkg");
        std::fs::create_dir_all(&nested).unwrap();
        let path_dir = root.join("path");
        std::fs::create_dir_all(&path_dir).unwrap();
        std::fs::write(path_dir.join("python3"), "").unwrap();

        let mut env = DiscoveryEnv {
            jitlens_python: Some(variable.clone().into()),
            virtual_env: Some(root.join("venv").into()),
            conda_prefix: Some(root.join("conda").into()),
            path: Some(path_dir.clone().into()),
            exe_dir: Some(root.join("installed/bin")),
        };
        let found = discover(Some(&explicit), &env, &nested).unwrap();
        assert_eq!((found.path, found.found_by), (explicit, "--python"));
        let found = discover(None, &env, &nested).unwrap();
        assert_eq!((found.path, found.found_by), (variable, "JITLENS_PYTHON"));
        env.jitlens_python = None;
        let found = discover(None, &env, &nested).unwrap();
        assert_eq!((found.path, found.found_by), (venv, "VIRTUAL_ENV"));
        env.virtual_env = None;
        let found = discover(None, &env, &nested).unwrap();
        assert_eq!((found.path, found.found_by), (conda, "CONDA_PREFIX"));
        env.conda_prefix = None;
        let found = discover(None, &env, &nested).unwrap();
        assert_eq!((found.path, found.found_by), (installed, INSTALLED_ENV));
        env.exe_dir = None;
        let found = discover(None, &env, &nested).unwrap();
        assert_eq!((found.path, found.found_by), (project_python, ".venv"));
        let found = discover(None, &env, &root).unwrap();
        assert_eq!(
            (found.path, found.found_by),
            (path_dir.join("python3"), "PATH")
        );
        env.path = None;
        let error = discover(None, &env, &root).unwrap_err().to_string();
        assert!(error.contains("no Python found"), "{error}");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn installed_env_needs_a_bin_folder_beside_a_python_and_no_tool_marker() {
        let root = scratch("installed");
        let python = fake_env(&root, "env");
        let path_dir = root.join("path");
        std::fs::create_dir_all(&path_dir).unwrap();
        std::fs::write(path_dir.join("python3"), "").unwrap();
        let on_path = (path_dir.join("python3"), "PATH");
        let found_from = |exe_dir: PathBuf| {
            let env = DiscoveryEnv {
                path: Some(path_dir.clone().into()),
                exe_dir: Some(exe_dir),
                ..DiscoveryEnv::default()
            };
            let found = discover(None, &env, &root).unwrap();
            (found.path, found.found_by)
        };
        assert_eq!(found_from(root.join("env/bin")), (python, INSTALLED_ENV));
        // Ex) target/release/jitlens, ~/.cargo/bin/jitlens: no environment there.
        assert_eq!(found_from(root.join("env")), on_path);
        assert_eq!(found_from(root.join("path/bin")), on_path);
        // Ex) `pipx install jitlens`: an environment of jitlens alone.
        std::fs::write(root.join("env/pipx_metadata.json"), "{}").unwrap();
        assert_eq!(found_from(root.join("env/bin")), on_path);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_missing_explicit_python_is_an_error() {
        let error = discover(
            Some(Path::new("/no/such/python")),
            &DiscoveryEnv::default(),
            Path::new("/"),
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("--python names /no/such/python"), "{error}");
    }
}
