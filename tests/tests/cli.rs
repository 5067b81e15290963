//! `jitlens check` on fixture files, as a user runs it.

use std::process::Command;

use jitlens_tests::{jitlens_bin, workspace_root};

fn check(args: &[&str]) -> (i32, String) {
    let output = Command::new(jitlens_bin())
        .arg("check")
        .args(args)
        .current_dir(workspace_root())
        .output()
        .expect("jitlens runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    (output.status.code().expect("an exit code"), stdout)
}

#[test]
fn json_output_is_the_report() {
    let (code, stdout) = check(&["--output-format", "json", "tests/fixtures/two_functions.py"]);
    assert_eq!(code, 0, "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(report["schema"], 1);
    let names: Vec<_> = report["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|function| function["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["pairwise_distance", "Scaler.apply"]);
    assert_eq!(report["functions"][0]["range"]["start"]["line"], 4);
    assert!(report["diagnostics"].is_array());
    assert_eq!(report["parse_errors"], serde_json::json!([]));
}

#[test]
fn syntax_error_is_reported_not_a_crash() {
    let (code, stdout) = check(&["tests/fixtures/syntax_error.py"]);
    assert_eq!(code, 1, "{stdout}");
    let first = stdout.lines().next().unwrap();
    assert!(
        first.starts_with("tests/fixtures/syntax_error.py:") && first.contains("SyntaxError"),
        "{stdout}"
    );
    let (code, stdout) = check(&["--output-format", "json", "tests/fixtures/syntax_error.py"]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let error = &report["parse_errors"][0];
    assert!(error["line"].as_u64().unwrap() >= 5, "{error}");
    assert!(!error["message"].as_str().unwrap().is_empty());
}

#[test]
fn folders_are_walked_and_each_file_named() {
    let (code, stdout) = check(&["--output-format", "json", "tests/fixtures"]);
    assert_eq!(code, 1, "one fixture has a syntax error");
    let reports: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let paths: Vec<_> = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|report| report["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"tests/fixtures/two_functions.py"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"tests/fixtures/syntax_error.py"),
        "{paths:?}"
    );
}

#[test]
fn missing_file_is_a_usage_error() {
    let (code, _) = check(&["tests/fixtures/no_such_file.py"]);
    assert_eq!(code, 2);
}
