//! The rules: each reads the model of one function and emits diagnostics.
//!
//! One rule, one file, under `rules/<family>/`. The file's `DOC` constant is made from its doc
//! comment by [`rule_doc!`], so the text shown by `jitlens rule CODE` and by the playground is the
//! rustdoc of the rule. The code table is [`registry::RULES`].

mod checker;
pub(crate) mod general;
mod jax;
pub(crate) mod numba;
mod registry;
mod tensorflow;
mod torch;

pub(crate) use checker::Checker;
pub(crate) use registry::{Family, Rule, RULES};

use crate::report::Severity;

/// Turns a rule's doc comment into its documentation: the comment stays rustdoc and the same
/// text becomes the `DOC` constant.
macro_rules! rule_doc {
    ($(#[doc = $doc:literal])+) => {
        $(#[doc = $doc])+
        pub(crate) const DOC: &str = concat!($($doc, "\n"),+);
    };
}
pub(crate) use rule_doc;

/// What `jitlens rules` lists and `jitlens rule CODE` prints about one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// The code, such as `PT001`.
    pub code: &'static str,
    /// The kebab-case name, such as `item-graph-break`.
    pub name: &'static str,
    /// `NB`, `PT`, `JX`, `TF` or `GEN`.
    pub family: &'static str,
    /// How much a finding matters.
    pub severity: Severity,
    /// The first sentence of "What it does".
    pub summary: String,
    /// The whole documentation, Markdown.
    pub doc: String,
}

/// Every rule, in code order.
pub fn all() -> Vec<RuleInfo> {
    RULES.iter().map(Rule::info).collect()
}

/// The rule with this code (case-insensitive).
pub fn find(code: &str) -> Option<RuleInfo> {
    RULES
        .iter()
        .find(|rule| rule.code.eq_ignore_ascii_case(code))
        .map(Rule::info)
}

/// The doc comment's text without the one space that `///` leaves at the start of each line.
pub(crate) fn doc_text(raw: &str) -> String {
    let mut text = String::with_capacity(raw.len());
    for line in raw.lines() {
        text.push_str(line.strip_prefix(' ').unwrap_or(line));
        text.push('\n');
    }
    text
}

/// The first sentence after `## What it does`.
pub(crate) fn summary(doc: &str) -> String {
    let after = doc.split("## What it does").nth(1).unwrap_or(doc);
    let paragraph: Vec<&str> = after
        .lines()
        .map(str::trim)
        .skip_while(|line| line.is_empty())
        .take_while(|line| !line.is_empty())
        .collect();
    let paragraph = paragraph.join(" ");
    match paragraph.find(". ") {
        Some(end) => paragraph[..=end].to_owned(),
        None => paragraph,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_rule_is_documented_with_the_required_sections() {
        for rule in all() {
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "Use instead:",
                "```python",
            ] {
                assert!(rule.doc.contains(section), "{} lacks {section}", rule.code);
            }
            assert!(!rule.summary.is_empty(), "{} has no summary", rule.code);
        }
    }

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let rules = all();
        let codes: HashSet<_> = rules.iter().map(|r| r.code).collect();
        let names: HashSet<_> = rules.iter().map(|r| r.name).collect();
        assert_eq!(codes.len(), rules.len());
        assert_eq!(names.len(), rules.len());
        for rule in &rules {
            assert!(rule.code.starts_with(rule.family), "{}", rule.code);
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                rule.name
            );
            let group = &rule.code[rule.family.len()..rule.family.len() + 1];
            // Only 0xx rules (errors and graph breaks) may be errors; the rest never are.
            if group != "0" {
                assert_ne!(rule.severity, Severity::Error, "{} severity", rule.code);
            }
        }
        assert!(rules.len() >= 40);
    }

    #[test]
    fn find_is_case_insensitive() {
        assert_eq!(find("pt001").map(|r| r.name), Some("item-graph-break"));
        assert!(find("XX999").is_none());
    }
}
