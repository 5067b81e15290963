//! String literals, found with a byte scan: the lexer only finds where a literal ends and keeps
//! its text (newlines normalised); the parser decodes escapes and f-strings.

use rustpython_parser::lexer::{LexResult, LexicalError, LexicalErrorType};
use rustpython_parser::text_size::TextRange;
use rustpython_parser::{StringKind, Tok};

use super::cursor::text_size;
use super::Lexer;

impl Lexer<'_> {
    /// Lexes a string literal at its prefix (if any) or opening quote.
    pub(super) fn lex_string(&mut self, kind: StringKind) -> LexResult {
        let start = self.cursor.offset();
        let prefix_len = usize::from(kind.prefix_len());
        self.cursor.skip_bytes(prefix_len);
        let quote = self.cursor.rest_bytes().first().copied().unwrap_or(b'"');
        self.cursor.skip_bytes(1);
        let rest = self.cursor.rest_bytes();
        let triple_quoted = rest.starts_with(&[quote, quote]);
        if triple_quoted {
            self.cursor.skip_bytes(2);
        }
        let content_start = self.cursor.pos();
        let (content_len, closing_len) = self.scan_string_body(quote, triple_quoted)?;
        self.cursor.skip_bytes(content_len);
        let value = normalise_newlines(self.cursor.slice_from(content_start));
        self.cursor.skip_bytes(closing_len);
        let range = TextRange::new(start, self.cursor.offset());
        Ok((
            Tok::String {
                value,
                kind,
                triple_quoted,
            },
            range,
        ))
    }

    /// The length of the body up to the closing quote(s) and the length of those quotes, or
    /// the error where the literal breaks off: a newline in a single-quoted string, or the end
    /// of the source.
    ///
    /// Works on bytes: the bytes it looks for are ASCII, and no byte of a multi-byte UTF-8
    /// character is ASCII, so a character can never be mistaken for one of them.
    fn scan_string_body(
        &self,
        quote: u8,
        triple_quoted: bool,
    ) -> Result<(usize, usize), LexicalError> {
        let body = self.cursor.rest_bytes();
        let error_at = |body_offset: usize, error: LexicalErrorType| {
            LexicalError::new(error, text_size(self.cursor.pos() + body_offset))
        };
        let mut idx = 0;
        while let Some(&byte) = body.get(idx) {
            match byte {
                // An escaped character is kept as it is, whatever it is; `\` then `\r\n`
                // counts as one escaped newline.
                b'\\' => {
                    idx += match body.get(idx + 1..idx + 3) {
                        Some(b"\r\n") => 3,
                        _ => 2,
                    };
                }
                b'\n' | b'\r' if !triple_quoted => {
                    let newline_len = if body.get(idx..idx + 2) == Some(b"\r\n") {
                        2
                    } else {
                        1
                    };
                    return Err(error_at(
                        idx + newline_len,
                        LexicalErrorType::OtherError(
                            "EOL while scanning string literal".to_owned(),
                        ),
                    ));
                }
                _ if byte == quote && !triple_quoted => return Ok((idx, 1)),
                _ if byte == quote && body.get(idx + 1..idx + 3) == Some(&[quote, quote]) => {
                    return Ok((idx, 3));
                }
                _ => idx += 1,
            }
        }
        let error = if triple_quoted {
            LexicalErrorType::Eof
        } else {
            LexicalErrorType::StringError
        };
        Err(error_at(body.len(), error))
    }
}

/// The literal's text with `\r\n` and lone `\r` turned into `\n`, as Python reads source lines.
fn normalise_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}
