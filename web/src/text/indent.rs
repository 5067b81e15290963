//! The editor's indentation commands as pure edits: Tab, Shift-Tab and Enter.
//!
//! Offsets in and out are UTF-16 units, as the textarea counts them. The page applies an [`Edit`]
//! by selecting `start..end` and inserting `text` with the browser's own editing command, so the
//! browser's undo history keeps working.

use super::positions::{byte_of_utf16, utf16_of_byte};

/// One indentation step.
pub(crate) const INDENT: &str = "    ";

/// Replace `start..end` with `text`, then select `select_start..select_end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edit {
    /// First replaced UTF-16 unit.
    pub(crate) start: usize,
    /// First UTF-16 unit after the replaced text.
    pub(crate) end: usize,
    /// The new text.
    pub(crate) text: String,
    /// Selection start afterwards.
    pub(crate) select_start: usize,
    /// Selection end afterwards.
    pub(crate) select_end: usize,
}

/// Tab: spaces to the next indentation stop, or every selected line indented when the selection
/// spans lines.
pub(crate) fn indent(text: &str, start: usize, end: usize) -> Edit {
    let (start_byte, end_byte) = (byte_of_utf16(text, start), byte_of_utf16(text, end));
    if !text[start_byte..end_byte].contains('\n') {
        let line_start = text[..start_byte].rfind('\n').map_or(0, |at| at + 1);
        let column = text[line_start..start_byte].chars().count();
        let spaces = " ".repeat(INDENT.len() - column % INDENT.len());
        let caret = start + spaces.len();
        return Edit {
            start,
            end,
            text: spaces,
            select_start: caret,
            select_end: caret,
        };
    }
    rewrite_lines(text, start_byte, end_byte, |line| {
        if line.is_empty() {
            line.to_owned()
        } else {
            format!("{INDENT}{line}")
        }
    })
}

/// Shift-Tab: up to one indentation step (or one tab) removed from every touched line.
pub(crate) fn dedent(text: &str, start: usize, end: usize) -> Edit {
    let (start_byte, end_byte) = (byte_of_utf16(text, start), byte_of_utf16(text, end));
    rewrite_lines(text, start_byte, end_byte, |line| {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let cut = if line.starts_with('\t') {
            1
        } else {
            spaces.min(INDENT.len())
        };
        line[cut..].to_owned()
    })
}

/// Enter: a new line indented like the current one, one step deeper after a colon.
pub(crate) fn newline(text: &str, start: usize, end: usize) -> Edit {
    let start_byte = byte_of_utf16(text, start);
    let line_start = text[..start_byte].rfind('\n').map_or(0, |at| at + 1);
    let before = &text[line_start..start_byte];
    let indentation: String = before
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let deeper = if before.trim_end().ends_with(':') {
        INDENT
    } else {
        ""
    };
    let inserted = format!("\n{indentation}{deeper}");
    let caret = start + inserted.encode_utf16().count();
    Edit {
        start,
        end,
        text: inserted,
        select_start: caret,
        select_end: caret,
    }
}

/// Applies `change` to each whole line touched by `start_byte..end_byte` and selects the result.
fn rewrite_lines(
    text: &str,
    start_byte: usize,
    end_byte: usize,
    change: impl Fn(&str) -> String,
) -> Edit {
    let block_start = text[..start_byte].rfind('\n').map_or(0, |at| at + 1);
    // A selection that ends at the very start of a line does not touch that line.
    let last = if end_byte > start_byte && text[..end_byte].ends_with('\n') {
        end_byte - 1
    } else {
        end_byte
    };
    let block_end = text[last..].find('\n').map_or(text.len(), |at| last + at);
    let block = &text[block_start..block_end];
    let replaced: Vec<String> = block.split('\n').map(&change).collect();
    let new_block = replaced.join("\n");
    let start = utf16_of_byte(text, block_start);
    Edit {
        start,
        end: utf16_of_byte(text, block_end),
        select_start: start,
        select_end: start + new_block.encode_utf16().count(),
        text: new_block,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edit: &Edit) -> String {
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut out = String::from_utf16_lossy(&units[..edit.start]);
        out.push_str(&edit.text);
        out.push_str(&String::from_utf16_lossy(&units[edit.end..]));
        out
    }

    #[test]
    fn tab_without_selection_goes_to_the_next_stop() {
        let text = "ab";
        let edit = indent(text, 2, 2);
        assert_eq!(apply(text, &edit), "ab  ");
        assert_eq!((edit.select_start, edit.select_end), (4, 4));
    }

    #[test]
    fn tab_and_shift_tab_on_a_multiline_selection_round_trip() {
        let text = "def f():\nx = 1\n\ny = 2\nz";
        // From inside line 2 to the start of line 5: lines 2 to 4 are touched.
        let edit = indent(text, 10, 22);
        let indented = apply(text, &edit);
        assert_eq!(indented, "def f():\n    x = 1\n\n    y = 2\nz");
        assert_eq!((edit.select_start, edit.select_end), (9, 29));
        let back = dedent(&indented, edit.select_start, edit.select_end);
        assert_eq!(apply(&indented, &back), text);
    }

    #[test]
    fn shift_tab_removes_at_most_one_step_or_one_tab() {
        let text = "      a\n\tb\nc";
        let edit = dedent(text, 0, text.encode_utf16().count());
        assert_eq!(apply(text, &edit), "  a\nb\nc");
    }

    #[test]
    fn enter_keeps_the_indentation_and_deepens_after_a_colon() {
        let text = "    for i in x:";
        let edit = newline(text, 15, 15);
        assert_eq!(edit.text, "\n        ");
        assert_eq!(newline("    y = 1", 9, 9).text, "\n    ");
    }

    #[test]
    fn offsets_count_utf16_units() {
        let text = "🚀 = 1\nb";
        let edit = indent(text, 0, text.encode_utf16().count());
        assert_eq!(apply(text, &edit), "    🚀 = 1\n    b");
        assert_eq!(edit.select_end, text.encode_utf16().count() + 8);
    }
}
