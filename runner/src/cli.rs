//! Command-line arguments and dispatch.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::{bench, check, server};

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
    Check {
        /// Files or folders to check.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// How to print the results.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        output_format: OutputFormat,
    },
    /// Serve the playground and the runner API on this machine.
    Serve(server::ServeArgs),
    /// Check a candidate against the original, then time both on this machine.
    Bench(bench::BenchArgs),
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// `file:line:col: message`, one finding a line.
    Text,
    /// The Report as JSON.
    Json,
}

/// Parses the arguments, runs the command and returns its exit code.
///
/// Exit codes follow ruff: 0 nothing found, 1 problems found, 2 usage or I/O errors.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Check {
            paths,
            output_format,
        } => check::run(&paths, output_format),
        Command::Serve(args) => server::run(args).map(|()| true),
        Command::Bench(args) => bench::run(&args),
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
