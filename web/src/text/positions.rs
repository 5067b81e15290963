//! Converting between byte offsets, UTF-16 offsets (what the browser's textarea counts) and the
//! analyzer's (line, UTF-16 column) positions.

/// Byte offset of the start of each line; the first is 0.
fn line_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0).chain(text.match_indices('\n').map(|(index, _)| index + 1))
}

/// The byte offset of 1-based `line`, 0-based `utf16_column`, clamped into the text.
pub(crate) fn byte_offset(text: &str, line: usize, utf16_column: usize) -> usize {
    let Some(start) = line_starts(text).nth(line.saturating_sub(1)) else {
        return text.len();
    };
    let mut units = 0;
    for (index, ch) in text[start..].char_indices() {
        if units >= utf16_column || ch == '\n' {
            return start + index;
        }
        units += ch.len_utf16();
    }
    text.len()
}

/// The UTF-16 offset of byte offset `byte` (clamped to a character boundary at or before it).
pub(crate) fn utf16_of_byte(text: &str, byte: usize) -> usize {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    text[..byte].encode_utf16().count()
}

/// The byte offset of UTF-16 offset `units` (clamped).
pub(crate) fn byte_of_utf16(text: &str, units: usize) -> usize {
    let mut seen = 0;
    for (index, ch) in text.char_indices() {
        if seen >= units {
            return index;
        }
        seen += ch.len_utf16();
    }
    text.len()
}

/// The 1-based line and 0-based code-point column of byte offset `byte`.
pub(crate) fn line_column(text: &str, byte: usize) -> (usize, usize) {
    let byte = byte_of_utf16(text, utf16_of_byte(text, byte));
    let before = &text[..byte];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    (line, before[line_start..].chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_utf16_columns_past_wide_characters() {
        let text = "a = 1\nb = '🚀' + c\n";
        let c = byte_offset(text, 2, 11);
        assert_eq!(&text[c..c + 1], "c");
        assert_eq!(utf16_of_byte(text, c), 6 + 11);
        assert_eq!(byte_of_utf16(text, 6 + 11), c);
        assert_eq!(line_column(text, c), (2, 10));
    }

    #[test]
    fn clamps_positions_outside_the_text() {
        let text = "ab\ncd";
        assert_eq!(byte_offset(text, 1, 99), 2);
        assert_eq!(byte_offset(text, 9, 0), text.len());
        assert_eq!(byte_of_utf16(text, 99), text.len());
        assert_eq!(utf16_of_byte("é", 1), 0);
    }
}
