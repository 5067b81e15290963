//! `# noqa` comments: suppressing diagnostics on one line, as flake8 and ruff do.
//!
//! - `# noqa` (bare) suppresses every diagnostic that starts on its line;
//! - `# noqa: PT001, NB002` suppresses only those codes (exact codes, not prefixes; separated by
//!   commas or spaces);
//! - `noqa` is matched in any case; a `# noqa:` not followed by a code (`# noqa: PT`) is not a
//!   directive and suppresses nothing, as in ruff.
//!
//! The comment is found in the text of the diagnostic's first line, so a `# noqa` inside a string
//! literal on that line counts too. Syntax errors cannot be suppressed.

use jitlens_analyzer::Report;

/// Drops the diagnostics of `report` that a `# noqa` comment on their line suppresses.
pub(crate) fn suppress(report: &mut Report, source: &str) {
    if report.diagnostics.is_empty() || !may_have_directive(source) {
        return;
    }
    let lines: Vec<&str> = source.split('\n').collect();
    report.diagnostics.retain(|diagnostic| {
        let line_idx = diagnostic.range.start.line.saturating_sub(1);
        let Some(line) = lines.get(line_idx) else {
            return true;
        };
        !directive(line).is_some_and(|directive| directive.suppresses(&diagnostic.code))
    });
}

/// Whether `source` spells `noqa` anywhere, in any case: most files never do, and finding out
/// costs one vectorised search for the rare letter `q`, not a split into lines.
fn may_have_directive(source: &str) -> bool {
    let bytes = source.as_bytes();
    memchr::memchr2_iter(b'q', b'Q', bytes).any(|q_idx| {
        q_idx >= 2
            && bytes
                .get(q_idx - 2..q_idx + 2)
                .is_some_and(|word| word.eq_ignore_ascii_case(b"noqa"))
    })
}

/// What a `# noqa` comment suppresses.
#[derive(Debug, PartialEq, Eq)]
enum Directive<'a> {
    /// `# noqa`: everything.
    All,
    /// `# noqa: A1, B2`: these codes.
    Codes(Vec<&'a str>),
}

impl Directive<'_> {
    fn suppresses(&self, code: &str) -> bool {
        match self {
            Directive::All => true,
            Directive::Codes(codes) => codes.contains(&code),
        }
    }
}

/// The first `# noqa` directive of a line, if any.
fn directive(line: &str) -> Option<Directive<'_>> {
    line.match_indices('#')
        .find_map(|(hash_idx, _)| directive_after_hash(&line[hash_idx + 1..]))
}

/// Parses what follows a `#`: ` noqa`, ` noqa: CODE, CODE`.
fn directive_after_hash(text: &str) -> Option<Directive<'_>> {
    let text = text.trim_start();
    let keyword = text.get(..4)?;
    if !keyword.eq_ignore_ascii_case("noqa") {
        return None;
    }
    let rest = &text[4..];
    if rest.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        // Ex) `# noqacious`: not a directive.
        return None;
    }
    let Some(codes_text) = rest.strip_prefix(':') else {
        return Some(Directive::All);
    };
    let codes: Vec<&str> = codes_text
        .split([',', ' ', '\t'])
        .map_while(|word| match word {
            "" => Some(None),
            word if is_code(word) => Some(Some(word)),
            _ => None,
        })
        .flatten()
        .collect();
    if codes.is_empty() {
        // Ex) `# noqa:` or `# noqa: PT`: malformed, so nothing is suppressed.
        return None;
    }
    Some(Directive::Codes(codes))
}

/// `PT001`, `GEN401`: ASCII capitals, then digits.
fn is_code(word: &str) -> bool {
    let letters = word.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = &word[letters..];
    letters > 0 && !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use jitlens_analyzer::report::{Diagnostic, Position, Range, Severity};

    use super::*;

    fn diagnostic(code: &str, line: usize) -> Diagnostic {
        let position = Position {
            line,
            column: 4,
            utf16_column: 4,
            cell: None,
        };
        Diagnostic {
            code: code.to_owned(),
            name: "some-rule".to_owned(),
            severity: Severity::Error,
            message: "something".to_owned(),
            function: Some("f".to_owned()),
            range: Range {
                start: position,
                end: position,
            },
        }
    }

    fn kept_after_suppression(source: &str, diagnostics: &[(&str, usize)]) -> Vec<String> {
        let mut report = Report {
            diagnostics: diagnostics
                .iter()
                .map(|&(code, line)| diagnostic(code, line))
                .collect(),
            ..Report::default()
        };
        suppress(&mut report, source);
        report
            .diagnostics
            .iter()
            .map(|diagnostic| format!("{}@{}", diagnostic.code, diagnostic.range.start.line))
            .collect()
    }

    #[test]
    fn bare_noqa_suppresses_everything_on_its_line_only() {
        let source = "def f(x):\n    return x.item()  # noqa\n    y = x.item()\n";
        let kept = kept_after_suppression(source, &[("PT001", 2), ("PT301", 2), ("PT001", 3)]);
        assert_eq!(kept, ["PT001@3"]);
    }

    #[test]
    fn coded_noqa_suppresses_only_its_codes() {
        let source = "x\ny = t.item()  # noqa: PT001, NB002\nz\n";
        let kept = kept_after_suppression(source, &[("PT001", 2), ("PT002", 2), ("NB002", 2)]);
        assert_eq!(kept, ["PT002@2"]);
        let spaced = "y = t.item()  #noqa:PT001 PT301 -- explained\n";
        let kept = kept_after_suppression(spaced, &[("PT001", 1), ("PT301", 1), ("PT3", 1)]);
        assert_eq!(kept, ["PT3@1"]);
    }

    #[test]
    fn codes_are_exact_and_a_malformed_list_suppresses_nothing() {
        let kept =
            kept_after_suppression("y  # noqa: PT\nz  # noqa:\n", &[("PT001", 1), ("PT001", 2)]);
        assert_eq!(kept, ["PT001@1", "PT001@2"]);
    }

    #[test]
    fn lookalikes_are_not_directives() {
        let source = "a  # noqacious\nb  # no qa\nc = '#'\n";
        let kept = kept_after_suppression(source, &[("PT001", 1), ("PT001", 2), ("PT001", 3)]);
        assert_eq!(kept, ["PT001@1", "PT001@2", "PT001@3"]);
    }

    #[test]
    fn noqa_is_matched_in_any_case() {
        let kept = kept_after_suppression(
            "a  # NOQA\nb  # NoQa: NB001\n",
            &[("PT001", 1), ("NB001", 2)],
        );
        assert!(kept.is_empty(), "{kept:?}");
    }

    #[test]
    fn the_quick_search_finds_noqa_in_any_case_and_place() {
        assert!(may_have_directive("x  # NoQa"));
        assert!(may_have_directive("#noqa\n"));
        assert!(!may_have_directive("q = quick(qa)  # no qa\n"));
        assert!(!may_have_directive("qa"));
    }

    #[test]
    fn lines_past_the_end_keep_their_diagnostics() {
        let kept = kept_after_suppression("a  # noqa\n", &[("PT001", 7), ("PT001", 0)]);
        assert_eq!(kept, ["PT001@7"], "line 0 is clamped to the first line");
    }
}
