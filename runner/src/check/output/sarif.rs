//! `--output-format sarif`: SARIF 2.1.0, the format code-scanning services read.
//!
//! One run; the driver lists the rules that were found (rule ids are the jitlens codes, syntax
//! errors are `SyntaxError`). Columns are 1-based UTF-16 code units, which SARIF assumes by
//! default and the run states (`columnKind`). Paths become relative URI references (absolute
//! paths `file://` URIs), percent-encoded.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use jitlens_analyzer::report::{Position, Range, Severity};
use serde_json::{json, Value};

use crate::check::output::{FileReport, SYNTAX_ERROR};

/// The schema that the output declares.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Writes one SARIF log with one run.
pub(super) fn write(out: &mut impl Write, files: &[FileReport]) -> io::Result<()> {
    // Rule id -> (name, level), sorted by id so `ruleIndex` is stable.
    let mut rules: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    for file in files {
        if !file.report.parse_errors.is_empty() {
            rules.insert(SYNTAX_ERROR, ("syntax-error", "error"));
        }
        for diagnostic in &file.report.diagnostics {
            rules
                .entry(&diagnostic.code)
                .or_insert((&diagnostic.name, level(diagnostic.severity)));
        }
    }
    let rule_index = |id: &str| rules.keys().position(|&known| known == id);
    let mut results = Vec::new();
    for file in files {
        let uri = path_uri(&file.path);
        for error in &file.report.parse_errors {
            results.push(json!({
                "ruleId": SYNTAX_ERROR,
                "ruleIndex": rule_index(SYNTAX_ERROR),
                "level": "error",
                "message": { "text": error.message },
                "locations": [location(&uri, point(error.position))],
            }));
        }
        for diagnostic in &file.report.diagnostics {
            results.push(json!({
                "ruleId": diagnostic.code,
                "ruleIndex": rule_index(&diagnostic.code),
                "level": level(diagnostic.severity),
                "message": { "text": diagnostic.message },
                "locations": [location(&uri, region(diagnostic.range))],
            }));
        }
    }
    let rules: Vec<Value> = rules
        .iter()
        .map(|(id, (name, level))| {
            json!({
                "id": id,
                "name": name,
                "shortDescription": { "text": name },
                "defaultConfiguration": { "level": level },
            })
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "jitlens",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// SARIF's levels: `error`, `warning`, `note`.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn location(uri: &str, region: Value) -> Value {
    json!({ "physicalLocation": {
        "artifactLocation": { "uri": uri },
        "region": region,
    }})
}

fn point(position: Position) -> Value {
    let mut region = json!({
        "startLine": position.line,
        "startColumn": position.utf16_column + 1,
    });
    if let Some(cell) = position.cell {
        region["properties"] = json!({ "cell": cell });
    }
    region
}

fn region(range: Range) -> Value {
    let Range { start, end } = range;
    let column = |position: Position| position.utf16_column + 1;
    let mut region = json!({
        "startLine": start.line,
        "startColumn": column(start),
        "endLine": end.line,
        "endColumn": column(end),
    });
    // In a notebook the lines count within the cell, which the region's property bag names.
    if let Some(cell) = start.cell {
        region["properties"] = json!({ "cell": cell });
    }
    region
}

/// A URI reference for `path`: `/` separators, reserved bytes percent-encoded.
fn path_uri(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut uri = String::with_capacity(text.len());
    if path.is_absolute() {
        uri.push_str("file://");
    }
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(char::from(byte));
            }
            b'\\' if cfg!(windows) => uri.push('/'),
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::Value;

    use crate::check::output::fixtures::{files, render};

    #[test]
    fn a_sarif_2_1_0_log_with_rules_and_results() {
        let log: Value = serde_json::from_str(&render(super::write, &files())).unwrap();
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "jitlens");
        let rule_ids: Vec<_> = run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|rule| rule["id"].as_str().unwrap())
            .collect();
        assert_eq!(rule_ids, ["GEN401", "PT001", "SyntaxError"]);
        assert_eq!(run["tool"]["driver"]["rules"][1]["name"], "pt001-rule");

        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        let first = &results[0];
        assert_eq!(first["ruleId"], "PT001");
        assert_eq!(first["ruleIndex"], 1);
        assert_eq!(first["level"], "error");
        assert_eq!(first["message"]["text"], "PT001 found: `x, y`");
        let location = &first["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "pkg/a.py");
        // 1-based UTF-16 columns: the fixture's utf16_column is column + 1.
        assert_eq!(location["region"]["startLine"], 3);
        assert_eq!(location["region"]["startColumn"], 6);
        assert_eq!(location["region"]["endLine"], 4);
        assert_eq!(location["region"]["endColumn"], 10);
        assert_eq!(results[1]["level"], "note");
        assert_eq!(results[2]["ruleId"], "SyntaxError");
        assert_eq!(results[2]["ruleIndex"], 2);
        assert_eq!(
            results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "pkg/b%20c.py"
        );
    }

    #[test]
    fn an_empty_run_is_still_valid() {
        let log: Value = serde_json::from_str(&render(super::write, &[])).unwrap();
        assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"],
            serde_json::json!([])
        );
    }

    #[test]
    fn uris_are_percent_encoded_and_absolute_paths_are_file_uris() {
        assert_eq!(
            super::path_uri(Path::new("a b/c#d%.py")),
            "a%20b/c%23d%25.py"
        );
        assert_eq!(
            super::path_uri(Path::new("/srv/é.py")),
            "file:///srv/%C3%A9.py"
        );
    }
}
