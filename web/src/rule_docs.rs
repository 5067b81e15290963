//! The documentation of each rule, shown in the diagnostics pane: the one place the page asks
//! for it.

/// The documentation of rule `code` (Markdown), when this build bundles it.
///
/// The analyzer's rules carry their documentation in their doc comments; until the analyzer
/// exposes that text, none is bundled and the pane says so.
pub(crate) fn rule_doc(code: &str) -> Option<String> {
    let _ = code;
    None
}
