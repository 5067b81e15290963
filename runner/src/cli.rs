//! Command-line arguments and dispatch.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::fix_cmd::{FixMode, FixRequest};
use crate::testgen_cmd::TestgenRequest;
use crate::{check, fix_cmd, server, testgen_cmd};

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
    /// Show, diff or apply the rewrites on offer for a file.
    Fix {
        /// The Python file.
        file: PathBuf,
        /// Only this function (qualified name, as in the report).
        #[arg(long)]
        function: Option<String>,
        /// Whose rewrite: numba, torch, jax, tensorflow, or auto (the best verdict's).
        #[arg(long, value_parser = ["numba", "torch", "jax", "tensorflow", "auto"], default_value = "auto")]
        framework: String,
        /// Print a unified diff instead of the list of strategies.
        #[arg(long, conflicts_with = "write")]
        diff: bool,
        /// Rewrite the file.
        #[arg(long)]
        write: bool,
        /// How to print the results (json: the chosen strategy with --function, else the Report).
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        output_format: OutputFormat,
    },
    /// Write a pytest module that checks a function's rewrite against the original.
    Testgen {
        /// The function, as FILE::FUNCTION.
        target: String,
        /// Whose rewrite: numba, torch, jax, tensorflow, or auto.
        #[arg(long, value_parser = ["numba", "torch", "jax", "tensorflow", "auto"], default_value = "auto")]
        framework: String,
        /// Python that defines inputs by parameter name, e.g. `x = torch.randn(1000, 1000)`.
        #[arg(long)]
        setup: Option<String>,
        /// Where to write the module (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
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
        Command::Fix {
            file,
            function,
            framework,
            diff,
            write,
            output_format,
        } => {
            let mode = match (diff, write) {
                (true, _) => FixMode::Diff,
                (_, true) => FixMode::Write,
                _ => FixMode::Show,
            };
            fix_cmd::run(&FixRequest {
                file: &file,
                function: function.as_deref(),
                framework: &framework,
                mode,
                format: output_format,
            })
        }
        Command::Testgen {
            target,
            framework,
            setup,
            output,
        } => testgen_cmd::run(&TestgenRequest {
            target: &target,
            framework: &framework,
            setup: setup.as_deref(),
            output: output.as_deref(),
        }),
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
