//! Installing what the project needs, each step only when it is missing or of another version.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use crate::{cargo, run_checked};

/// The trunk that builds the playground; newer releases need a newer rustc than this machine's.
const TRUNK_VERSION: &str = "0.21.14";

/// Where `cargo install` puts binaries.
pub(crate) fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    let installed = home.join("bin").join(name);
    if installed.is_file() {
        installed
    } else {
        PathBuf::from(name)
    }
}

/// The first line a tool prints for `--version`, or None when it does not run.
fn version_of(tool: &Path) -> Option<String> {
    let output = Command::new(tool).arg("--version").output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    output
        .status
        .success()
        .then(|| text.lines().next().unwrap_or_default().trim().to_owned())
}

/// The wasm32 target, trunk, and the wasm-bindgen CLI that matches Cargo.lock.
pub(crate) fn web_tools(root: &Path) -> anyhow::Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("could not run rustup")?;
    if !String::from_utf8_lossy(&installed.stdout).contains("wasm32-unknown-unknown") {
        run_checked(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    if version_of(&cargo_bin("trunk")).as_deref() != Some(&format!("trunk {TRUNK_VERSION}")) {
        run_checked(cargo().args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))?;
    }
    let bindgen = locked_version(root, "wasm-bindgen")?;
    if version_of(&cargo_bin("wasm-bindgen")).as_deref() != Some(&format!("wasm-bindgen {bindgen}"))
    {
        run_checked(cargo().args(["install", "wasm-bindgen-cli", "--version", &bindgen]))?;
    }
    Ok(())
}

/// The version of `package` that Cargo.lock pins.
fn locked_version(root: &Path, package: &str) -> anyhow::Result<String> {
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).context("could not read Cargo.lock")?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let Some(start) = lock.find(&needle).map(|at| at + needle.len()) else {
        bail!("Cargo.lock has no {package}");
    };
    let version = lock[start..].split('"').next().unwrap_or_default();
    Ok(version.to_owned())
}

/// Debian's chromium and chromium-driver, for the browser tests.
pub(crate) fn browser() -> anyhow::Result<()> {
    if Path::new("/usr/bin/chromium").is_file() && Path::new("/usr/bin/chromedriver").is_file() {
        return Ok(());
    }
    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
    let apt = |args: &[&str]| {
        let mut command = if as_root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("apt-get");
            sudo
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run_checked(&mut command)
    };
    apt(&["update"])?;
    apt(&[
        "install",
        "-y",
        "--no-install-recommends",
        "chromium",
        "chromium-driver",
    ])
}

/// The user's own Python, when they named or activated one: `$JITLENS_PYTHON`, an active
/// virtual environment, or an active conda environment.
pub(crate) fn user_python() -> Option<PathBuf> {
    if let Some(python) = std::env::var_os("JITLENS_PYTHON") {
        return Some(PathBuf::from(python));
    }
    ["VIRTUAL_ENV", "CONDA_PREFIX"]
        .iter()
        .filter_map(std::env::var_os)
        .map(|prefix| PathBuf::from(prefix).join("bin/python"))
        .find(|python| python.is_file())
}

/// The project's virtual environment with `python/requirements.txt` installed; returns its
/// interpreter. It is `.venv` in the checkout, or `$JITLENS_VENV` when set (CI keeps one there
/// across clean clones: the frameworks take gigabytes). Reinstalls only when the requirements
/// changed.
pub(crate) fn project_venv(root: &Path) -> anyhow::Result<PathBuf> {
    let venv = std::env::var_os("JITLENS_VENV").map_or_else(|| root.join(".venv"), PathBuf::from);
    let python = venv.join("bin/python");
    let requirements_path = root.join("python/requirements.txt");
    let requirements = std::fs::read_to_string(&requirements_path)
        .context("could not read python/requirements.txt")?;
    let stamp = venv.join(".jitlens-requirements");
    if python.is_file() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&requirements) {
        return Ok(python);
    }
    if !python.is_file() {
        run_checked(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    run_checked(
        Command::new(&python)
            .args(["-m", "pip", "install", "--disable-pip-version-check", "-r"])
            .arg(&requirements_path),
    )?;
    std::fs::write(&stamp, requirements).context("could not write the environment's stamp")?;
    Ok(python)
}
