//! Project automation. Run with `cargo xtask <task>`:
//!
//! - `serve [ARGS...]`: install what is missing, build the playground, start `jitlens serve`;
//! - `test`: install what the tests need, build the playground, run every test;
//! - `web`: build the playground into `web/dist`;
//! - `wheel`: build the playground, then the wheel of `pip install jitlens` into `target/wheels`;
//! - `bench-check [--rounds N] [PATH]`: time `jitlens check` against `ast.parse` and ruff;
//! - `judge [report|accept|sample ...]`: precision on real projects against hand-made labels
//!   (`tests/real/`).
//!
//! Every install step checks first and skips what is already there, so a second run is fast.

mod bench_check;
mod setup;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let task = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    let root = workspace_root();
    match task.as_str() {
        "serve" => serve(&root, &rest),
        "test" => test(&root),
        "bench-check" => bench_check::run(&root, &rest),
        "judge" => judge(&root, &rest),
        "web" => {
            setup::web_tools(&root)?;
            build_web(&root)
        }
        "wheel" => {
            setup::web_tools(&root)?;
            let python = setup::project_venv(&root)?;
            build_web(&root)?;
            build_wheel(&root, &python).map(drop)
        }
        _ => bail!(
            "usage: cargo xtask serve [ARGS...] | test | web | wheel | bench-check [--rounds N] [PATH] | judge [report|accept|sample ...]"
        ),
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

/// Where cargo puts what it builds: `$CARGO_TARGET_DIR`, or `target/` in the workspace.
pub(crate) fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// `cargo`, as the one that runs us.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `command`, failing with its description when it does not succeed.
fn run_checked(command: &mut Command) -> anyhow::Result<()> {
    let description = format!("{command:?}");
    eprintln!("xtask: {description}");
    let status = command
        .status()
        .with_context(|| format!("could not start {description}"))?;
    if !status.success() {
        bail!("{description} failed with {status}");
    }
    Ok(())
}

fn build_web(root: &Path) -> anyhow::Result<()> {
    run_checked(
        Command::new(setup::cargo_bin("trunk"))
            .current_dir(root)
            .args(["build", "--offline", "--release", "--cargo-profile", "web"]),
    )
}

/// The wheel of `pip install jitlens` (`runner/pyproject.toml`), built by the project
/// environment's maturin into `target/wheels`, in place of an earlier one; the binary embeds the
/// playground already built in `web/dist` (`runner/build.rs`). Cargo rebuilds only what changed.
/// Returns the wheel's path.
fn build_wheel(root: &Path, python: &Path) -> anyhow::Result<PathBuf> {
    let out = target_dir(root).join("wheels");
    for old in jitlens_wheels(&out)? {
        std::fs::remove_file(&old)
            .with_context(|| format!("could not remove the old wheel {}", old.display()))?;
    }
    run_checked(
        Command::new(python)
            .current_dir(root.join("runner"))
            .args(["-m", "maturin", "build", "--release", "--out"])
            .arg(&out),
    )?;
    let mut built = jitlens_wheels(&out)?;
    let (Some(wheel), true) = (built.pop(), built.is_empty()) else {
        bail!(
            "maturin did not build exactly one jitlens wheel into {}",
            out.display()
        );
    };
    let bytes = std::fs::metadata(&wheel)
        .with_context(|| format!("could not read {}", wheel.display()))?
        .len();
    let megabytes = bytes as f64 / 1e6;
    eprintln!("xtask: built {} ({megabytes:.2} MB)", wheel.display());
    Ok(wheel)
}

/// The `jitlens-*.whl` files in `out` (none when it does not exist).
fn jitlens_wheels(out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(Vec::new());
    };
    let mut wheels = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("could not read {}", out.display()))?
            .path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with("jitlens-") && name.ends_with(".whl") {
            wheels.push(path);
        }
    }
    Ok(wheels)
}

fn serve(root: &Path, serve_args: &[String]) -> anyhow::Result<()> {
    setup::web_tools(root)?;
    let python = setup::user_python().map_or_else(|| setup::project_venv(root), Ok)?;
    build_web(root)?;
    run_checked(
        cargo()
            .current_dir(root)
            .args(["run", "--release", "--package", "jitlens", "--", "serve"])
            .args(serve_args)
            .env("JITLENS_PYTHON", python)
            .env("JITLENS_WEB_DIR", root.join("web/dist")),
    )
}

fn test(root: &Path) -> anyhow::Result<()> {
    setup::web_tools(root)?;
    setup::browser()?;
    let python = setup::project_venv(root)?;
    build_web(root)?;
    run_checked(cargo().current_dir(root).args(["fmt", "--all", "--check"]))?;
    run_checked(cargo().current_dir(root).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The black-box tests run the `jitlens` binary, which `cargo test` alone does not build.
    run_checked(
        cargo()
            .current_dir(root)
            .args(["build", "--package", "jitlens"]),
    )?;
    run_checked(
        cargo()
            .current_dir(root)
            .args(["test", "--workspace", "--no-fail-fast"])
            .env("JITLENS_PYTHON", &python),
    )?;
    // Python tests (pytest.ini names the folders): the rules' probes and the runner's harness.
    run_checked(
        Command::new(&python)
            .current_dir(root)
            .args(["-m", "pytest", "-q"]),
    )?;
    // The wheel, installed into a fresh environment with no Rust on PATH, as a user would.
    let wheel = build_wheel(root, &python)?;
    run_checked(
        Command::new(&python)
            .current_dir(root)
            .arg("tests/wheel/check_wheel.py")
            .arg(&wheel),
    )?;
    judge_with(root, &python, &[])
}

/// `cargo xtask judge [ARGS]`: builds jitlens and runs `tests/real/judge.py` (default `report`).
fn judge(root: &Path, args: &[String]) -> anyhow::Result<()> {
    let python = setup::user_python().map_or_else(|| setup::project_venv(root), Ok)?;
    run_checked(
        cargo()
            .current_dir(root)
            .args(["build", "--package", "jitlens"]),
    )?;
    judge_with(root, &python, args)
}

fn judge_with(root: &Path, python: &Path, args: &[String]) -> anyhow::Result<()> {
    let jitlens = target_dir(root).join("debug/jitlens");
    let mut command = Command::new(python);
    command
        .current_dir(root)
        .arg("tests/real/judge.py")
        .arg("--jitlens")
        .arg(jitlens);
    if args.is_empty() {
        command.arg("report");
    } else {
        command.args(args);
    }
    run_checked(&mut command)
}
