//! `--output-format text`: `path:line:col: CODE message`, then a summary line.
//!
//! Columns are 1-based here, counted in code points, as compilers and ruff print them.

use std::io::{self, Write};

use crate::check::output::{FileReport, SYNTAX_ERROR};

/// Writes one line a finding, then `Checked N file(s) (P parsed, S skipped: ...), ...`.
pub(super) fn write(out: &mut impl Write, files: &[FileReport]) -> io::Result<()> {
    let mut n_problems = 0;
    for file in files {
        let path = file.path.display();
        for error in &file.report.parse_errors {
            n_problems += 1;
            let position = error.position;
            writeln!(
                out,
                "{path}:{}:{}: {SYNTAX_ERROR}: {}",
                position.line,
                position.column + 1,
                error.message
            )?;
        }
        for diagnostic in &file.report.diagnostics {
            n_problems += 1;
            let start = diagnostic.range.start;
            writeln!(
                out,
                "{path}:{}:{}: {} {}",
                start.line,
                start.column + 1,
                diagnostic.code,
                diagnostic.message
            )?;
        }
    }
    let n_skipped = files.iter().filter(|file| file.skipped).count();
    let n_functions: usize = files.iter().map(|file| file.report.functions.len()).sum();
    writeln!(
        out,
        "Checked {} file(s) ({} parsed, {n_skipped} skipped: no numerical import), {n_functions} function(s): {n_problems} problem(s) found.",
        files.len(),
        files.len() - n_skipped,
    )
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
             Checked 3 file(s) (2 parsed, 1 skipped: no numerical import), 0 function(s): 3 problem(s) found.\n"
        );
    }

    #[test]
    fn nothing_checked_is_still_summarized() {
        assert_eq!(
            render(super::write, &[]),
            "Checked 0 file(s) (0 parsed, 0 skipped: no numerical import), 0 function(s): 0 problem(s) found.\n"
        );
    }
}
