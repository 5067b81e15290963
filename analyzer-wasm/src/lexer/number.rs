//! Number literals: integers in four radixes, floats, imaginary numbers, `_` separators.

use std::str::FromStr;

use num_traits::{Num, Zero};
use rustpython_parser::ast::bigint::BigInt;
use rustpython_parser::lexer::{LexResult, LexicalError, LexicalErrorType};
use rustpython_parser::text_size::{TextRange, TextSize};
use rustpython_parser::Tok;

use super::Lexer;

impl Lexer<'_> {
    /// Lexes a number starting at a digit, or at a `.` followed by one.
    pub(super) fn lex_number(&mut self) -> LexResult {
        let start = self.cursor.offset();
        let radix = match (self.cursor.first(), self.cursor.second()) {
            (Some('0'), Some('x' | 'X')) => 16,
            (Some('0'), Some('o' | 'O')) => 8,
            (Some('0'), Some('b' | 'B')) => 2,
            _ => return self.lex_decimal_number(),
        };
        self.cursor.skip_bytes(2);
        let digits = self.radix_run(radix);
        let value = BigInt::from_str_radix(&digits, radix).map_err(|error| {
            LexicalError::new(LexicalErrorType::OtherError(format!("{error:?}")), start)
        })?;
        Ok((
            Tok::Int { value },
            TextRange::new(start, self.cursor.offset()),
        ))
    }

    /// A decimal integer, a float or an imaginary number.
    fn lex_decimal_number(&mut self) -> LexResult {
        let start = self.cursor.offset();
        let starts_with_zero = self.cursor.first() == Some('0');
        let mut text = self.radix_run(10);
        if self.cursor.first() == Some('.') || self.at_exponent() {
            if self.cursor.first() == Some('.') {
                self.refuse_underscore_after_marker()?;
                self.cursor.skip_bytes(1);
                text.push('.');
                text.push_str(&self.radix_run(10));
            }
            if let Some(marker @ ('e' | 'E')) = self.cursor.first() {
                self.refuse_underscore_after_marker()?;
                self.cursor.skip_bytes(1);
                text.push(marker.to_ascii_lowercase());
                if let Some(sign @ ('-' | '+')) = self.cursor.first() {
                    self.refuse_underscore_after_marker()?;
                    self.cursor.skip_bytes(1);
                    text.push(sign);
                }
                text.push_str(&self.radix_run(10));
            }
            let value = f64::from_str(&text).map_err(|_| {
                LexicalError::new(
                    LexicalErrorType::OtherError("Invalid decimal literal".to_owned()),
                    self.cursor.offset(),
                )
            })?;
            return Ok(self.finish_float(start, value));
        }
        if matches!(self.cursor.first(), Some('j' | 'J')) {
            // Digits only, so this always parses; an empty run cannot reach here.
            let imag = f64::from_str(&text).unwrap_or_default();
            self.cursor.skip_bytes(1);
            let range = TextRange::new(start, self.cursor.offset());
            return Ok((Tok::Complex { real: 0.0, imag }, range));
        }
        let value = text.parse::<BigInt>().unwrap_or_default();
        if starts_with_zero && !value.is_zero() {
            // Leading zeros in decimal integer literals are not permitted.
            return Err(LexicalError::new(
                LexicalErrorType::OtherError("Invalid Token".to_owned()),
                self.cursor.offset(),
            ));
        }
        Ok((
            Tok::Int { value },
            TextRange::new(start, self.cursor.offset()),
        ))
    }

    /// A float, or an imaginary number when a `j` follows.
    fn finish_float(&mut self, start: TextSize, value: f64) -> (Tok, TextRange) {
        if matches!(self.cursor.first(), Some('j' | 'J')) {
            self.cursor.skip_bytes(1);
            let range = TextRange::new(start, self.cursor.offset());
            return (
                Tok::Complex {
                    real: 0.0,
                    imag: value,
                },
                range,
            );
        }
        (
            Tok::Float { value },
            TextRange::new(start, self.cursor.offset()),
        )
    }

    /// `1._5`, `1e_5` and `1e+_5` are errors at the marker.
    fn refuse_underscore_after_marker(&self) -> Result<(), LexicalError> {
        if self.cursor.second() == Some('_') {
            return Err(LexicalError::new(
                LexicalErrorType::OtherError("Invalid Syntax".to_owned()),
                self.cursor.offset(),
            ));
        }
        Ok(())
    }

    /// Digits of `radix`, with single `_` between digits dropped.
    fn radix_run(&mut self, radix: u32) -> String {
        let mut digits = String::new();
        loop {
            match self.cursor.first() {
                Some(digit) if digit.is_digit(radix) => {
                    digits.push(digit);
                    self.cursor.skip_bytes(1);
                }
                Some('_')
                    if self
                        .cursor
                        .second()
                        .is_some_and(|next| next.is_digit(radix)) =>
                {
                    self.cursor.skip_bytes(1);
                }
                _ => return digits,
            }
        }
    }

    /// At `e` or `E` followed by digits, with an optional sign.
    fn at_exponent(&self) -> bool {
        match (self.cursor.first(), self.cursor.second()) {
            (Some('e' | 'E'), Some('+' | '-')) => {
                matches!(self.cursor.third(), Some('0'..='9'))
            }
            (Some('e' | 'E'), Some('0'..='9')) => true,
            _ => false,
        }
    }
}
