//! Command-line arguments and dispatch.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::{bench, check, profile_cmd, rules_cmd, server};

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
    Check(CheckArgs),
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
}

/// The arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// How to print the results.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) output_format: OutputFormat,
    /// Rule codes or prefixes to enable (`PT`, `NB2`, `PT001`, `ALL`); replaces the configured
    /// `select`.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub(crate) select: Option<Vec<check::RuleSelector>>,
    /// Rule codes or prefixes to disable, on top of the configured `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub(crate) ignore: Vec<check::RuleSelector>,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// `file:line:col: CODE message`, one finding a line, then a summary.
    Text,
    /// The Report as JSON: one for a single named file, else an array with a `path` each.
    Json,
    /// SARIF 2.1.0, for code-scanning tools; rule codes are the rule ids.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...,line=...::message`).
    Github,
}

/// Parses the arguments, runs the command and returns its exit code.
///
/// Exit codes follow ruff: 0 nothing found, 1 problems found, 2 usage or I/O errors.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
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
