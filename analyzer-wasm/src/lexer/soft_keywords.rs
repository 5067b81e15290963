//! Soft keywords: `match`, `case` and `type` are keywords only where a statement starts with
//! them and the rest of the line reads as that statement; anywhere else they are names.
//!
//! The rules are rustpython-parser's (its `soft_keywords.rs`). The look-ahead runs on a clone of
//! the lexer, which costs nothing on the lines that do not start with a soft keyword.

use rustpython_parser::lexer::LexResult;
use rustpython_parser::Tok;

use super::Lexer;

/// The token stream of a module, soft keywords resolved.
#[derive(Debug)]
pub struct Tokens<'src> {
    lexer: Lexer<'src>,
    /// Whether the next token starts a logical line.
    start_of_line: bool,
}

impl<'src> Tokens<'src> {
    pub(super) fn new(lexer: Lexer<'src>) -> Self {
        Self {
            lexer,
            start_of_line: true,
        }
    }

    /// Whether `match` or `case` here starts a statement: the line has a colon outside
    /// brackets (and outside a lambda), and not right after the keyword.
    fn starts_match_statement(&self) -> bool {
        let mut ahead = self.lexer.clone();
        let mut nesting = 0_i32;
        let mut first = true;
        let mut seen_colon = false;
        let mut seen_lambda = false;
        while let Some(Ok((token, _))) = ahead.next() {
            match token {
                Tok::Newline => break,
                Tok::Lambda if nesting == 0 => seen_lambda = true,
                Tok::Colon if nesting == 0 => {
                    if seen_lambda {
                        seen_lambda = false;
                    } else if !first {
                        seen_colon = true;
                    }
                }
                Tok::Lpar | Tok::Lsqb | Tok::Lbrace => nesting += 1,
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => nesting -= 1,
                _ => {}
            }
            first = false;
        }
        seen_colon
    }

    /// Whether `type` here starts a type alias: a name follows, then (after optional type
    /// parameters in brackets) an `=`.
    fn starts_type_alias(&self) -> bool {
        let mut ahead = self.lexer.clone();
        let Some(Ok((Tok::Name { .. } | Tok::Type | Tok::Match | Tok::Case, _))) = ahead.next()
        else {
            return false;
        };
        let mut nesting = 0_i32;
        while let Some(Ok((token, _))) = ahead.next() {
            match token {
                Tok::Newline => return false,
                Tok::Equal if nesting == 0 => return true,
                Tok::Lsqb => nesting += 1,
                Tok::Rsqb => nesting -= 1,
                _ if nesting > 0 => {}
                _ => return false,
            }
        }
        false
    }
}

impl Iterator for Tokens<'_> {
    type Item = LexResult;

    fn next(&mut self) -> Option<LexResult> {
        let mut next = self.lexer.next();
        if let Some(Ok((token, range))) = &next {
            let keyword_here = match token {
                Tok::Match | Tok::Case => self.start_of_line && self.starts_match_statement(),
                Tok::Type => self.start_of_line && self.starts_type_alias(),
                _ => true,
            };
            if !keyword_here {
                next = Some(Ok((soft_keyword_as_name(token), *range)));
            }
        }
        self.start_of_line = matches!(
            next,
            Some(Ok((
                Tok::StartModule | Tok::StartInteractive | Tok::Newline | Tok::Indent | Tok::Dedent,
                _
            )))
        );
        next
    }
}

fn soft_keyword_as_name(token: &Tok) -> Tok {
    let name = match token {
        Tok::Match => "match",
        Tok::Case => "case",
        _ => "type",
    };
    Tok::Name {
        name: name.to_owned(),
    }
}
