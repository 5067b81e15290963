//! A position in the source with up to three characters of look-ahead.

use rustpython_parser::text_size::TextSize;

/// Where the lexer is in the source: a byte offset, which is also the token offset the parser
/// sees (rustpython-parser counts offsets in UTF-8 bytes).
#[derive(Clone, Debug)]
pub(super) struct Cursor<'src> {
    source: &'src str,
    pos: usize,
}

impl<'src> Cursor<'src> {
    /// A cursor at the start of `source`, past a UTF-8 byte order mark (Python ignores it).
    pub(super) fn new(source: &'src str) -> Self {
        let pos = if source.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        Self { source, pos }
    }

    /// The current byte offset.
    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    /// The current offset as the parser counts it.
    pub(super) fn offset(&self) -> TextSize {
        text_size(self.pos)
    }

    /// The source from `start` to the current position.
    pub(super) fn slice_from(&self, start: usize) -> &'src str {
        self.source.get(start..self.pos).unwrap_or_default()
    }

    /// The bytes not read yet.
    pub(super) fn rest_bytes(&self) -> &'src [u8] {
        self.source.as_bytes().get(self.pos..).unwrap_or_default()
    }

    /// The next character, not consumed.
    pub(super) fn first(&self) -> Option<char> {
        match self.rest_bytes().first() {
            Some(&byte) if byte.is_ascii() => Some(char::from(byte)),
            Some(_) => self.rest().chars().next(),
            None => None,
        }
    }

    /// The character after [`Cursor::first`], raw (a `\r\n` counts as two).
    pub(super) fn second(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    /// The character after [`Cursor::second`], raw.
    pub(super) fn third(&self) -> Option<char> {
        self.rest().chars().nth(2)
    }

    /// Consumes one character; `\r\n` and a lone `\r` come back as one `\n`.
    pub(super) fn bump(&mut self) -> Option<char> {
        let char = self.first()?;
        self.pos += char.len_utf8();
        if char == '\r' {
            if self.rest_bytes().first() == Some(&b'\n') {
                self.pos += 1;
            }
            return Some('\n');
        }
        Some(char)
    }

    /// Consumes `n_bytes` bytes that the caller has checked are whole characters.
    pub(super) fn skip_bytes(&mut self, n_bytes: usize) {
        self.pos = (self.pos + n_bytes).min(self.source.len());
    }

    /// Consumes bytes while `keep` holds for them. `keep` must stop only at an ASCII byte (or
    /// never hold for a non-ASCII one), so that the cursor stays on a character boundary.
    pub(super) fn skip_ascii_while(&mut self, keep: impl Fn(u8) -> bool) {
        let n_bytes = self
            .rest_bytes()
            .iter()
            .position(|&byte| !keep(byte))
            .unwrap_or(self.rest_bytes().len());
        self.pos += n_bytes;
    }

    fn rest(&self) -> &'src str {
        self.source.get(self.pos..).unwrap_or_default()
    }
}

/// A byte offset as the parser's offset type; sources are far below 4 GiB (the analyzer caps
/// them at a few MiB).
pub(super) fn text_size(offset: usize) -> TextSize {
    TextSize::new(u32::try_from(offset).unwrap_or(u32::MAX))
}
