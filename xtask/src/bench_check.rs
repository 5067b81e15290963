//! `cargo xtask bench-check [--rounds N] [PATH]`: how fast `jitlens check` is, side by side with
//! CPython's `ast.parse` and `ruff check --select PERF,NPY` on the same folder.
//!
//! PATH defaults to the installed torch package (about 1.36 M lines of Python). The release build
//! of jitlens is timed against a small Python program that reads and `ast.parse`s every `.py` file
//! of the same walk, and against ruff with two numerical rule families. Each tool runs once to warm
//! the file cache, then the three run interleaved for N rounds (default 3); the median wall times
//! and the ratios are printed with the targets of issue 3: jitlens at most a third of `ast.parse`
//! and at most twice ruff. Files that jitlens passes over (no numerical import) count in its
//! favour, so the number it parsed is printed too.
//!
//! Every tool runs in the system's temporary folder, so no project settings apply; ruff runs with
//! `--isolated --no-cache`. The Python is `$JITLENS_PYTHON`, an active environment or the
//! project's `.venv`; ruff is the one installed beside it (python/requirements.txt lists it).

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::{cargo, run_checked, setup, target_dir};

/// Reads and parses every `.py` file of the walk (hidden folders and files skipped, as jitlens
/// does); prints the number of files and lines.
const AST_PARSE_ALL: &str = r#"
import ast, os, sys
n_files = n_lines = 0
for folder, subfolders, names in os.walk(sys.argv[1]):
    subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
    for name in sorted(names):
        if not name.endswith(".py") or name.startswith("."):
            continue
        with open(os.path.join(folder, name), "rb") as file:
            source = file.read()
        n_files += 1
        n_lines += source.count(b"\n")
        try:
            ast.parse(source)
        except (SyntaxError, ValueError):
            pass
print(n_files, n_lines)
"#;

/// Finds the torch package without importing it.
const TORCH_FOLDER: &str =
    "import importlib.util; print(importlib.util.find_spec('torch').submodule_search_locations[0])";

/// Runs the benchmark; `args` are `[--rounds N] [PATH]`.
pub(crate) fn run(root: &Path, args: &[String]) -> anyhow::Result<()> {
    let (rounds, folder) = parse_args(args)?;
    let python = setup::user_python().map_or_else(|| setup::project_venv(root), Ok)?;
    let folder = match folder {
        Some(folder) => folder,
        None => torch_folder(&python)?,
    };
    let ruff = python.with_file_name("ruff");
    if !ruff.is_file() {
        bail!(
            "{} is missing: install python/requirements.txt into that environment",
            ruff.display()
        );
    }
    run_checked(
        cargo()
            .current_dir(root)
            .args(["build", "--release", "--package", "jitlens"]),
    )?;
    let jitlens = target_dir(root).join("release/jitlens");
    let folder_arg = folder.as_os_str();
    let tools = [
        Tool::new(
            "jitlens check",
            &jitlens,
            &["check".as_ref(), folder_arg],
            &[0, 1],
        ),
        Tool::new(
            "python ast.parse",
            &python,
            &["-c".as_ref(), AST_PARSE_ALL.as_ref(), folder_arg],
            &[0],
        ),
        Tool::new(
            "ruff PERF,NPY",
            &ruff,
            &[
                "check".as_ref(),
                "--isolated".as_ref(),
                "--no-cache".as_ref(),
                "--exit-zero".as_ref(),
                "--output-format=concise".as_ref(),
                "--select=PERF,NPY".as_ref(),
                folder_arg,
            ],
            &[0],
        ),
    ];

    eprintln!("xtask: warming the file cache with one untimed run of each tool");
    let warm: Vec<Output> = tools.iter().map(Tool::run).collect::<anyhow::Result<_>>()?;
    let mut times = vec![Vec::with_capacity(rounds); tools.len()];
    let mut cpu_times = vec![Vec::with_capacity(rounds); tools.len()];
    for round in 1..=rounds {
        eprintln!("xtask: round {round} of {rounds}");
        for ((tool, tool_times), tool_cpu_times) in tools.iter().zip(&mut times).zip(&mut cpu_times)
        {
            let cpu_before = children_cpu_time();
            let started = Instant::now();
            tool.run()?;
            tool_times.push(started.elapsed());
            if let (Some(before), Some(after)) = (cpu_before, children_cpu_time()) {
                tool_cpu_times.push(after.saturating_sub(before));
            }
        }
    }
    let medians: Vec<Duration> = times.iter_mut().map(|it| median(it)).collect();
    let cpu_medians: Vec<Duration> = cpu_times.iter_mut().map(|it| median(it)).collect();
    print_results(&folder, &tools, &warm, &times, &medians, &cpu_medians);
    Ok(())
}

/// One benchmarked command; it runs in the system's temporary folder.
struct Tool {
    name: &'static str,
    program: PathBuf,
    args: Vec<OsString>,
    /// Exit codes that mean it ran to the end (jitlens exits 1 when it finds errors).
    ok_codes: &'static [i32],
}

impl Tool {
    fn new(name: &'static str, program: &Path, args: &[&OsStr], ok_codes: &'static [i32]) -> Self {
        Self {
            name,
            program: program.to_path_buf(),
            args: args.iter().map(|&arg| arg.to_owned()).collect(),
            ok_codes,
        }
    }

    fn run(&self) -> anyhow::Result<Output> {
        let output = Command::new(&self.program)
            .args(&self.args)
            .current_dir(std::env::temp_dir())
            .output()
            .with_context(|| format!("could not start {}", self.program.display()))?;
        let code = output.status.code().unwrap_or(-1);
        if !self.ok_codes.contains(&code) {
            bail!(
                "{} failed with exit code {code}: {}",
                self.name,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(output)
    }
}

fn parse_args(args: &[String]) -> anyhow::Result<(usize, Option<PathBuf>)> {
    let mut rounds = 3;
    let mut folder = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--rounds" {
            let value = args.next().context("--rounds needs a number")?;
            rounds = value
                .parse()
                .ok()
                .filter(|&rounds| rounds > 0)
                .with_context(|| format!("--rounds needs a positive number, not `{value}`"))?;
        } else if folder.is_none() && !arg.starts_with('-') {
            folder = Some(PathBuf::from(arg));
        } else {
            bail!("usage: cargo xtask bench-check [--rounds N] [PATH]");
        }
    }
    Ok((rounds, folder))
}

fn torch_folder(python: &Path) -> anyhow::Result<PathBuf> {
    let output = Command::new(python)
        .args(["-c", TORCH_FOLDER])
        .output()
        .with_context(|| format!("could not run {}", python.display()))?;
    if !output.status.success() {
        bail!(
            "torch is not installed for {}: {}",
            python.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(PathBuf::from(
        String::from_utf8_lossy(&output.stdout).trim(),
    ))
}

/// User plus system CPU time of this process's waited-for children, from `/proc/self/stat`
/// (`cutime`, `cstime`, in clock ticks of 1/100 s); `None` where there is no `/proc`.
///
/// The machine may be shared: wall times then depend on the neighbours, CPU times much less.
fn children_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces; the first
    // of them is field 3 (state), so cutime (16) and cstime (17) are at 13 and 14.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |idx: usize| fields.get(idx)?.parse::<u64>().ok();
    Some(Duration::from_millis((ticks(13)? + ticks(14)?) * 10))
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn print_results(
    folder: &Path,
    tools: &[Tool],
    warm: &[Output],
    times: &[Vec<Duration>],
    medians: &[Duration],
    cpu_medians: &[Duration],
) {
    let last_line = |output: &Output| {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .to_owned()
    };
    let n_threads = std::thread::available_parallelism().map_or(1, usize::from);
    println!("bench-check on {} ({n_threads} cores)", folder.display());
    if let [jitlens, ast, ruff] = warm {
        println!("  jitlens: {}", last_line(jitlens));
        let ast_counts = last_line(ast);
        let mut counts = ast_counts.split_whitespace();
        let (files, lines) = (counts.next().unwrap_or("?"), counts.next().unwrap_or("?"));
        println!("  ast.parse: {files} .py files, {lines} lines, one process");
        let n_findings = String::from_utf8_lossy(&ruff.stdout)
            .lines()
            .filter(|line| line.contains(": PERF") || line.contains(": NPY"))
            .count();
        println!("  ruff: {n_findings} PERF/NPY findings (ruff also reads .pyi files)");
    }
    println!();
    println!(
        "{:<18} {:>10} {:>10} {:>10}  all rounds (s)",
        "tool", "median s", "min s", "CPU s"
    );
    for (((tool, tool_times), median), cpu) in tools.iter().zip(times).zip(medians).zip(cpu_medians)
    {
        let min = tool_times.iter().min().copied().unwrap_or_default();
        let all: Vec<String> = tool_times
            .iter()
            .map(|time| format!("{:.2}", time.as_secs_f64()))
            .collect();
        println!(
            "{:<18} {:>10.3} {:>10.3} {:>10.2}  {}",
            tool.name,
            median.as_secs_f64(),
            min.as_secs_f64(),
            cpu.as_secs_f64(),
            all.join(" ")
        );
    }
    if let [jitlens, ast, ruff] = cpu_medians {
        let ratio = |a: &Duration, b: &Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
        println!();
        println!(
            "CPU time (median of user + sys): jitlens / ast.parse = {:.3}, jitlens / ruff = {:.3}",
            ratio(jitlens, ast),
            ratio(jitlens, ruff)
        );
    }
    if let [jitlens, ast, ruff] = medians {
        let ratio = |a: &Duration, b: &Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
        let verdict = |met: bool| if met { "target met" } else { "target MISSED" };
        let vs_ast = ratio(jitlens, ast);
        let vs_ruff = ratio(jitlens, ruff);
        println!();
        println!(
            "wall time: jitlens / ast.parse = {vs_ast:.3}  (target <= 0.333: {})",
            verdict(vs_ast <= 1.0 / 3.0)
        );
        println!(
            "wall time: jitlens / ruff      = {vs_ruff:.3}  (target <= 2.0: {})",
            verdict(vs_ruff <= 2.0)
        );
    }
}
