//! `--output-format github`: GitHub Actions workflow commands, which annotate the pull request.
//!
//! `::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=CODE::message`, with `::warning`
//! and `::notice` for the other severities. Columns are 1-based code points. Values are escaped
//! as the runner expects (`%`, CR, LF everywhere; `:` and `,` in properties too).

use std::io::{self, Write};

use jitlens_analyzer::report::Severity;

use crate::check::output::{FileReport, SYNTAX_ERROR};

/// Writes one workflow command a finding.
pub(super) fn write(out: &mut impl Write, files: &[FileReport]) -> io::Result<()> {
    for file in files {
        let path = escape_property(&file.path.display().to_string());
        for error in &file.report.parse_errors {
            writeln!(
                out,
                "::error file={path},line={},col={},title={SYNTAX_ERROR}::{}",
                error.position.line,
                error.position.column + 1,
                escape_data(&error.message)
            )?;
        }
        for diagnostic in &file.report.diagnostics {
            let (start, end) = (diagnostic.range.start, diagnostic.range.end);
            // GitHub places an annotation by file line; in a notebook the cell goes in the title.
            let title = match start.cell {
                Some(cell) => format!("{} (cell {cell})", diagnostic.code),
                None => diagnostic.code.clone(),
            };
            writeln!(
                out,
                "::{} file={path},line={},col={},endLine={},endColumn={},title={}::{}",
                command(diagnostic.severity),
                start.line,
                start.column + 1,
                end.line,
                end.column + 1,
                escape_property(&title),
                escape_data(&diagnostic.message)
            )?;
        }
    }
    Ok(())
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// The message part: `%`, CR and LF are escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as data, and `:` and `,` too.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use crate::check::output::fixtures::{files, render};

    #[test]
    fn one_workflow_command_a_finding() {
        assert_eq!(
            render(super::write, &files()),
            "::error file=pkg/a.py,line=3,col=5,endLine=4,endColumn=9,title=PT001::PT001 found: `x, y`\n\
             ::notice file=pkg/a.py,line=7,col=5,endLine=8,endColumn=9,title=GEN401::GEN401 found: `x, y`\n\
             ::error file=pkg/b c.py,line=5,col=1,title=SyntaxError::unexpected EOF\n"
        );
    }

    #[test]
    fn values_are_escaped() {
        assert_eq!(super::escape_data("50% a\nb\r"), "50%25 a%0Ab%0D");
        assert_eq!(super::escape_property("a,b:c%"), "a%2Cb%3Ac%25");
    }
}
