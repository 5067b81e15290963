//! Pure text work for the page, tested natively: highlighting, positions, indentation, diffs,
//! the analysis time.

pub(crate) mod diff;
pub(crate) mod highlight;
pub(crate) mod indent;
pub(crate) mod positions;
pub(crate) mod timing;

/// `text` with `&`, `<` and `>` escaped, for building HTML by hand.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(ch),
        }
    }
}
