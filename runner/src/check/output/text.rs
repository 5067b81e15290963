//! `--output-format text`: `path:line:col: CODE message`, then a summary line that counts
//! errors, warnings and infos apart, then the functions a JIT would speed up most (the high and
//! medium verdicts, ranked by estimated gain). `--statistics` prints a count per rule instead of
//! the findings.
//!
//! Columns are 1-based here, counted in code points, as compilers and ruff print them.

use std::io::{self, Write};

use std::collections::BTreeMap;

use jitlens_analyzer::report::Severity;

use crate::check::output::{line_column, opportunities, FileReport, SYNTAX_ERROR};

/// How many opportunities the ranked list at the end shows.
const RANKED: usize = 10;

/// Writes one line a finding, the summary with errors, warnings and infos counted apart, then
/// the best opportunities ranked by estimated gain.
pub(super) fn write(out: &mut impl Write, files: &[FileReport]) -> io::Result<()> {
    for file in files {
        let path = file.path.display();
        for error in &file.report.parse_errors {
            let at = line_column(error.position);
            writeln!(out, "{path}:{at}: {SYNTAX_ERROR}: {}", error.message)?;
        }
        for diagnostic in &file.report.diagnostics {
            let at = line_column(diagnostic.range.start);
            writeln!(
                out,
                "{path}:{at}: {} {}",
                diagnostic.code, diagnostic.message
            )?;
        }
    }
    summary(out, files)?;
    let ranked = opportunities(files);
    if !ranked.is_empty() {
        writeln!(
            out,
            "\nOpportunities, best estimated gain first ({} in all):",
            ranked.len()
        )?;
        for (file, function, verdict) in ranked.iter().take(RANKED) {
            let gain = verdict.estimate.map_or(String::new(), |e| {
                format!(" {:.1}x-{:.1}x", e.speedup_low, e.speedup_high)
            });
            let start = function.range.start;
            let at = match start.cell {
                Some(cell) => format!("cell {cell}:{}", start.line),
                None => start.line.to_string(),
            };
            writeln!(
                out,
                "  {}:{at}: {} -- {} {}{gain}: {}",
                file.path.display(),
                function.name,
                verdict.framework,
                verdict.benefit,
                verdict.summary
            )?;
        }
    }
    Ok(())
}

/// `--statistics`: one line a rule, most frequent first, then the summary.
pub(super) fn write_statistics(out: &mut impl Write, files: &[FileReport]) -> io::Result<()> {
    let mut counts: BTreeMap<(&str, &str), (usize, Severity)> = BTreeMap::new();
    for file in files {
        if !file.report.parse_errors.is_empty() {
            let entry = counts
                .entry((SYNTAX_ERROR, "syntax-error"))
                .or_insert((0, Severity::Error));
            entry.0 += file.report.parse_errors.len();
        }
        for diagnostic in &file.report.diagnostics {
            let entry = counts
                .entry((&diagnostic.code, &diagnostic.name))
                .or_insert((0, diagnostic.severity));
            entry.0 += 1;
        }
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    for ((code, name), (count, severity)) in rows {
        writeln!(
            out,
            "{count:>6}  {code:<12} {name} ({})",
            severity_word(severity)
        )?;
    }
    summary(out, files)
}

fn summary(out: &mut impl Write, files: &[FileReport]) -> io::Result<()> {
    let count = |severity: Severity| -> usize {
        files
            .iter()
            .flat_map(|file| &file.report.diagnostics)
            .filter(|d| d.severity == severity)
            .count()
    };
    let syntax: usize = files.iter().map(|f| f.report.parse_errors.len()).sum();
    let n_skipped = files.iter().filter(|file| file.skipped).count();
    let n_functions: usize = files.iter().map(|file| file.report.functions.len()).sum();
    writeln!(
        out,
        "Checked {} file(s) ({} parsed, {n_skipped} skipped: nothing numerical), {n_functions} function(s): {} error(s), {} warning(s), {} info(s).",
        files.len(),
        files.len() - n_skipped,
        count(Severity::Error) + syntax,
        count(Severity::Warning),
        count(Severity::Info),
    )
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

#[cfg(test)]
mod tests {
    use crate::check::output::fixtures::{files, render};

    #[test]
    fn one_line_a_finding_then_the_summary() {
        let text = render(super::write, &files());
        assert_eq!(
            text,
            "pkg/a.py:3:5: PT001 PT001 found: `x, y`\n\
             pkg/a.py:7:5: GEN401 GEN401 found: `x, y`\n\
             pkg/b c.py:5:1: SyntaxError: unexpected EOF\n\
             Checked 3 file(s) (2 parsed, 1 skipped: nothing numerical), 0 function(s): 2 error(s), 0 warning(s), 1 info(s).\n"
        );
    }

    #[test]
    fn nothing_checked_is_still_summarized() {
        assert_eq!(
            render(super::write, &[]),
            "Checked 0 file(s) (0 parsed, 0 skipped: nothing numerical), 0 function(s): 0 error(s), 0 warning(s), 0 info(s).\n"
        );
    }
}
