//! `jitlens check`: analyze files and print their reports.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use jitlens_analyzer::Report;

use crate::cli::OutputFormat;

/// Checks every Python file under `paths`; `Ok(true)` when nothing needs attention.
pub(crate) fn run(paths: &[PathBuf], format: OutputFormat) -> anyhow::Result<bool> {
    let mut files = Vec::new();
    for path in paths {
        collect_python_files(&mut files, path)?;
    }
    let mut checked = Vec::with_capacity(files.len());
    for file in files {
        let source = std::fs::read_to_string(&file)
            .with_context(|| format!("could not read {}", file.display()))?;
        let report = jitlens_analyzer::analyze(&source);
        checked.push((file, report));
    }
    let clean = checked
        .iter()
        .all(|(_, report)| report.parse_errors.is_empty());
    let mut out = std::io::stdout().lock();
    match format {
        OutputFormat::Text => print_text(&mut out, &checked)?,
        OutputFormat::Json => print_json(&mut out, &checked)?,
    }
    Ok(clean)
}

fn collect_python_files(acc: &mut Vec<PathBuf>, path: &Path) -> anyhow::Result<()> {
    let metadata =
        std::fs::metadata(path).with_context(|| format!("could not open {}", path.display()))?;
    if metadata.is_file() {
        acc.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(path)
        .with_context(|| format!("could not list {}", path.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    for entry in entries {
        let hidden = entry
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if entry.is_dir() {
            collect_python_files(acc, &entry)?;
        } else if entry.extension().is_some_and(|ext| ext == "py") {
            acc.push(entry);
        }
    }
    Ok(())
}

fn print_text(out: &mut impl Write, checked: &[(PathBuf, Report)]) -> anyhow::Result<()> {
    let mut problems = 0;
    for (file, report) in checked {
        for error in &report.parse_errors {
            problems += 1;
            let position = error.position;
            writeln!(
                out,
                "{}:{}:{}: SyntaxError: {}",
                file.display(),
                position.line,
                position.column + 1,
                error.message
            )?;
        }
        for diagnostic in &report.diagnostics {
            problems += 1;
            let start = diagnostic.range.start;
            writeln!(
                out,
                "{}:{}:{}: {} {}",
                file.display(),
                start.line,
                start.column + 1,
                diagnostic.code,
                diagnostic.message
            )?;
        }
    }
    let functions: usize = checked.iter().map(|(_, r)| r.functions.len()).sum();
    writeln!(
        out,
        "Checked {} file(s), {functions} function(s): {problems} problem(s) found.",
        checked.len()
    )?;
    Ok(())
}

/// One report for one file; an array of `{"path": ..., report fields...}` for several.
fn print_json(out: &mut impl Write, checked: &[(PathBuf, Report)]) -> anyhow::Result<()> {
    let value = if let [(_, report)] = checked {
        serde_json::to_value(report)?
    } else {
        let items = checked
            .iter()
            .map(|(file, report)| {
                let mut value = serde_json::to_value(report)?;
                value["path"] = file.display().to_string().into();
                Ok(value)
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        serde_json::Value::Array(items)
    };
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)?;
    Ok(())
}
