//! `--select` and `--ignore`: which rules report, by code or code prefix, as in ruff.
//!
//! A selector is `ALL`, a family (`NB`, `PT`, `JX`, `TF`, `GEN`), a family with the first digits
//! of a code (`NB2`, `PT30`) or a whole code (`PT001`). A rule reports when some `select`
//! selector matches its code and no `ignore` selector matches it at least as specifically: the
//! longer prefix wins, and on a tie `ignore` wins. So `--select PT --ignore PT3` keeps every PT rule
//! but the recompilation ones, and `--select PT301 --ignore PT` keeps PT301 alone.
//!
//! `--select` on the command line replaces `select` from pyproject.toml; `--ignore` adds to its
//! `ignore`. With no `select` anywhere, every rule is selected. Syntax errors are always reported.

use std::fmt;
use std::str::FromStr;

use jitlens_analyzer::Report;

/// The rule families of DESIGN.md.
const FAMILIES: [&str; 5] = ["NB", "PT", "JX", "TF", "GEN"];

/// A code or code prefix given to `--select` or `--ignore`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RuleSelector {
    /// Every rule.
    All,
    /// Codes that start with this text (`PT`, `NB2`, `PT001`).
    Prefix(String),
}

impl RuleSelector {
    fn matches(&self, code: &str) -> bool {
        match self {
            RuleSelector::All => true,
            RuleSelector::Prefix(prefix) => code.starts_with(prefix.as_str()),
        }
    }

    /// How specific a match is: longer prefixes beat shorter ones, and `ALL` loses to any.
    fn specificity(&self) -> usize {
        match self {
            RuleSelector::All => 0,
            RuleSelector::Prefix(prefix) => prefix.len(),
        }
    }
}

impl FromStr for RuleSelector {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text == "ALL" {
            return Ok(RuleSelector::All);
        }
        let letters = text.bytes().take_while(u8::is_ascii_uppercase).count();
        let (family, digits) = text.split_at(letters);
        let known_family = FAMILIES.contains(&family);
        let digits_ok = digits.len() <= 3 && digits.bytes().all(|byte| byte.is_ascii_digit());
        if !known_family || !digits_ok {
            return Err(format!(
                "unknown rule selector `{text}`: expected ALL, a family ({}), a code prefix such as NB2 or a code such as PT001",
                FAMILIES.join(", ")
            ));
        }
        Ok(RuleSelector::Prefix(text.to_owned()))
    }
}

impl fmt::Display for RuleSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleSelector::All => f.write_str("ALL"),
            RuleSelector::Prefix(prefix) => f.write_str(prefix),
        }
    }
}

/// `select` and `ignore` as given in one place (the command line or pyproject.toml).
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// Rules to enable; `None` when not given.
    pub(crate) select: Option<Vec<RuleSelector>>,
    /// Rules to disable.
    pub(crate) ignore: Vec<RuleSelector>,
}

impl Settings {
    /// Nothing given.
    pub(crate) fn none() -> Self {
        Self {
            select: None,
            ignore: Vec::new(),
        }
    }
}

/// The rules that report, resolved from the command line and pyproject.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleSelection {
    select: Vec<RuleSelector>,
    ignore: Vec<RuleSelector>,
}

impl RuleSelection {
    /// `select` (every rule when `None`) minus `ignore`, by the most specific match.
    pub(crate) fn new(select: Option<Vec<RuleSelector>>, ignore: Vec<RuleSelector>) -> Self {
        Self {
            select: select.unwrap_or_else(|| vec![RuleSelector::All]),
            ignore,
        }
    }

    /// Resolves the command line against pyproject.toml: `--select` replaces the configured
    /// `select`, `--ignore` adds to the configured `ignore`.
    pub(crate) fn from_settings(command_line: Settings, configured: Settings) -> Self {
        let select = command_line.select.or(configured.select);
        let mut ignore = configured.ignore;
        ignore.extend(command_line.ignore);
        Self::new(select, ignore)
    }

    /// Whether a rule with this code reports.
    pub(crate) fn is_enabled(&self, code: &str) -> bool {
        let most_specific = |selectors: &[RuleSelector]| {
            selectors
                .iter()
                .filter(|selector| selector.matches(code))
                .map(RuleSelector::specificity)
                .max()
        };
        match (most_specific(&self.select), most_specific(&self.ignore)) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(selected), Some(ignored)) => selected > ignored,
        }
    }

    /// Drops the diagnostics of rules that are not enabled.
    pub(crate) fn apply(&self, report: &mut Report) {
        report
            .diagnostics
            .retain(|diagnostic| self.is_enabled(&diagnostic.code));
    }
}

#[cfg(test)]
mod tests {
    use jitlens_analyzer::report::{Diagnostic, Position, Range, Severity};

    use super::*;

    fn selectors(text: &str) -> Vec<RuleSelector> {
        text.split(',')
            .filter(|selector| !selector.is_empty())
            .map(|selector| selector.parse().unwrap())
            .collect()
    }

    fn selection(select: Option<&str>, ignore: &str) -> RuleSelection {
        RuleSelection::new(select.map(selectors), selectors(ignore))
    }

    fn enabled(selection: &RuleSelection, codes: &[&'static str]) -> Vec<&'static str> {
        codes
            .iter()
            .copied()
            .filter(|code| selection.is_enabled(code))
            .collect()
    }

    const CODES: [&str; 6] = ["PT001", "PT301", "PT302", "NB001", "NB201", "GEN401"];

    #[test]
    fn everything_is_selected_by_default() {
        assert_eq!(enabled(&selection(None, ""), &CODES), CODES);
    }

    #[test]
    fn select_by_family_prefix_and_code() {
        assert_eq!(
            enabled(&selection(Some("PT"), ""), &CODES),
            ["PT001", "PT301", "PT302"]
        );
        assert_eq!(
            enabled(&selection(Some("NB2,PT301"), ""), &CODES),
            ["PT301", "NB201"]
        );
    }

    #[test]
    fn ignore_by_prefix() {
        assert_eq!(
            enabled(&selection(None, "PT3,GEN"), &CODES),
            ["PT001", "NB001", "NB201"]
        );
    }

    #[test]
    fn the_more_specific_selector_wins_and_ignore_wins_ties() {
        assert_eq!(enabled(&selection(Some("PT301"), "PT"), &CODES), ["PT301"]);
        assert_eq!(enabled(&selection(Some("PT"), "PT3"), &CODES), ["PT001"]);
        assert!(enabled(&selection(Some("PT"), "PT"), &CODES).is_empty());
        assert!(enabled(&selection(Some("ALL"), "ALL"), &CODES).is_empty());
        assert_eq!(
            enabled(&selection(Some("ALL"), "NB,PT"), &CODES),
            ["GEN401"]
        );
    }

    #[test]
    fn command_line_select_replaces_and_ignore_adds_to_the_configuration() {
        let settings = |select: Option<&str>, ignore: &str| Settings {
            select: select.map(selectors),
            ignore: selectors(ignore),
        };
        let configured = settings(Some("PT"), "PT3");
        let resolved = RuleSelection::from_settings(settings(None, ""), configured.clone());
        assert_eq!(enabled(&resolved, &CODES), ["PT001"]);
        let resolved =
            RuleSelection::from_settings(settings(Some("NB,PT"), ""), configured.clone());
        assert_eq!(enabled(&resolved, &CODES), ["PT001", "NB001", "NB201"]);
        let resolved = RuleSelection::from_settings(settings(None, "PT001"), configured);
        assert!(enabled(&resolved, &CODES).is_empty());
        let resolved = RuleSelection::from_settings(Settings::none(), Settings::none());
        assert_eq!(enabled(&resolved, &CODES), CODES);
    }

    #[test]
    fn selectors_are_validated() {
        for bad in ["", "pt", "P", "XX1", "PT0001", "PT-1", "all", "PT 1"] {
            let error = bad.parse::<RuleSelector>().unwrap_err();
            assert!(error.contains("unknown rule selector"), "{bad:?}: {error}");
        }
        for good in ["ALL", "NB", "GEN4", "PT30", "TF001", "JX"] {
            assert_eq!(good.parse::<RuleSelector>().unwrap().to_string(), good);
        }
    }

    #[test]
    fn apply_drops_diagnostics_of_disabled_rules() {
        let position = Position {
            line: 1,
            column: 0,
            utf16_column: 0,
            cell: None,
        };
        let diagnostic = |code: &str| Diagnostic {
            code: code.to_owned(),
            name: "n".to_owned(),
            severity: Severity::Warning,
            message: "m".to_owned(),
            function: None,
            range: Range {
                start: position,
                end: position,
            },
        };
        let mut report = Report {
            diagnostics: vec![
                diagnostic("PT001"),
                diagnostic("NB201"),
                diagnostic("PT301"),
            ],
            ..Report::default()
        };
        selection(Some("PT"), "PT001").apply(&mut report);
        let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["PT301"]);
    }
}
