//! Names and keywords, and the string prefixes (`r`, `b`, `f`, `u`, `rb`, `fr`, ...) that look
//! like the start of a name.

use rustpython_parser::lexer::LexResult;
use rustpython_parser::text_size::TextRange;
use rustpython_parser::{StringKind, Tok};
use unic_ucd_ident::{is_xid_continue, is_xid_start};

use super::Lexer;

/// Whether a name can start with `char` (`XID_Start` or `_`). ASCII is decided without the
/// Unicode tables, which is most of the speed-up over rustpython-parser's lexer.
pub(super) fn is_identifier_start(char: char) -> bool {
    if char.is_ascii() {
        char.is_ascii_alphabetic() || char == '_'
    } else {
        is_xid_start(char)
    }
}

/// Whether a name can go on with `char` (`XID_Continue`).
fn is_identifier_continuation(char: char) -> bool {
    if char.is_ascii() {
        char.is_ascii_alphanumeric() || char == '_'
    } else {
        is_xid_continue(char)
    }
}

impl Lexer<'_> {
    /// Lexes a name or keyword, or a prefixed string literal, at a character that can start a
    /// name.
    pub(super) fn lex_identifier(&mut self) -> LexResult {
        if let Some(kind) = self.string_prefix() {
            return self.lex_string(kind);
        }
        let start = self.cursor.pos();
        let start_offset = self.cursor.offset();
        self.cursor
            .skip_ascii_while(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
        while self.cursor.first().is_some_and(is_identifier_continuation) {
            self.cursor.bump();
            self.cursor
                .skip_ascii_while(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
        }
        let name = self.cursor.slice_from(start);
        let token = keyword(name).unwrap_or_else(|| Tok::Name {
            name: name.to_owned(),
        });
        Ok((token, TextRange::new(start_offset, self.cursor.offset())))
    }

    /// The kind of string literal when the cursor is at its prefix: one or two prefix letters
    /// right before a quote.
    fn string_prefix(&self) -> Option<StringKind> {
        let first = self.cursor.first()?;
        let second = self.cursor.second()?;
        if matches!(second, '"' | '\'') {
            return StringKind::try_from(first).ok();
        }
        if matches!(self.cursor.third(), Some('"' | '\'')) {
            return StringKind::try_from([first, second]).ok();
        }
        None
    }
}

/// The keyword token spelled `name`, if it is one (soft keywords included: the soft-keyword
/// pass turns them back into names where they are used as names).
fn keyword(name: &str) -> Option<Tok> {
    Some(match name {
        "False" => Tok::False,
        "None" => Tok::None,
        "True" => Tok::True,
        "and" => Tok::And,
        "as" => Tok::As,
        "assert" => Tok::Assert,
        "async" => Tok::Async,
        "await" => Tok::Await,
        "break" => Tok::Break,
        "case" => Tok::Case,
        "class" => Tok::Class,
        "continue" => Tok::Continue,
        "def" => Tok::Def,
        "del" => Tok::Del,
        "elif" => Tok::Elif,
        "else" => Tok::Else,
        "except" => Tok::Except,
        "finally" => Tok::Finally,
        "for" => Tok::For,
        "from" => Tok::From,
        "global" => Tok::Global,
        "if" => Tok::If,
        "import" => Tok::Import,
        "in" => Tok::In,
        "is" => Tok::Is,
        "lambda" => Tok::Lambda,
        "match" => Tok::Match,
        "nonlocal" => Tok::Nonlocal,
        "not" => Tok::Not,
        "or" => Tok::Or,
        "pass" => Tok::Pass,
        "raise" => Tok::Raise,
        "return" => Tok::Return,
        "try" => Tok::Try,
        "type" => Tok::Type,
        "while" => Tok::While,
        "with" => Tok::With,
        "yield" => Tok::Yield,
        _ => return None,
    })
}
