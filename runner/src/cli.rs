//! Command-line arguments and dispatch.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{
    bench, check, fix_cmd, optimize, profile_cmd, replay_cmd, rules_cmd, server, testgen_cmd, trace,
};

/// Will a JIT make this Python faster? Diagnostics, rewrites and real benchmarks.
#[derive(Debug, Parser)]
#[command(name = "jitlens", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze Python files and folders and print what was found.
    ///
    /// Folders are walked respecting .gitignore and .ignore; hidden files are skipped. Files that
    /// import no numerical library (numpy, numba, torch, jax, tensorflow, scipy, cupy) are passed
    /// over without a parse. `# noqa` and `# noqa: CODE, CODE` on a line suppress what is found
    /// there. Settings (select, ignore, exclude) also come from [tool.jitlens] in the nearest
    /// pyproject.toml at or above the current directory.
    ///
    /// Exit codes: 0 nothing at error level found, 1 an error-level finding or a syntax error,
    /// 2 usage or I/O errors.
    Check(check::CheckArgs),
    /// Serve the playground and the runner API on this machine.
    Serve(server::ServeArgs),
    /// List every rule: code, name, severity and summary.
    Rules,
    /// Print the documentation of one rule.
    Rule {
        /// The rule's code, such as `PT001`.
        code: String,
    },
    /// Check a candidate against the original, then time both on this machine.
    Bench(bench::BenchArgs),
    /// Line-profile the original function with its JIT off: which lines hold the time.
    Profile(profile_cmd::ProfileArgs),
    /// Show, diff or apply the rewrites on offer for a file.
    Fix(fix_cmd::FixArgs),
    /// Write a pytest module that checks a function's rewrite against the original.
    Testgen(testgen_cmd::TestgenArgs),
    /// Run your program with every JIT off: where its time goes, and its real inputs.
    ///
    /// `jitlens trace -- python script.py ARGS` or `-- python -m pytest tests/`. The program's
    /// output and exit code are its own; the ranked table (or --json) follows it.
    Trace(trace::TraceArgs),
    /// Write a pytest module that checks a rewrite on the argument sets a trace captured.
    Replay(replay_cmd::ReplayArgs),
    /// From a trace to proven speedups: check and time every rewrite of the functions that hold
    /// the time on the trace's real inputs; --apply writes the verified ones.
    Optimize(optimize::OptimizeArgs),
}

/// Parses the arguments, runs the command and returns its exit code.
///
/// Exit codes follow ruff: 0 nothing found, 1 problems found, 2 usage or I/O errors.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        // The traced program's exit code is passed on as it is.
        Command::Trace(args) => {
            return trace::run(&args).unwrap_or_else(|error| {
                eprintln!("jitlens: error: {error:#}");
                ExitCode::from(2)
            })
        }
        Command::Check(args) => check::run(&args),
        Command::Serve(args) => server::run(args).map(|()| true),
        Command::Rules => {
            print!("{}", rules_cmd::list());
            Ok(true)
        }
        Command::Rule { code } => rules_cmd::explain(&code).map(|doc| {
            print!("{doc}");
            true
        }),
        Command::Bench(args) => bench::run(&args),
        Command::Profile(args) => profile_cmd::run(&args),
        Command::Fix(args) => fix_cmd::run(&args),
        Command::Testgen(args) => testgen_cmd::run(&args),
        Command::Replay(args) => replay_cmd::run(&args),
        Command::Optimize(args) => optimize::run(&args),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("jitlens: error: {error:#}");
            ExitCode::from(2)
        }
    }
}
