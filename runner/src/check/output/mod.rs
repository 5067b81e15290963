//! Printing the results of `check` in each `--output-format`.
//!
//! Every format is a pure function from the checked files to text, so tests can feed it
//! hand-built reports. Files come in path order; within a file, syntax errors come first, then the
//! diagnostics in the analyzer's (source) order.

mod github;
mod json;
mod sarif;
mod text;

use std::io::{self, Write};
use std::path::PathBuf;

use jitlens_analyzer::report::Position;
use jitlens_analyzer::Report;

use super::OutputFormat;

/// One checked file and what was found in it.
#[derive(Debug)]
pub(crate) struct FileReport {
    /// The path as the walk found it (relative when the argument was).
    pub(crate) path: PathBuf,
    /// The analyzer's report, after suppression and rule selection; empty when skipped.
    pub(crate) report: Report,
    /// True when the file imports no numerical library and was not parsed.
    pub(crate) skipped: bool,
}

/// How the report is laid out, beyond the format.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// The command line named exactly one file: JSON prints that file's Report alone, not an
    /// array.
    pub(crate) single_file: bool,
    /// JSON keeps every verdict of every function (`--all-verdicts`), not only those that say
    /// something.
    pub(crate) all_verdicts: bool,
    /// Text prints a count per rule instead of the findings (`--statistics`).
    pub(crate) statistics: bool,
}

/// `line:column` (1-based) of a position, `cell N:line:column` in a notebook.
pub(crate) fn line_column(position: Position) -> String {
    match position.cell {
        Some(cell) => format!("cell {cell}:{}:{}", position.line, position.column + 1),
        None => format!("{}:{}", position.line, position.column + 1),
    }
}

/// The verdicts of a function that say something: a gain to take (`high`, `medium`, `low`), a
/// warning that compiling would hurt (`harmful`), and on code a user may want compiled, the best
/// "none" (it says why no JIT helps). A "none" for every function and framework would bury the
/// rest.
pub(crate) fn verdicts_that_say_something(verdicts: &mut Vec<jitlens_analyzer::report::Verdict>) {
    let mut kept_none = false;
    verdicts.retain(|verdict| {
        if verdict.benefit != "none" {
            return true;
        }
        let keep = verdict.explains && !kept_none;
        kept_none |= keep;
        keep
    });
}

/// The best high or medium verdict of every function, best estimated gain first, with the
/// file it is in: what `check` ranks as opportunities.
pub(crate) fn opportunities(
    files: &[FileReport],
) -> Vec<(
    &FileReport,
    &jitlens_analyzer::report::FunctionReport,
    &jitlens_analyzer::report::Verdict,
)> {
    let mut found: Vec<_> = files
        .iter()
        .flat_map(|file| file.report.functions.iter().map(move |f| (file, f)))
        .filter_map(|(file, function)| {
            let best = function
                .verdicts
                .iter()
                .find(|v| matches!(v.benefit.as_str(), "high" | "medium"))?;
            Some((file, function, best))
        })
        .collect();
    let gain = |verdict: &jitlens_analyzer::report::Verdict| {
        verdict
            .estimate
            .map_or(0.0, |e| (e.speedup_low * e.speedup_high).sqrt())
    };
    found.sort_by(|a, b| gain(b.2).total_cmp(&gain(a.2)));
    found
}

/// Writes `files` in `format`.
pub(crate) fn write(
    out: &mut impl Write,
    format: OutputFormat,
    files: &[FileReport],
    layout: Layout,
) -> io::Result<()> {
    match format {
        OutputFormat::Text if layout.statistics => text::write_statistics(out, files),
        OutputFormat::Text => text::write(out, files),
        OutputFormat::Json => json::write(out, files, layout),
        OutputFormat::Sarif => sarif::write(out, files),
        OutputFormat::Github => github::write(out, files),
    }
}

/// The name syntax errors go by where a rule code is expected (SARIF rule id, GitHub title).
const SYNTAX_ERROR: &str = "SyntaxError";

#[cfg(test)]
pub(crate) mod fixtures {
    //! Hand-built reports for the format tests.

    use std::path::PathBuf;

    use jitlens_analyzer::report::{Diagnostic, ParseError, Position, Range, Severity};
    use jitlens_analyzer::Report;

    use super::FileReport;

    fn position(line: usize, column: usize) -> Position {
        Position {
            line,
            column,
            // As if the line held one astral character before the column.
            utf16_column: column + 1,
            cell: None,
        }
    }

    pub(crate) fn diagnostic(code: &str, severity: Severity, line: usize) -> Diagnostic {
        Diagnostic {
            code: code.to_owned(),
            name: format!("{}-rule", code.to_lowercase()),
            severity,
            message: format!("{code} found: `x, y`"),
            function: Some("f".to_owned()),
            range: Range {
                start: position(line, 4),
                end: position(line + 1, 8),
            },
        }
    }

    /// `a.py` with two diagnostics, `b c.py` with a syntax error, `plain.py` skipped.
    pub(crate) fn files() -> Vec<FileReport> {
        let a = Report {
            diagnostics: vec![
                diagnostic("PT001", Severity::Error, 3),
                diagnostic("GEN401", Severity::Info, 7),
            ],
            ..Report::default()
        };
        let b = Report::with_parse_error(ParseError {
            message: "unexpected EOF".to_owned(),
            position: position(5, 0),
        });
        vec![
            FileReport {
                path: PathBuf::from("pkg/a.py"),
                report: a,
                skipped: false,
            },
            FileReport {
                path: PathBuf::from("pkg/b c.py"),
                report: b,
                skipped: false,
            },
            FileReport {
                path: PathBuf::from("pkg/plain.py"),
                report: Report::default(),
                skipped: true,
            },
        ]
    }

    /// What a format writes for `files`.
    pub(crate) fn render(
        write: impl FnOnce(&mut Vec<u8>, &[FileReport]) -> std::io::Result<()>,
        files: &[FileReport],
    ) -> String {
        let mut out = Vec::new();
        write(&mut out, files).unwrap();
        String::from_utf8(out).unwrap()
    }
}
