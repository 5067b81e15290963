//! `jitlens fix` on a Jupyter notebook: the rewrites of the module the code cells make (as
//! `check` reads them) put back into the cells they touch, and the file rewritten only inside
//! those cells' `"source"` values.
//!
//! An edit lands in the cell its range lies in. Two places are ambiguous and decided here: an
//! insertion at the first line of a cell that is all imports goes to the end of the cell before
//! (the cell holding the imports it follows, as the importer puts new imports after the last
//! one), any other insertion there to the start of the cell (a decorator before a `def`); an
//! edit whose end is the start of the next cell ends at the end of its own. An edit that truly
//! spans cells, or a rewrite whose cells no longer join to its module (an edit into a `%%` cell),
//! is refused for that function. Every other byte of the file stays as it was.

use jitlens_analyzer::report::{Position, Strategy};

use crate::check::notebook::{CodeCell, Notebook};
use crate::json_spans;

/// A notebook being fixed: its raw text, its code cells as they are now, and the module they
/// make.
#[derive(Debug)]
pub(crate) struct NotebookFix {
    text: String,
    /// Invariant: `notebook.cells()` and `original` name the same cells in the same order.
    notebook: Notebook,
    original: Vec<CodeCell>,
}

/// A place in the cells: the index into the code cells and a byte offset in that cell's text.
type Spot = (usize, usize);

impl NotebookFix {
    /// Reads a notebook; the error says why the text is not one.
    pub(crate) fn read(text: String) -> Result<Self, String> {
        let notebook = Notebook::parse(&text)?;
        let original = notebook.cells().to_vec();
        Ok(Self {
            text,
            notebook,
            original,
        })
    }

    /// The module of the code cells as they are now (IPython syntax blanked, as `check` sees it).
    pub(crate) fn module(&self) -> &str {
        &self.notebook.source
    }

    /// The notebook's positions for a report made on `module()` before any rewrite.
    pub(crate) fn place(&self, report: &mut jitlens_analyzer::Report) {
        Notebook::from_cells(self.original.clone()).place(report);
    }

    /// Puts `strategy` (made on `module()`) into the cells; on refusal nothing changes and the
    /// error says why.
    pub(crate) fn apply(&mut self, strategy: &Strategy) -> Result<(), String> {
        let mut cells = self.notebook.cells().to_vec();
        let mut landed: Vec<(usize, usize, usize, &str)> = Vec::new();
        for edit in &strategy.edits {
            let (start, end) = self.land(edit.range.start, edit.range.end, &edit.replacement)?;
            if start.0 != end.0 {
                return Err(format!(
                    "its edit at line {} spans cells {} and {}",
                    edit.range.start.line, cells[start.0].number, cells[end.0].number
                ));
            }
            landed.push((start.0, start.1, end.1, &edit.replacement));
        }
        // Back to front, so that earlier offsets stay valid.
        landed.sort_by_key(|&(cell, start, end, _)| (cell, start, end));
        for &(cell, start, end, replacement) in landed.iter().rev() {
            let text = &mut cells[cell].text;
            let replacement = match start == text.len() && !text.is_empty() && !text.ends_with('\n')
            {
                // Ex) an import after a cell's last line, which has no newline of its own.
                true => format!("\n{replacement}"),
                false => replacement.to_owned(),
            };
            text.replace_range(start..end, &replacement);
        }
        // The last line of a cell carries no newline when it did not before.
        for (cell, before) in cells.iter_mut().zip(self.notebook.cells()) {
            if !before.text.ends_with('\n') && cell.text.ends_with('\n') {
                cell.text.pop();
            }
        }
        let rewritten = Notebook::from_cells(cells);
        if rewritten.source != strategy.source {
            return Err(
                "its edits cannot be put back into the cells (an edit would land in \
                        IPython syntax, such as a `%%` cell)"
                    .to_owned(),
            );
        }
        self.notebook = rewritten;
        Ok(())
    }

    /// The changed cells: number, source before, source now.
    pub(crate) fn changes(&self) -> impl Iterator<Item = (usize, &str, &str)> {
        self.original
            .iter()
            .zip(self.notebook.cells())
            .filter(|(before, now)| before.text != now.text)
            .map(|(before, now)| (now.number, before.text.as_str(), now.text.as_str()))
    }

    /// The file with the changed cells' `"source"` values rewritten, every other byte as read.
    pub(crate) fn write_text(&self) -> Result<String, String> {
        let spans = json_spans::cell_spans(&self.text)?;
        let mut out = String::with_capacity(self.text.len());
        let mut copied = 0;
        for (number, _, now) in self.changes() {
            let span = spans
                .get(number - 1)
                .and_then(|cell| cell.source.clone())
                .ok_or_else(|| format!("cell {number}: no `source` found in the file"))?;
            out.push_str(&self.text[copied..span.start]);
            out.push_str(&json_spans::source_value(
                now,
                &self.text[span.clone()],
                &self.text,
                span.start,
            ));
            copied = span.end;
        }
        out.push_str(&self.text[copied..]);
        Ok(out)
    }

    /// A module position as (index into the cells, byte offset in that cell's text), for an
    /// edit's `start` and `end`; `inserted` decides where an insertion at a cell's start goes.
    fn land(&self, start: Position, end: Position, inserted: &str) -> Result<(Spot, Spot), String> {
        let at_cell_start = |position: Position| {
            position.column == 0
                && self
                    .notebook
                    .origin(position.line)
                    .is_some_and(|(cell, line)| line == 1 && cell > 0)
        };
        let end_of_previous = |position: Position| {
            let (cell, _) = self
                .notebook
                .origin(position.line)
                .expect("at_cell_start found it");
            (cell - 1, self.notebook.cells()[cell - 1].text.len())
        };
        let start_at = if start == end && at_cell_start(start) && is_imports(inserted) {
            end_of_previous(start)
        } else {
            self.offset(start)?
        };
        let end_at = if start != end && at_cell_start(end) {
            let previous = end_of_previous(end);
            match previous.0 == start_at.0 {
                true => previous,
                false => self.offset(end)?,
            }
        } else if start == end {
            start_at
        } else {
            self.offset(end)?
        };
        Ok((start_at, end_at))
    }

    /// The cell and byte offset of a module position; past the last line, the end of the last
    /// cell.
    fn offset(&self, position: Position) -> Result<Spot, String> {
        let cells = self.notebook.cells();
        let Some((cell, line)) = self.notebook.origin(position.line) else {
            let last = cells
                .len()
                .checked_sub(1)
                .ok_or("the notebook has no code")?;
            return Ok((last, cells[last].text.len()));
        };
        let text = &cells[cell].text;
        let line_start: usize = text
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        let rest = &text[line_start..];
        let line_text = rest.split_inclusive('\n').next().unwrap_or_default();
        let column = line_text
            .char_indices()
            .nth(position.column)
            .map_or(line_text.trim_end_matches('\n').len(), |(i, _)| i);
        Ok((cell, line_start + column))
    }
}

/// Whether `text` is only import statements (and blank lines).
fn is_imports(text: &str) -> bool {
    let mut lines = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .peekable();
    lines.peek().is_some()
        && lines.all(|line| line.starts_with("import ") || line.starts_with("from "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notebook(cells: &[&str]) -> String {
        let cells: Vec<String> = cells
            .iter()
            .map(|source| {
                let lines: Vec<String> = json_spans::split_lines(source)
                    .iter()
                    .map(|line| json_spans::quote(line))
                    .collect();
                format!(
                    "  {{\n   \"cell_type\": \"code\",\n   \"execution_count\": 1,\n   \
                     \"metadata\": {{}},\n   \"outputs\": [],\n   \"source\": [\n    {}\n   ]\n  }}",
                    lines.join(",\n    ")
                )
            })
            .collect();
        format!(
            "{{\n \"cells\": [\n{}\n ],\n \"metadata\": {{}},\n \"nbformat\": 4,\n \
             \"nbformat_minor\": 5\n}}\n",
            cells.join(",\n")
        )
    }

    fn fix_all(text: &str) -> NotebookFix {
        let mut fix = NotebookFix::read(text.to_owned()).unwrap();
        loop {
            let report = jitlens_analyzer::analyze(fix.module());
            let Some(strategy) = report
                .functions
                .iter()
                .filter_map(|f| jitlens_analyzer::testgen::pick(f, Some("numba")))
                .next()
            else {
                return fix;
            };
            fix.apply(strategy).unwrap();
        }
    }

    const LOOP: &str = "def total(x):\n    s = 0.0\n    for i in range(x.shape[0]):\n        \
                        s += x[i] * x[i]\n    return s";

    #[test]
    fn a_new_import_goes_after_the_cell_of_imports_and_the_decorator_to_the_function() {
        let text = notebook(&[
            "%matplotlib inline\nimport numpy as np",
            LOOP,
            "total(np.ones(3))",
        ]);
        let fix = fix_all(&text);
        let changes: Vec<(usize, &str)> = fix.changes().map(|(n, _, now)| (n, now)).collect();
        assert_eq!(
            changes,
            [
                (1, "%matplotlib inline\nimport numpy as np\nimport numba"),
                (2, &*format!("@numba.njit(cache=True)\n{LOOP}")),
            ]
        );
        let written = fix.write_text().unwrap();
        assert!(written.contains(
            "   \"source\": [\n    \"%matplotlib inline\\n\",\n    \"import numpy as np\\n\",\n    \"import numba\"\n   ]"
        ), "{written}");
        // The third cell, and everything outside the sources, is as it was.
        let untouched = |s: &str| s.split("\"source\"").last().unwrap().to_owned();
        assert_eq!(untouched(&written), untouched(&text));
        assert!(written.ends_with("\"nbformat_minor\": 5\n}\n"));
    }

    #[test]
    fn an_import_in_the_functions_own_cell_gets_the_new_import_there() {
        let text = notebook(&["x = 1\n", &format!("import numpy as np\n\n\n{LOOP}")]);
        let fix = fix_all(&text);
        let changes: Vec<(usize, &str)> = fix.changes().map(|(n, _, now)| (n, now)).collect();
        assert_eq!(
            changes,
            [(
                2,
                &*format!("import numpy as np\nimport numba\n\n\n@numba.njit(cache=True)\n{LOOP}")
            )]
        );
    }

    #[test]
    fn an_edit_into_a_cell_magic_or_across_cells_is_refused() {
        let text = notebook(&["%%time\nx = 1", "import numpy as np"]);
        let mut fix = NotebookFix::read(text).unwrap();
        let at = |line, column| Position {
            line,
            column,
            utf16_column: column,
            cell: None,
        };
        let mut strategy = Strategy {
            id: "x".into(),
            title: "x".into(),
            framework: "numba".into(),
            applicability: "safe".into(),
            notes: Vec::new(),
            edits: vec![jitlens_analyzer::report::Edit {
                range: jitlens_analyzer::report::Range {
                    start: at(2, 0),
                    end: at(2, 0),
                },
                replacement: "y = 2\n".into(),
            }],
            source: "\ny = 2\n\nimport numpy as np\n".into(),
        };
        let error = fix.apply(&strategy).unwrap_err();
        assert!(error.contains("cannot be put back"), "{error}");
        strategy.edits[0].range.end = at(3, 3);
        let error = fix.apply(&strategy).unwrap_err();
        assert!(error.contains("spans cells 1 and 2"), "{error}");
        assert_eq!(fix.changes().count(), 0);
    }
}
