//! Command-line arguments and dispatch.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::fix_cmd::{FixMode, FixRequest};
use crate::testgen_cmd::TestgenRequest;
use crate::{bench, check, fix_cmd, profile_cmd, rules_cmd, server, testgen_cmd};

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
        #[arg(long, value_enum, default_value_t = FixFormat::Text)]
        output_format: FixFormat,
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
    /// Text: print how many findings each rule made, most frequent first, instead of the
    /// findings.
    #[arg(long)]
    pub(crate) statistics: bool,
    /// JSON: keep every verdict of every function, "none" included.
    #[arg(long)]
    pub(crate) all_verdicts: bool,
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

/// Output formats of `fix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FixFormat {
    /// The strategies on offer, the chosen one starred.
    Text,
    /// The Report, or the chosen strategy with `--function`.
    Json,
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
