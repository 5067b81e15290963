//! Jupyter notebooks in `check`: the code cells of an `.ipynb` file, in order, checked as one
//! module, and every position of the report put back in its cell.
//!
//! Cells are numbered from 1 counting every cell (markdown and raw cells included), as notebook
//! editors number them; lines count from 1 within the cell. IPython syntax is left out, line for
//! line, so that positions stay where they are: a cell that starts with a cell magic
//! (`%%timeit`), and lines that are line magics (`%time`), shell escapes (`!pip`), help
//! (`np.sum?`) or automagic assignments (`files = !ls`) become blank lines.

use jitlens_analyzer::report::Position;
use jitlens_analyzer::Report;
use serde_json::Value;

/// A notebook's code as one module, and where each of its lines came from.
#[derive(Debug)]
pub(crate) struct Notebook {
    /// The code cells joined in order, one line per cell line.
    pub(crate) source: String,
    /// For each line of `source`, 0-based: the cell (1-based) and the line within it (1-based).
    origins: Vec<(usize, usize)>,
    /// The code cells in order, as they are in the file.
    cells: Vec<CodeCell>,
}

/// One code cell: its number (1-based, every cell counted) and its source as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CodeCell {
    /// The 1-based cell number, markdown and raw cells counted.
    pub(crate) number: usize,
    /// The cell's source, IPython syntax included.
    pub(crate) text: String,
}

impl Notebook {
    /// Reads a notebook in nbformat 4; the error says why a file is not one.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let document: Value =
            serde_json::from_str(text).map_err(|error| format!("not a notebook: {error}"))?;
        match document.get("nbformat").and_then(Value::as_u64) {
            Some(4) => (),
            Some(other) => return Err(format!("nbformat {other} is not supported (only 4)")),
            None => return Err("not a notebook: no `nbformat` field".to_owned()),
        }
        let cells = document
            .get("cells")
            .and_then(Value::as_array)
            .ok_or("not a notebook: no `cells` list")?;
        let mut code_cells = Vec::new();
        for (index, cell) in cells.iter().enumerate() {
            if cell.get("cell_type").and_then(Value::as_str) != Some("code") {
                continue;
            }
            let text = cell_source(cell)
                .ok_or_else(|| format!("cell {}: `source` is not text", index + 1))?;
            code_cells.push(CodeCell {
                number: index + 1,
                text,
            });
        }
        Ok(Self::from_cells(code_cells))
    }

    /// The module of these code cells (as `parse` joins them).
    pub(crate) fn from_cells(cells: Vec<CodeCell>) -> Self {
        let mut notebook = Self {
            source: String::new(),
            origins: Vec::new(),
            cells: Vec::new(),
        };
        for cell in &cells {
            notebook.push_cell(cell.number, &cell.text);
        }
        notebook.cells = cells;
        notebook
    }

    /// The code cells, in order.
    pub(crate) fn cells(&self) -> &[CodeCell] {
        &self.cells
    }

    /// Where 1-based line `line` of `source` came from: the index into `cells()` and the 1-based
    /// line within that cell; `None` past the last line.
    pub(crate) fn origin(&self, line: usize) -> Option<(usize, usize)> {
        let &(number, cell_line) = self.origins.get(line.checked_sub(1)?)?;
        let index = self.cells.iter().position(|cell| cell.number == number)?;
        Some((index, cell_line))
    }

    fn push_cell(&mut self, cell: usize, text: &str) {
        let cell_magic = text.trim_start().starts_with("%%");
        for (line_idx, line) in text.lines().enumerate() {
            if !cell_magic && !is_ipython_line(line) {
                self.source.push_str(line);
            }
            self.source.push('\n');
            self.origins.push((cell, line_idx + 1));
        }
    }

    /// Puts every position of `report` in its cell.
    pub(crate) fn place(&self, report: &mut Report) {
        let place = |position: &mut Position| {
            // A position past the last line (the end of the module) is in the last line's cell.
            let origin = self
                .origins
                .get(position.line.saturating_sub(1))
                .or(self.origins.last());
            if let Some(&(cell, line)) = origin {
                position.cell = Some(cell);
                position.line = line;
            }
        };
        for error in &mut report.parse_errors {
            place(&mut error.position);
        }
        for diagnostic in &mut report.diagnostics {
            place(&mut diagnostic.range.start);
            place(&mut diagnostic.range.end);
        }
        for function in &mut report.functions {
            place(&mut function.range.start);
            place(&mut function.range.end);
        }
    }
}

/// A cell's `source`: one string, or a list of strings each ending in its newline.
fn cell_source(cell: &Value) -> Option<String> {
    match cell.get("source")? {
        Value::String(text) => Some(text.clone()),
        Value::Array(parts) => parts
            .iter()
            .map(|part| part.as_str())
            .collect::<Option<Vec<&str>>>()
            .map(|parts| parts.concat()),
        _ => None,
    }
}

/// A line of IPython syntax that is not Python: a magic, a shell escape, a help request.
fn is_ipython_line(line: &str) -> bool {
    let code = line.trim_start();
    if code.starts_with('%') || code.starts_with('!') {
        return true;
    }
    // Ex) `np.sum?`, `??np`; a `?` inside a comment or string is not one.
    let help = (code.ends_with('?') || code.starts_with('?')) && !code.contains('#');
    // Ex) `files = !ls`, `timing = %timeit -o f()`.
    let assigned = code
        .split_once('=')
        .is_some_and(|(_, value)| matches!(value.trim_start().chars().next(), Some('!' | '%')));
    help || assigned
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTEBOOK: &str = r##"{
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n"]},
  {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
   "source": ["%matplotlib inline\n", "import numpy as np\n", "!pip list\n", "x = np.ones(3)"]},
  {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 2,
   "source": "%%timeit\nnp.sum(x)\n"},
  {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 3,
   "source": ["def f(y):\n", "    return y * 2\n", "np.sum?"]}
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}"##;

    #[test]
    fn code_cells_join_in_order_without_ipython_syntax() {
        let notebook = Notebook::parse(NOTEBOOK).unwrap();
        assert_eq!(
            notebook.source,
            "\nimport numpy as np\n\nx = np.ones(3)\n\n\ndef f(y):\n    return y * 2\n\n"
        );
        // Line 7 of the module is `def f(y):`, line 1 of cell 4.
        assert_eq!(notebook.origins[6], (4, 1));
        assert_eq!(notebook.origins[3], (2, 4));
    }

    #[test]
    fn positions_move_into_their_cells() {
        let notebook = Notebook::parse(NOTEBOOK).unwrap();
        let mut report = jitlens_analyzer::analyze_without_strategies(&notebook.source);
        notebook.place(&mut report);
        let f = report.functions.iter().find(|f| f.name == "f").unwrap();
        assert_eq!((f.range.start.cell, f.range.start.line), (Some(4), 1));
        assert_eq!((f.range.end.cell, f.range.end.line), (Some(4), 2));
    }

    #[test]
    fn what_is_not_a_notebook_says_why() {
        assert!(Notebook::parse("{not json")
            .unwrap_err()
            .contains("not a notebook"));
        assert!(Notebook::parse(r#"{"nbformat": 3, "worksheets": []}"#)
            .unwrap_err()
            .contains("nbformat 3"));
        assert!(Notebook::parse(r#"{"nbformat": 4}"#)
            .unwrap_err()
            .contains("cells"));
        let bad_cell = r#"{"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}"#;
        assert!(Notebook::parse(bad_cell).unwrap_err().contains("cell 1"));
    }
}
