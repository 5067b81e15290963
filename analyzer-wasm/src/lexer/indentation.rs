//! Indentation: the stack of open levels and the `Indent`/`Dedent` tokens at line starts.

use std::cmp::Ordering;

use rustpython_parser::lexer::{LexicalError, LexicalErrorType};
use rustpython_parser::text_size::{TextRange, TextSize};
use rustpython_parser::Tok;

use super::Lexer;

/// The white space before a line's first token, counted as rustpython-parser does: tabs and
/// spaces apart, so that mixing them is an error rather than a guess at the tab width.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub(super) struct IndentationLevel {
    tabs: u32,
    spaces: u32,
}

impl IndentationLevel {
    /// Orders two levels, or fails when tabs and spaces disagree about which is deeper.
    fn compare_strict(
        self,
        other: IndentationLevel,
        location: TextSize,
    ) -> Result<Ordering, LexicalError> {
        let tab_error = || LexicalError::new(LexicalErrorType::TabError, location);
        match self.tabs.cmp(&other.tabs) {
            Ordering::Less if self.spaces <= other.spaces => Ok(Ordering::Less),
            Ordering::Greater if self.spaces >= other.spaces => Ok(Ordering::Greater),
            Ordering::Less | Ordering::Greater => Err(tab_error()),
            Ordering::Equal => Ok(self.spaces.cmp(&other.spaces)),
        }
    }
}

/// The open indentation levels; the outermost (no indentation) is never popped.
#[derive(Clone, Debug)]
pub(super) struct Indentations {
    stack: Vec<IndentationLevel>,
}

impl Default for Indentations {
    fn default() -> Self {
        Self {
            stack: vec![IndentationLevel::default()],
        }
    }
}

impl Indentations {
    /// Whether only the outermost level is open.
    pub(super) fn is_empty(&self) -> bool {
        self.stack.len() == 1
    }

    /// Closes the innermost level, unless it is the outermost.
    pub(super) fn pop(&mut self) -> Option<IndentationLevel> {
        if self.is_empty() {
            return None;
        }
        self.stack.pop()
    }

    fn current(&self) -> IndentationLevel {
        self.stack.last().copied().unwrap_or_default()
    }
}

impl Lexer<'_> {
    /// At a line start: reads the indentation (skipping blank and comment-only lines) and emits
    /// the `Indent` or `Dedent`s it implies. Inside brackets, indentation means nothing.
    pub(super) fn handle_indentations(&mut self) -> Result<(), LexicalError> {
        let level = self.eat_indentation()?;
        if self.nesting != 0 {
            return Ok(());
        }
        let offset = self.cursor.offset();
        match level.compare_strict(self.indentations.current(), offset)? {
            Ordering::Equal => {}
            Ordering::Greater => {
                self.indentations.stack.push(level);
                let start = offset - TextSize::new(level.spaces) - TextSize::new(level.tabs);
                self.emit(Tok::Indent, TextRange::new(start, offset));
            }
            Ordering::Less => loop {
                match level.compare_strict(self.indentations.current(), offset)? {
                    Ordering::Less => {
                        self.indentations.pop();
                        self.emit(Tok::Dedent, TextRange::empty(offset));
                    }
                    Ordering::Equal => break,
                    Ordering::Greater => {
                        return Err(LexicalError::new(
                            LexicalErrorType::IndentationError,
                            offset,
                        ));
                    }
                }
            },
        }
        Ok(())
    }

    /// Counts the tabs and spaces before the line's first token. Blank lines, comment-only
    /// lines and form feeds reset the count; at the end of the source it is zero.
    fn eat_indentation(&mut self) -> Result<IndentationLevel, LexicalError> {
        let mut level = IndentationLevel::default();
        loop {
            match self.cursor.first() {
                Some(' ') => {
                    self.cursor.skip_bytes(1);
                    level.spaces += 1;
                }
                Some('\t') => {
                    if level.spaces != 0 {
                        return Err(LexicalError::new(
                            LexicalErrorType::TabsAfterSpaces,
                            self.cursor.offset(),
                        ));
                    }
                    self.cursor.skip_bytes(1);
                    level.tabs += 1;
                }
                Some('#') => {
                    self.skip_comment();
                    level = IndentationLevel::default();
                }
                Some('\x0C' | '\n' | '\r') => {
                    self.cursor.bump();
                    level = IndentationLevel::default();
                }
                None => return Ok(IndentationLevel::default()),
                Some(_) => {
                    self.at_begin_of_line = false;
                    return Ok(level);
                }
            }
        }
    }
}
