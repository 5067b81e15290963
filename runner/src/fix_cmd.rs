//! `jitlens fix`: show, diff or apply the rewrites the analyzer offers for a file.
//!
//! Strategies are picked per function (the given framework's, or with `auto` the best verdict's,
//! or the first on offer) and applied one function at a time, each on the result of the one
//! before, so their import edits never collide. A notebook (`.ipynb`) is fixed as the module of
//! its code cells and written back cell by cell (`fix_notebook`).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use anyhow::{bail, Context};
use jitlens_analyzer::report::Strategy;
use jitlens_analyzer::{analyze, testgen};

use crate::fix_notebook::NotebookFix;

/// The arguments of `jitlens fix`.
#[derive(Debug, Args)]
pub struct FixArgs {
    /// The Python file, or a Jupyter notebook (`.ipynb`: only the changed cells are rewritten).
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
}

/// Output formats of `fix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FixFormat {
    /// The strategies on offer, the chosen one starred.
    Text,
    /// The Report, or the chosen strategy with `--function`.
    Json,
}

/// What `fix` does with the chosen rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FixMode {
    /// List the strategies on offer and which would be applied.
    Show,
    /// Print a unified diff of the file before and after.
    Diff,
    /// Rewrite the file.
    Write,
}

/// Runs `jitlens fix`; `Ok(true)` when some rewrite was on offer.
pub(crate) fn run(request: &FixArgs) -> anyhow::Result<bool> {
    let mode = match (request.diff, request.write) {
        (true, _) => FixMode::Diff,
        (_, true) => FixMode::Write,
        _ => FixMode::Show,
    };
    let format = request.output_format;
    let path = request.file.as_path();
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read {}", path.display()))?;
    // A notebook is fixed as the module its code cells make, and written back cell by cell.
    let mut notebook = match path.extension().is_some_and(|ext| ext == "ipynb") {
        true => Some(
            NotebookFix::read(text.clone())
                .map_err(|why| anyhow::anyhow!("{}: {why}", path.display()))?,
        ),
        false => None,
    };
    let source = match &notebook {
        Some(notebook) => notebook.module().to_owned(),
        None => text,
    };
    let mut report = analyze(&source);
    let names: Vec<String> = match request.function.as_deref() {
        Some(name) => {
            if !report.functions.iter().any(|f| f.name == name) {
                bail!("no function `{name}` in {}", path.display());
            }
            vec![name.to_owned()]
        }
        None => report
            .functions
            .iter()
            .filter(|f| !f.strategies.is_empty())
            .map(|f| f.name.clone())
            .collect(),
    };
    let framework = Some(request.framework.as_str());
    let mut current = source.clone();
    let mut applied: Vec<(String, Strategy)> = Vec::new();
    for name in &names {
        let now = analyze(&current);
        let Some(function) = now.functions.iter().find(|f| &f.name == name) else {
            continue;
        };
        match testgen::pick(function, framework) {
            Some(strategy) => {
                if let Some(notebook) = notebook.as_mut() {
                    if let Err(why) = notebook.apply(strategy) {
                        if request.function.is_some() {
                            bail!("the rewrite of `{name}` is not applied: {why}");
                        }
                        eprintln!("jitlens: the rewrite of `{name}` is not applied: {why}");
                        continue;
                    }
                }
                current.clone_from(&strategy.source);
                applied.push((name.clone(), strategy.clone()));
            }
            None if request.function.is_some() => {
                let why = function
                    .verdicts
                    .iter()
                    .find_map(|v| v.no_rewrite.as_deref())
                    .map(|why| format!(": {why}"))
                    .unwrap_or_default();
                bail!(
                    "no rewrite for `{name}` with framework {}{why}",
                    request.framework
                )
            }
            None => (),
        }
    }
    if let Some(notebook) = &notebook {
        notebook.place(&mut report);
    }
    // Ex) `analysis.ipynb:cell 2:5` for a notebook, `kernels.py:5` for a file.
    let at = |position: &jitlens_analyzer::report::Position| match position.cell {
        Some(cell) => format!("{}:cell {cell}:{}", path.display(), position.line),
        None => format!("{}:{}", path.display(), position.line),
    };
    let mut out = std::io::stdout().lock();
    match (mode, format) {
        (FixMode::Show, FixFormat::Json) => match (&request.function, applied.first()) {
            (Some(_), Some((_, strategy))) => serde_json::to_writer_pretty(&mut out, strategy)?,
            _ => serde_json::to_writer_pretty(&mut out, &report)?,
        },
        (FixMode::Show, FixFormat::Text) => {
            for function in report.functions.iter().filter(|f| names.contains(&f.name)) {
                writeln!(out, "{}: {}", at(&function.range.start), function.name)?;
                let chosen = applied
                    .iter()
                    .find(|(n, _)| n == &function.name)
                    .map(|(_, s)| s.id.as_str());
                for strategy in &function.strategies {
                    let mark = if Some(strategy.id.as_str()) == chosen {
                        "*"
                    } else {
                        " "
                    };
                    writeln!(
                        out,
                        "  {mark} {} [{}, {}] {}",
                        strategy.id, strategy.framework, strategy.applicability, strategy.title
                    )?;
                    for note in &strategy.notes {
                        writeln!(out, "      note: {note}")?;
                    }
                }
            }
            // Ex) a loop rated Numba "high" whose body no rewrite covers: say so, and why.
            for function in report.functions.iter().filter(|f| !names.contains(&f.name)) {
                for verdict in &function.verdicts {
                    let Some(why) = &verdict.no_rewrite else {
                        continue;
                    };
                    writeln!(
                        out,
                        "{}: {} ({} {}): {why}",
                        at(&function.range.start),
                        function.name,
                        verdict.framework,
                        verdict.benefit
                    )?;
                }
            }
            writeln!(
                out,
                "{} rewrite(s) chosen (*); --diff shows them, --write applies them.",
                applied.len()
            )?;
        }
        (FixMode::Diff, _) => match &notebook {
            // One diff per changed cell, its lines counted within the cell.
            Some(notebook) => {
                for (cell, before, now) in notebook.changes() {
                    let name = format!("{}:cell {cell}", path.display());
                    write!(out, "{}", unified_diff(before, now, &name))?;
                }
            }
            None => write!(
                out,
                "{}",
                unified_diff(&source, &current, &path.display().to_string())
            )?,
        },
        (FixMode::Write, format) => {
            if !applied.is_empty() {
                let written = match &notebook {
                    Some(notebook) => notebook
                        .write_text()
                        .map_err(|why| anyhow::anyhow!("{}: {why}", path.display()))?,
                    None => current.clone(),
                };
                std::fs::write(path, written)
                    .with_context(|| format!("could not write {}", path.display()))?;
            }
            match format {
                FixFormat::Json => {
                    let strategies: Vec<&Strategy> = applied.iter().map(|(_, s)| s).collect();
                    serde_json::to_writer_pretty(&mut out, &strategies)?;
                }
                FixFormat::Text => {
                    for (name, strategy) in &applied {
                        writeln!(
                            out,
                            "fixed {name}: {} [{}]",
                            strategy.title, strategy.applicability
                        )?;
                    }
                }
            }
        }
    }
    if format == FixFormat::Json {
        writeln!(out)?;
    }
    Ok(!applied.is_empty())
}

/// A unified diff (3 lines of context) of two texts, by Myers' algorithm over lines.
pub(crate) fn unified_diff(old: &str, new: &str, name: &str) -> String {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = diff_lines(&a, &b);
    if ops.iter().all(|op| matches!(op, Op::Same(..))) {
        return String::new();
    }
    let mut out = format!("--- a/{name}\n+++ b/{name}\n");
    let context = 3;
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Same(..)))
        .map(|(i, _)| i)
        .collect();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        let start = i.saturating_sub(context);
        let end = (i + context + 1).min(ops.len());
        match groups.last_mut() {
            Some(last) if start <= last.1 => last.1 = end,
            _ => groups.push((start, end)),
        }
    }
    for (start, end) in groups {
        let slice = &ops[start..end];
        let (old_start, new_start) = match slice.first() {
            Some(Op::Same(i, j) | Op::Delete(i, j) | Op::Insert(i, j)) => (*i, *j),
            None => (0, 0),
        };
        let old_len = slice
            .iter()
            .filter(|op| !matches!(op, Op::Insert(..)))
            .count();
        let new_len = slice
            .iter()
            .filter(|op| !matches!(op, Op::Delete(..)))
            .count();
        out.push_str(&format!(
            "@@ -{},{old_len} +{},{new_len} @@\n",
            old_start + usize::from(old_len > 0),
            new_start + usize::from(new_len > 0)
        ));
        for op in slice {
            let (mark, line) = match *op {
                Op::Same(i, _) => (' ', a[i]),
                Op::Delete(i, _) => ('-', a[i]),
                Op::Insert(_, j) => ('+', b[j]),
            };
            out.push(mark);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// One step of an edit script, with the positions in the old and new lines it stands at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same(usize, usize),
    Delete(usize, usize),
    Insert(usize, usize),
}

/// Myers' shortest edit script between two line lists.
fn diff_lines(a: &[&str], b: &[&str]) -> Vec<Op> {
    let (n, m) = (a.len(), b.len());
    let max = n + m;
    let offset = max + 1;
    let mut v = vec![0usize; 2 * max + 3];
    let mut trace: Vec<Vec<usize>> = Vec::new();
    'outer: for d in 0..=max {
        trace.push(v.clone());
        for k in (0..=2 * d).step_by(2) {
            let k = k as isize - d as isize;
            let index = (k + offset as isize) as usize;
            let mut x = if k == -(d as isize) || (k != d as isize && v[index - 1] < v[index + 1]) {
                v[index + 1]
            } else {
                v[index - 1] + 1
            };
            let mut y = (x as isize - k) as usize;
            while x < n && y < m && a[x] == b[y] {
                x += 1;
                y += 1;
            }
            v[index] = x;
            if x >= n && y >= m {
                trace.push(v.clone());
                break 'outer;
            }
        }
    }
    // Walk back through the saved frontiers.
    let mut ops = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (1..trace.len() - 1).rev() {
        let v = &trace[d];
        let k = x as isize - y as isize;
        let d_i = d as isize;
        let index = |k: isize| (k + offset as isize) as usize;
        let previous_k = if k == -d_i || (k != d_i && v[index(k - 1)] < v[index(k + 1)]) {
            k + 1
        } else {
            k - 1
        };
        let previous_x = v[index(previous_k)];
        let previous_y = (previous_x as isize - previous_k) as usize;
        while x > previous_x && y > previous_y {
            x -= 1;
            y -= 1;
            ops.push(Op::Same(x, y));
        }
        if x == previous_x {
            y -= 1;
            ops.push(Op::Insert(x, y));
        } else {
            x -= 1;
            ops.push(Op::Delete(x, y));
        }
    }
    while x > 0 && y > 0 {
        x -= 1;
        y -= 1;
        ops.push(Op::Same(x, y));
    }
    ops.reverse();
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_shows_changed_lines_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nX\nd\ne\nf\ng\nH\n";
        let diff = unified_diff(old, new, "m.py");
        assert!(
            diff.starts_with("--- a/m.py\n+++ b/m.py\n@@ -1,8 +1,9 @@\n"),
            "{diff}"
        );
        assert!(diff.contains(" c\n+X\n d\n"), "{diff}");
        assert!(diff.contains("-h\n+H\n"), "{diff}");
        assert_eq!(unified_diff(old, old, "m.py"), "");
    }

    #[test]
    fn diff_of_insertion_at_the_start_and_deletion_at_the_end() {
        let diff = unified_diff("a\nb\n", "z\na\n", "m.py");
        assert!(diff.contains("+z\n a\n-b\n"), "{diff}");
    }

    #[test]
    fn diff_lines_reproduce_both_texts() {
        let mut seed = 7u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) % 4
        };
        for _ in 0..200 {
            let old: String = (0..next() * 3).map(|_| format!("{}\n", next())).collect();
            let new: String = (0..next() * 3).map(|_| format!("{}\n", next())).collect();
            let a: Vec<&str> = old.split_inclusive('\n').collect();
            let b: Vec<&str> = new.split_inclusive('\n').collect();
            let ops = diff_lines(&a, &b);
            let rebuilt_old: String = ops
                .iter()
                .filter_map(|op| match *op {
                    Op::Same(i, _) | Op::Delete(i, _) => Some(a[i]),
                    Op::Insert(..) => None,
                })
                .collect();
            let rebuilt_new: String = ops
                .iter()
                .filter_map(|op| match *op {
                    Op::Same(_, j) | Op::Insert(_, j) => Some(b[j]),
                    Op::Delete(..) => None,
                })
                .collect();
            assert_eq!(
                (rebuilt_old.as_str(), rebuilt_new.as_str()),
                (old.as_str(), new.as_str())
            );
        }
    }
}
