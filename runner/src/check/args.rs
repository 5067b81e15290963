//! The arguments of `jitlens check`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::RuleSelector;

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
    pub(crate) select: Option<Vec<RuleSelector>>,
    /// Rule codes or prefixes to disable, on top of the configured `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub(crate) ignore: Vec<RuleSelector>,
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
pub(crate) enum OutputFormat {
    /// `file:line:col: CODE message`, one finding a line, then a summary.
    Text,
    /// The Report as JSON: one for a single named file, else an array with a `path` each.
    Json,
    /// SARIF 2.1.0, for code-scanning tools; rule codes are the rule ids.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...,line=...::message`).
    Github,
}
