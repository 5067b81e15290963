//! Where each notebook cell's `"source"` value lies in the raw text of an `.ipynb` file, and that
//! value written back in nbformat's own JSON style.
//!
//! `fix --write` on a notebook replaces these spans and nothing else, so outputs, metadata and
//! the file's formatting stay byte for byte. The scanner reads just enough JSON to find the spans
//! (strings are decoded only for keys and `cell_type`); the file was already parsed in full by
//! `check::notebook`, which decides whether it is a notebook at all.

use std::ops::Range;

/// One cell of the `cells` list: its type and the byte span of its `"source"` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CellSpan {
    /// `code`, `markdown`, `raw`; `None` when the cell has no `cell_type` string.
    pub(crate) cell_type: Option<String>,
    /// The bytes of the `"source"` value (a string or a list of strings), if the cell has one.
    pub(crate) source: Option<Range<usize>>,
}

/// The cells of a notebook's top-level `cells` list, in order; the error says where the text
/// stops being JSON.
pub(crate) fn cell_spans(text: &str) -> Result<Vec<CellSpan>, String> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
    };
    let mut cells = Vec::new();
    scanner.skip_whitespace();
    scanner.object(|scanner, key| {
        if key != "cells" {
            return scanner.skip_value().map(drop);
        }
        scanner
            .array(|scanner| {
                let mut cell = CellSpan {
                    cell_type: None,
                    source: None,
                };
                scanner.object(|scanner, key| match key.as_str() {
                    "source" => {
                        cell.source = Some(scanner.skip_value()?);
                        Ok(())
                    }
                    "cell_type" if scanner.peek() == Some(b'"') => {
                        cell.cell_type = Some(scanner.string()?);
                        Ok(())
                    }
                    _ => scanner.skip_value().map(drop),
                })?;
                cells.push(cell);
                Ok(())
            })
            .map(drop)
    })?;
    Ok(cells)
}

/// `source` as the JSON value that replaces `old` (the value's previous text, at `start` in
/// `text`): a list of lines when `old` is a list, one string otherwise. A list is laid out as
/// `old` was (one line per element, or all on one line); an empty one as nbformat indents.
pub(crate) fn source_value(source: &str, old: &str, text: &str, start: usize) -> String {
    if !old.starts_with('[') {
        return quote(source);
    }
    let lines = split_lines(source);
    if lines.is_empty() {
        return "[]".to_owned();
    }
    let inner = &old[1..old.len() - 1];
    let (open, separator, close) = if inner.trim().is_empty() {
        // Ex) `"source": []` becoming code: nbformat's `indent=1`, one level deeper than the line.
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let indent = text[line_start..]
            .bytes()
            .take_while(|&b| b == b' ')
            .count();
        let open = format!("\n{}", " ".repeat(indent + 1));
        (
            open.clone(),
            format!(",{open}"),
            format!("\n{}", " ".repeat(indent)),
        )
    } else {
        let open_len = inner.len() - inner.trim_start().len();
        let close_len = inner.len() - inner.trim_end().len();
        let open = inner[..open_len].to_owned();
        let close = inner[inner.len() - close_len..].to_owned();
        // The whitespace after the first element's comma; a one-element list repeats `open`.
        let separator = match first_separator(inner) {
            Some(separator) => separator,
            None if open.contains('\n') => format!(",{open}"),
            None => ", ".to_owned(),
        };
        (open, separator, close)
    };
    let items: Vec<String> = lines.iter().map(|line| quote(line)).collect();
    format!("[{open}{}{close}]", items.join(&separator))
}

/// `text` split as nbformat splits a cell (Python's `str.splitlines(keepends=True)`): every line
/// keeps its ending; the last may have none.
pub(crate) fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = match c {
            '\r' => match chars.peek() {
                Some(&(_, '\n')) => {
                    chars.next();
                    i + 2
                }
                _ => i + 1,
            },
            '\n' | '\u{b}' | '\u{c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}'
            | '\u{2029}' => i + c.len_utf8(),
            _ => continue,
        };
        lines.push(&text[start..end]);
        start = end;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// A JSON string as Python's `json.dumps(..., ensure_ascii=False)` writes it: quotes,
/// backslashes and control characters escaped, everything else (non-ASCII included) as it is.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The separator after the first element of a list of strings (`inner`: between the brackets):
/// the comma and the whitespace up to the next element.
fn first_separator(inner: &str) -> Option<String> {
    let mut scanner = Scanner {
        bytes: inner.as_bytes(),
        pos: 0,
    };
    scanner.skip_whitespace();
    scanner.skip_value().ok()?;
    let start = scanner.pos;
    scanner.skip_whitespace();
    if scanner.peek() != Some(b',') {
        return None;
    }
    scanner.pos += 1;
    scanner.skip_whitespace();
    inner.get(start..scanner.pos).map(str::to_owned)
}

/// A cursor over JSON text.
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn error(&self, what: &str) -> String {
        format!("not a notebook: {what} at byte {}", self.pos)
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        self.skip_whitespace();
        if self.peek() != Some(byte) {
            return Err(self.error(&format!("expected `{}`", char::from(byte))));
        }
        self.pos += 1;
        Ok(())
    }

    /// An object; `member` reads each value, the scanner standing at it, with its key.
    fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, String) -> Result<(), String>,
    ) -> Result<(), String> {
        self.expect(b'{')?;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_whitespace();
            let key = self.string()?;
            self.expect(b':')?;
            self.skip_whitespace();
            member(self, key)?;
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    /// An array; `element` reads each element, the scanner standing at it.
    fn array(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Result<(), String>,
    ) -> Result<Range<usize>, String> {
        self.skip_whitespace();
        let start = self.pos;
        self.expect(b'[')?;
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(start..self.pos);
        }
        loop {
            self.skip_whitespace();
            element(self)?;
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(start..self.pos);
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    /// A string, decoded.
    fn string(&mut self) -> Result<String, String> {
        let span = self.skip_string()?;
        let raw = std::str::from_utf8(&self.bytes[span]).map_err(|_| self.error("not UTF-8"))?;
        serde_json::from_str(raw).map_err(|error| self.error(&error.to_string()))
    }

    /// Steps over a string; its span, quotes included.
    fn skip_string(&mut self) -> Result<Range<usize>, String> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string"));
        }
        self.pos += 1;
        // Ex) `"a\"b"`: the escaped quote is skipped with its backslash.
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(start..self.pos);
                }
                Some(b'\\') => self.pos += 2,
                Some(_) => self.pos += 1,
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    /// Steps over any value; its span.
    fn skip_value(&mut self) -> Result<Range<usize>, String> {
        self.skip_whitespace();
        let start = self.pos;
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'[') => self.array(|scanner| scanner.skip_value().map(drop)),
            Some(b'{') => {
                self.object(|scanner, _| scanner.skip_value().map(drop))?;
                Ok(start..self.pos)
            }
            Some(b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => {
                while matches!(
                    self.peek(),
                    Some(b'-' | b'+' | b'.' | b'0'..=b'9' | b'a'..=b'z' | b'E')
                ) {
                    self.pos += 1;
                }
                Ok(start..self.pos)
            }
            _ => Err(self.error("expected a value")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTEBOOK: &str = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {"tags": ["a]", "{b"]},
   "source": ["# \"Title\"\n", "ü"]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "outputs": [{"text": ["x\\\"\n"], "data": {"n": [1, -2.5e3, true, false, null]}}],
   "source": "x = 1\n"
  },
  {"cell_type": "code", "source": []}
 ],
 "nbformat": 4
}"##;

    #[test]
    fn finds_each_cells_source_span() {
        let cells = cell_spans(NOTEBOOK).unwrap();
        let types: Vec<Option<&str>> = cells.iter().map(|c| c.cell_type.as_deref()).collect();
        assert_eq!(types, [Some("markdown"), Some("code"), Some("code")]);
        let sources: Vec<&str> = cells
            .iter()
            .map(|c| &NOTEBOOK[c.source.clone().unwrap()])
            .collect();
        assert_eq!(
            sources,
            [r##"["# \"Title\"\n", "ü"]"##, r#""x = 1\n""#, "[]"]
        );
    }

    #[test]
    fn broken_json_says_where() {
        assert!(cell_spans(r#"{"cells": [{"source": "x"#)
            .unwrap_err()
            .contains("unterminated string"));
        assert!(cell_spans("[]").unwrap_err().contains("expected `{`"));
    }

    #[test]
    fn values_are_written_as_nbformat_writes_them() {
        // A list keeps the layout it had: one element per line at its indentation.
        let text = "{\n   \"source\": [\n    \"a\\n\",\n    \"b\"\n   ]\n}";
        let span = cell_spans_of_one(text);
        let value = source_value(
            "import numba\nx = \"ü\"\t\u{1}\n",
            &text[span.clone()],
            text,
            span.start,
        );
        assert_eq!(
            value,
            "[\n    \"import numba\\n\",\n    \"x = \\\"ü\\\"\\t\\u0001\\n\"\n   ]"
        );
        // One string stays one string; a compact list stays compact.
        assert_eq!(source_value("a\nb", "\"\"", "", 0), "\"a\\nb\"");
        assert_eq!(
            source_value("a\nb\nc", "[\"x\\n\", \"y\"]", "", 0),
            "[\"a\\n\", \"b\\n\", \"c\"]"
        );
        assert_eq!(source_value("", "[\"x\"]", "", 0), "[]");
        // An empty list becomes nbformat's indent=1 layout, one level below its line.
        let text = "{\n   \"source\": []\n}";
        let span = cell_spans_of_one(text);
        assert_eq!(
            source_value("a\nb", &text[span.clone()], text, span.start),
            "[\n    \"a\\n\",\n    \"b\"\n   ]"
        );
    }

    #[test]
    fn lines_split_as_python_splitlines() {
        assert_eq!(split_lines("a\nb\r\nc\rd"), ["a\n", "b\r\n", "c\r", "d"]);
        assert_eq!(split_lines("a\n"), ["a\n"]);
        assert!(split_lines("").is_empty());
    }

    fn cell_spans_of_one(text: &str) -> Range<usize> {
        let wrapped = format!("{{\"cells\": [{text}]}}");
        let offset = "{\"cells\": [".len();
        let span = cell_spans(&wrapped).unwrap()[0].source.clone().unwrap();
        span.start - offset..span.end - offset
    }
}
