//! `jitlens rules` (the table of rules) and `jitlens rule CODE` (one rule's documentation).

use std::fmt::Write as _;

use anyhow::bail;
use jitlens_analyzer::report::Severity;
use jitlens_analyzer::rules;

/// The table printed by `jitlens rules`: code, name, severity and summary, one rule a line.
pub(crate) fn list() -> String {
    let mut out = String::new();
    for rule in rules::all() {
        let severity = match rule.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let _ = writeln!(
            out,
            "{:<7} {:<32} {:<8} {}",
            rule.code, rule.name, severity, rule.summary
        );
    }
    out
}

/// The documentation printed by `jitlens rule CODE`.
pub(crate) fn explain(code: &str) -> anyhow::Result<String> {
    let Some(rule) = rules::find(code) else {
        bail!("unknown rule code `{code}`; `jitlens rules` lists them")
    };
    Ok(format!("# {} ({})\n\n{}", rule.name, rule.code, rule.doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_rule_once() {
        let table = list();
        assert_eq!(table.lines().count(), rules::all().len());
        assert!(table
            .lines()
            .any(|line| line.starts_with("PT001") && line.contains("item-graph-break")));
    }

    #[test]
    fn explains_a_rule_and_refuses_unknown_codes() {
        let doc = explain("pt001").unwrap();
        assert!(doc.starts_with("# item-graph-break (PT001)"));
        assert!(doc.contains("## Why is this bad?"));
        assert!(explain("XX999").is_err());
    }
}
