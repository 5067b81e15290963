//! The documentation of each rule, shown in the diagnostics pane: the one place the page asks
//! for it.

/// The documentation of rule `code` (Markdown): the rule's own doc comment, as `jitlens rule CODE`
/// prints it.
pub(crate) fn rule_doc(code: &str) -> Option<String> {
    jitlens_analyzer::rules::find(code).map(|rule| rule.doc)
}
