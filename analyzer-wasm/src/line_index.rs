//! Byte offsets to line and column, in code points and in UTF-16 units.

use crate::report::Position;

/// Maps byte offsets of one source text to [`Position`]s.
///
/// Columns are given twice: in Unicode code points (what terminals and CPython users count) and
/// in UTF-16 code units (what browser editors count).
#[derive(Debug)]
pub struct LineIndex<'src> {
    source: &'src str,
    // Invariant: starts with 0 and is strictly increasing; one entry per line.
    line_starts: Vec<usize>,
}

impl<'src> LineIndex<'src> {
    /// Indexes the line starts of `source`.
    pub fn new(source: &'src str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            source
                .bytes()
                .enumerate()
                .filter(|&(_, byte)| byte == b'\n')
                .map(|(offset, _)| offset + 1),
        );
        Self {
            source,
            line_starts,
        }
    }

    /// The position of a byte offset; offsets past the end or inside a character are clamped.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_idx = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_text = &self.source[self.line_starts[line_idx]..offset];
        Position {
            line: line_idx + 1,
            column: line_text.chars().count(),
            utf16_column: line_text.encode_utf16().count(),
            cell: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_code_points_and_utf16_units() {
        let source = "a = 1\nb = \"é𝄞\" + x\n";
        let index = LineIndex::new(source);
        let offset = source.find('x').unwrap();
        let position = index.position(offset);
        assert_eq!(position.line, 2);
        assert_eq!(position.column, 11);
        assert_eq!(position.utf16_column, 12);
    }

    #[test]
    fn clamps_offsets_out_of_range_or_inside_a_character() {
        let source = "é";
        let index = LineIndex::new(source);
        assert_eq!(index.position(1).column, 0);
        assert_eq!(index.position(99).column, 1);
    }
}
