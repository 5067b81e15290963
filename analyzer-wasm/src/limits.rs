//! Refuses sources whose nesting would exhaust the stack of the recursive parser, model and
//! AST drop (the browser's WebAssembly stack is 1 MB). CPython refuses most of these itself:
//! more than 200 nested brackets ("too many nested parentheses") or 100 levels of indentation.

/// At most this many nested brackets.
pub(crate) const MAX_BRACKET_DEPTH: usize = 100;
/// At most this many levels of indentation.
pub(crate) const MAX_INDENT_DEPTH: usize = 100;
/// At most this many operators in one expression, counted between commas and statement ends (a
/// chain `a + b + ...` nests that deep).
pub(crate) const MAX_OPERATORS_PER_LINE: usize = 1000;

/// Why a source is refused, and the byte offset where the limit was crossed.
pub(crate) fn check(source: &str) -> Option<(String, usize)> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut operators = 0usize;
    let mut indents: Vec<usize> = vec![0];
    let mut at_line_start = true;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if at_line_start && depth == 0 {
            let width = bytes[index..]
                .iter()
                .take_while(|b| **b == b' ' || **b == b'\t')
                .count();
            let rest = bytes.get(index + width).copied();
            if !matches!(rest, Some(b'\n' | b'\r' | b'#') | None) {
                while indents.last().is_some_and(|top| width < *top) {
                    indents.pop();
                }
                if indents.last().is_none_or(|top| width > *top) {
                    indents.push(width);
                }
                if indents.len() > MAX_INDENT_DEPTH {
                    return Some((format!("source is too deeply indented to analyze (the limit is {MAX_INDENT_DEPTH} levels)"), index));
                }
            }
            at_line_start = false;
            index += width;
            continue;
        }
        match byte {
            b'#' => {
                while index < bytes.len() && bytes[index] != b'\n' {
                    index += 1;
                }
                continue;
            }
            b'\'' | b'"' => {
                index = skip_string(bytes, index);
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    return Some((format!("source is too deeply nested to analyze (the limit is {MAX_BRACKET_DEPTH} brackets)"), index));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^' | b'@' | b'<' | b'>' => {
                operators += 1;
                if operators > MAX_OPERATORS_PER_LINE {
                    return Some((format!("an expression is too long to analyze (the limit is {MAX_OPERATORS_PER_LINE} operators)"), index));
                }
            }
            b'\n' if depth == 0 => {
                operators = 0;
                at_line_start = true;
            }
            // A comma or semicolon starts a new expression: `[-1, -1, ...]` does not nest.
            b',' | b';' => operators = 0,
            _ => (),
        }
        index += 1;
    }
    None
}

/// The index just after the string literal starting at `start` (quotes only; prefixes are
/// ordinary letters before it).
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let triple = bytes.get(start..start + 3) == Some(&[quote, quote, quote][..]);
    let mut index = start + if triple { 3 } else { 1 };
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 2,
            b'\n' if !triple => return index,
            b if b == quote => {
                if !triple {
                    return index + 1;
                }
                if bytes.get(index..index + 3) == Some(&[quote, quote, quote][..]) {
                    return index + 3;
                }
                index += 1;
            }
            _ => index += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_code_passes() {
        let source = "def f(x):\n    s = '(((('  # ((((\n    return (x + 1) * [2][0]\n";
        assert_eq!(check(source), None);
    }

    #[test]
    fn refuses_deep_brackets_indentation_and_long_chains() {
        assert!(check(&format!("x = {}1{}", "(".repeat(101), ")".repeat(101))).is_some());
        assert!(check(&format!("x = {}1{}", "(".repeat(100), ")".repeat(100))).is_none());
        let deep: String = (0..101)
            .map(|d| format!("{}if x:\n", " ".repeat(d)))
            .collect::<String>()
            + &" ".repeat(101)
            + "pass\n";
        assert!(check(&deep).unwrap().0.contains("indented"));
        assert!(check(&format!("x = 1{}", " + 1".repeat(1001))).is_some());
        assert!(check(&format!("x = [{}]", "-1, ".repeat(5000))).is_none());
        assert!(check(&format!(
            "x = 1{}\ny = 1{}",
            " + 1".repeat(900),
            " + 1".repeat(900)
        ))
        .is_none());
    }
}
