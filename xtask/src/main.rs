//! Project automation. Run with `cargo xtask <task>`:
//!
//! - `serve [ARGS...]`: install what is missing, build the playground, start `jitlens serve`;
//! - `test`: install what the tests need, build the playground, run every test;
//! - `web`: build the playground into `web/dist`;
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
        _ => bail!(
            "usage: cargo xtask serve [ARGS...] | test | web | bench-check [--rounds N] [PATH] | judge [report|accept|sample ...]"
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
