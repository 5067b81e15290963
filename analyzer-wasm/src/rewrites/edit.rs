//! Text edits in byte offsets: applying them, rendering a slice with edits inside it, line
//! helpers, and conversion to the report's positions.

use crate::line_index::LineIndex;
use crate::report::{Edit, Range};

/// Replace `start..end` (byte offsets into the original source) with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextEdit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) replacement: String,
}

impl TextEdit {
    pub(crate) fn insert(at: usize, text: impl Into<String>) -> Self {
        Self {
            start: at,
            end: at,
            replacement: text.into(),
        }
    }

    pub(crate) fn replace(start: usize, end: usize, text: impl Into<String>) -> Self {
        Self {
            start,
            end,
            replacement: text.into(),
        }
    }
}

/// Sorts `edits` (insertions at one offset keep their order) and checks that they lie inside
/// `source` on character boundaries without overlapping.
pub(crate) fn normalize(source: &str, edits: &mut [TextEdit]) -> bool {
    edits.sort_by_key(|edit| (edit.start, edit.end));
    let mut last_end = 0;
    for edit in edits.iter() {
        let inside = edit.start <= edit.end
            && edit.end <= source.len()
            && source.is_char_boundary(edit.start)
            && source.is_char_boundary(edit.end);
        if !inside || edit.start < last_end {
            return false;
        }
        last_end = edit.end;
    }
    true
}

/// The source after `edits`, which must be normalized.
pub(crate) fn apply(source: &str, edits: &[TextEdit]) -> String {
    render(source, 0, source.len(), edits)
}

/// The text of `start..end` with the edits that lie inside it applied (edits sorted, not
/// overlapping; those outside the span are ignored).
pub(crate) fn render(source: &str, start: usize, end: usize, edits: &[TextEdit]) -> String {
    let mut out = String::with_capacity(end.saturating_sub(start) + 64);
    let mut cursor = start;
    for edit in edits.iter().filter(|e| e.start >= start && e.end <= end) {
        if edit.start < cursor {
            continue;
        }
        out.push_str(source.get(cursor..edit.start).unwrap_or(""));
        out.push_str(&edit.replacement);
        cursor = edit.end;
    }
    out.push_str(source.get(cursor..end).unwrap_or(""));
    out
}

/// The edits as the report's ranges (positions in the original source).
pub(crate) fn to_report(edits: &[TextEdit], index: &LineIndex<'_>) -> Vec<Edit> {
    edits
        .iter()
        .map(|edit| Edit {
            range: Range {
                start: index.position(edit.start),
                end: index.position(edit.end),
            },
            replacement: edit.replacement.clone(),
        })
        .collect()
}

/// The offset where the line holding `offset` starts.
pub(crate) fn line_start(source: &str, offset: usize) -> usize {
    source
        .get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |newline| newline + 1)
}

/// The offset just after the line holding `offset` (after its newline, or the end of the text).
pub(crate) fn next_line_start(source: &str, offset: usize) -> usize {
    source
        .get(offset..)
        .and_then(|after| after.find('\n'))
        .map_or(source.len(), |newline| offset + newline + 1)
}

/// The whitespace that starts the line holding `offset`.
pub(crate) fn indent_at(source: &str, offset: usize) -> &str {
    let start = line_start(source, offset);
    let line = source.get(start..).unwrap_or("");
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    line.get(..width).unwrap_or("")
}

/// Removes `width` bytes of leading whitespace from each line of `text` (less where a line has
/// less).
pub(crate) fn dedent(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let leading = line.len() - line.trim_start_matches([' ', '\t']).len();
        out.push_str(line.get(leading.min(width)..).unwrap_or(""));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_overlaps_are_refused() {
        let source = "abcdef";
        let mut edits = vec![
            TextEdit::replace(3, 4, "X"),
            TextEdit::insert(0, "1"),
            TextEdit::insert(0, "2"),
        ];
        assert!(normalize(source, &mut edits));
        assert_eq!(apply(source, &edits), "12abcXef");
        let mut overlapping = vec![TextEdit::replace(1, 4, ""), TextEdit::replace(3, 5, "")];
        assert!(!normalize(source, &mut overlapping));
    }

    #[test]
    fn lines_and_indentation() {
        let source = "a\n    b = 1\nc";
        let b = source.find('b').unwrap();
        assert_eq!(line_start(source, b), 2);
        assert_eq!(next_line_start(source, b), 12);
        assert_eq!(indent_at(source, b), "    ");
        assert_eq!(dedent("    x\n      y\n", 4), "x\n  y\n");
    }
}
