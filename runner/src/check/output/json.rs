//! `--output-format json`: the Report of DESIGN.md.
//!
//! One named file prints its Report alone; anything else prints an array of Reports, each with
//! a `path`. A file passed over as not numerical has `"skipped": true` and empty lists. Verdicts
//! that say nothing ("none") are left out, and so are functions left with no verdict and no
//! diagnostic, unless `--all-verdicts` asks for them: on a large project the file stays a few MB.

use std::io::{self, Write};

use serde_json::Value;

use crate::check::output::{verdicts_that_say_something, FileReport, Layout};

/// Writes the Report, or the array of Reports, pretty-printed.
pub(super) fn write(out: &mut impl Write, files: &[FileReport], layout: Layout) -> io::Result<()> {
    let value = match files {
        [file] if layout.single_file => file_value(file, false, layout)?,
        _ => Value::Array(
            files
                .iter()
                .map(|file| file_value(file, true, layout))
                .collect::<io::Result<_>>()?,
        ),
    };
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}

fn file_value(file: &FileReport, with_path: bool, layout: Layout) -> io::Result<Value> {
    let mut value = if layout.all_verdicts {
        serde_json::to_value(&file.report)?
    } else {
        // Functions keep only the verdicts that say something; a function with none is left
        // out unless a diagnostic names it.
        let mut report = file.report.clone();
        let named: Vec<&str> = report
            .diagnostics
            .iter()
            .filter_map(|d| d.function.as_deref())
            .collect();
        let mut functions = std::mem::take(&mut report.functions);
        for function in &mut functions {
            verdicts_that_say_something(&mut function.verdicts);
        }
        functions.retain(|f| !f.verdicts.is_empty() || named.contains(&f.name.as_str()));
        report.functions = functions;
        serde_json::to_value(&report)?
    };
    if with_path {
        value["path"] = file.path.display().to_string().into();
    }
    if file.skipped {
        value["skipped"] = true.into();
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::check::output::fixtures::{files, render};
    use crate::check::output::Layout;

    fn parse(files: &[crate::check::output::FileReport], single_file: bool) -> Value {
        let text = render(
            |out, files| {
                super::write(
                    out,
                    files,
                    Layout {
                        single_file,
                        all_verdicts: true,
                        statistics: false,
                    },
                )
            },
            files,
        );
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn several_files_are_an_array_with_paths() {
        let value = parse(&files(), false);
        let paths: Vec<_> = value
            .as_array()
            .unwrap()
            .iter()
            .map(|it| it["path"].clone())
            .collect();
        assert_eq!(
            paths,
            [
                json!("pkg/a.py"),
                json!("pkg/b c.py"),
                json!("pkg/plain.py")
            ]
        );
        assert_eq!(value[0]["diagnostics"][0]["code"], "PT001");
        assert_eq!(value[0]["diagnostics"][0]["severity"], "error");
        assert_eq!(value[1]["parse_errors"][0]["line"], 5);
        assert_eq!(value[2]["skipped"], true);
        assert!(value[0].get("skipped").is_none());
    }

    #[test]
    fn one_named_file_is_its_report_alone() {
        let one = &files()[..1];
        let value = parse(one, true);
        assert_eq!(value["schema"], 1);
        assert!(value.get("path").is_none());
        let array = parse(one, false);
        assert_eq!(
            array[0]["path"], "pkg/a.py",
            "a folder holding one file is still an array"
        );
    }
}
