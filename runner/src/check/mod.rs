//! `jitlens check`: analyze files and folders and print what was found, in the conventions of
//! ruff.
//!
//! The steps, each in its own module: settings from `[tool.jitlens]` ([`config`]); the files,
//! walked respecting `.gitignore` ([`discover`]); each file read (a notebook's code cells joined
//! into one module, [`notebook`]), passed over when it imports no
//! numerical library ([`prefilter`]), analyzed, filtered by `# noqa` ([`noqa`]) and by
//! `--select`/`--ignore` ([`selection`]), on every core ([`process`]); then printed in path order
//! ([`output`]).
//!
//! Exit codes: 0 when nothing at error level was found, 1 when an error-level diagnostic or a
//! syntax error was (warnings and infos do not fail a run), 2 for usage and I/O errors.

mod args;
mod config;
mod discover;
mod noqa;
pub(crate) mod notebook;
mod output;
mod prefilter;
mod process;
mod selection;

use anyhow::{bail, Context};
use jitlens_analyzer::report::Severity;
use jitlens_analyzer::Report;

pub(crate) use args::{CheckArgs, OutputFormat};
pub(crate) use selection::RuleSelector;

use discover::Exclude;
use output::{FileReport, Layout};
use process::Outcome;
use selection::{RuleSelection, Settings};

/// Checks every file under `args.paths`; `Ok(true)` when nothing at error level was found.
pub(crate) fn run(args: &CheckArgs) -> anyhow::Result<bool> {
    let cwd = std::env::current_dir().context("could not read the current directory")?;
    let (configured, exclude) = match config::discover(&cwd)? {
        Some(config) => {
            let exclude = Exclude::new(&config.root, &config.exclude)?;
            (config.rules, exclude)
        }
        None => (Settings::none(), Exclude::none()),
    };
    let command_line = Settings {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let selection = RuleSelection::from_settings(command_line, configured);

    let discovered = discover::python_files(&args.paths, &exclude)?;
    let single_file = matches!(args.paths.as_slice(), [path] if path.is_file());
    let outcomes = process::check_files(&discovered.files, &selection);

    let mut failures = discovered.errors;
    let mut files = Vec::with_capacity(outcomes.len());
    for (path, outcome) in discovered.files.into_iter().zip(outcomes) {
        let (report, skipped) = match outcome {
            Outcome::Checked(report) => (report, false),
            Outcome::Skipped => (Report::default(), true),
            Outcome::Failed(message) => {
                failures.push(message);
                continue;
            }
        };
        files.push(FileReport {
            path,
            report,
            skipped,
        });
    }
    let mut out = std::io::stdout().lock();
    let layout = Layout {
        single_file,
        all_verdicts: args.all_verdicts,
        statistics: args.statistics,
    };
    output::write(&mut out, args.output_format, &files, layout)
        .context("could not write the results")?;
    drop(out);

    if !failures.is_empty() {
        for message in &failures {
            eprintln!("jitlens: error: {message}");
        }
        bail!("{} path(s) could not be checked", failures.len());
    }
    Ok(files.iter().all(|file| !fails(&file.report)))
}

/// Whether a report makes the run fail: a syntax error or an error-level diagnostic.
fn fails(report: &Report) -> bool {
    !report.parse_errors.is_empty()
        || report
            .diagnostics
            .iter()
            .any(|diagnostic| diagnostic.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use jitlens_analyzer::report::Severity;
    use jitlens_analyzer::Report;

    use super::fails;
    use crate::check::output::fixtures::diagnostic;

    #[test]
    fn only_errors_and_syntax_errors_fail_the_run() {
        let with = |severity| Report {
            diagnostics: vec![diagnostic("PT001", severity, 1)],
            ..Report::default()
        };
        assert!(fails(&with(Severity::Error)));
        assert!(!fails(&with(Severity::Warning)));
        assert!(!fails(&with(Severity::Info)));
        assert!(!fails(&Report::default()));
        let broken = crate::check::output::fixtures::files().remove(1).report;
        assert!(fails(&broken));
    }
}
