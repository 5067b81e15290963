//! `jitlens check` on fixture files and made-up projects, as a user runs it.
//!
//! The filtering and formatting of diagnostics (`--select`, `--ignore`, `# noqa`, SARIF, GitHub)
//! are unit-tested in `runner/src/check/` on hand-built diagnostics; these tests cover what the
//! binary does end to end: walking, skipping, syntax errors in every format, exit codes, config.

use std::path::Path;
use std::process::Command;

use jitlens_tests::{fresh_dir, jitlens_bin, workspace_root};

/// Runs `jitlens check ARGS` in the workspace root; returns the exit code and stdout.
fn check(args: &[&str]) -> (i32, String) {
    let (code, stdout, _) = check_in(&workspace_root(), args);
    (code, stdout)
}

/// Runs `jitlens check ARGS` in `dir`; returns the exit code, stdout and stderr.
fn check_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(jitlens_bin())
        .arg("check")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("jitlens runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let stderr = String::from_utf8(output.stderr).expect("UTF-8 errors");
    (output.status.code().expect("an exit code"), stdout, stderr)
}

/// A fresh project folder holding `files` (path, content).
fn project(label: &str, files: &[(&str, &[u8])]) -> std::path::PathBuf {
    let root = fresh_dir(label);
    for (path, content) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    root
}

/// The `path` of every report in a JSON array.
fn json_paths(stdout: &str) -> Vec<String> {
    let reports: serde_json::Value = serde_json::from_str(stdout).expect("JSON");
    reports
        .as_array()
        .expect("an array of reports")
        .iter()
        .map(|report| report["path"].as_str().unwrap().to_owned())
        .collect()
}

/// A numerical module that does not parse: reported wherever it is walked.
const BROKEN_NUMPY: &[u8] = b"import numpy as np\n\ndef f(x:\n    return x\n";

#[test]
fn json_output_is_the_report() {
    let (code, stdout) = check(&[
        "--output-format",
        "json",
        "--all-verdicts",
        "tests/fixtures/two_functions.py",
    ]);
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

#[test]
fn files_with_nothing_numerical_are_passed_over_unparsed() {
    let (code, stdout) = check(&[
        "--output-format",
        "json",
        "--all-verdicts",
        "tests/fixtures/prefilter",
    ]);
    assert_eq!(
        code, 0,
        "the skipped file's syntax error is never seen: {stdout}"
    );
    let reports: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let skipped = &reports[1];
    assert_eq!(
        skipped["path"],
        "tests/fixtures/prefilter/no_numerical_import.py"
    );
    assert_eq!(skipped["skipped"], true);
    assert_eq!(skipped["parse_errors"], serde_json::json!([]));
    let parsed = &reports[0];
    assert_eq!(
        parsed["path"],
        "tests/fixtures/prefilter/from_numba_import.py"
    );
    assert!(parsed.get("skipped").is_none(), "{parsed}");
    assert_eq!(parsed["functions"][0]["name"], "scale");

    let (_, text) = check(&["tests/fixtures/prefilter"]);
    assert!(
        text.contains("Checked 2 file(s) (1 parsed, 1 skipped: nothing numerical), 1 function(s)"),
        "{text}"
    );
}

#[test]
fn gitignore_ignore_files_and_hidden_files_are_respected() {
    let root = project(
        "walk",
        &[
            ("kept.py", BROKEN_NUMPY),
            ("pkg/kept_too.py", BROKEN_NUMPY),
            ("ignored.py", BROKEN_NUMPY),
            ("generated/out.py", BROKEN_NUMPY),
            ("pkg/local.py", BROKEN_NUMPY),
            (".hidden/secret.py", BROKEN_NUMPY),
            (".gitignore", b"ignored.py\ngenerated/\n"),
            ("pkg/.ignore", b"local.py\n"),
            ("notes.txt", BROKEN_NUMPY),
        ],
    );
    let (code, stdout, _) = check_in(&root, &["--output-format", "json", "."]);
    assert_eq!(code, 1);
    assert_eq!(json_paths(&stdout), ["./kept.py", "./pkg/kept_too.py"]);
    // A file named on the command line is checked even when ignored, as in ruff.
    let (code, stdout, _) = check_in(&root, &["ignored.py"]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("ignored.py:4:5: SyntaxError"),
        "{stdout}"
    );
}

#[test]
fn output_is_sorted_by_path_whatever_the_argument_order() {
    let root = project(
        "order",
        &[
            ("b.py", BROKEN_NUMPY),
            ("a/z.py", BROKEN_NUMPY),
            ("c.py", BROKEN_NUMPY),
        ],
    );
    let (_, stdout, _) = check_in(
        &root,
        &["c.py", "--output-format", "json", "b.py", "a", "c.py"],
    );
    assert_eq!(json_paths(&stdout), ["a/z.py", "b.py", "c.py"]);
}

#[test]
fn syntax_errors_are_reported_in_every_format() {
    let file = "tests/fixtures/syntax_error.py";
    let (code, sarif) = check(&["--output-format", "sarif", file]);
    assert_eq!(code, 1);
    let log: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "SyntaxError");
    assert_eq!(result["level"], "error");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], file);
    assert!(location["region"]["startLine"].as_u64().unwrap() >= 5);
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"][0]["id"],
        "SyntaxError"
    );

    let (code, github) = check(&["--output-format", "github", file]);
    assert_eq!(code, 1);
    assert!(
        github.starts_with(&format!("::error file={file},line="))
            && github.contains(",title=SyntaxError::"),
        "{github}"
    );
    assert_eq!(github.lines().count(), 1, "{github}");
}

#[test]
fn clean_files_exit_zero_in_every_format() {
    for format in ["text", "json", "sarif", "github"] {
        let (code, stdout) = check(&["--output-format", format, "tests/fixtures/prefilter"]);
        assert_eq!(code, 0, "{format}: {stdout}");
    }
}

#[test]
fn usage_errors_exit_two_with_a_message() {
    let root = workspace_root();
    let (code, _, stderr) = check_in(&root, &["--output-format", "xml", "tests/fixtures"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = check_in(&root, &["--select", "pt1", "tests/fixtures"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown rule selector `pt1`"), "{stderr}");
    let (code, _, stderr) = check_in(&root, &[]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = check_in(&root, &["tests/fixtures/no_such_file.py"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("could not open tests/fixtures/no_such_file.py"),
        "{stderr}"
    );
}

#[test]
fn select_and_ignore_are_accepted_and_syntax_errors_stay() {
    let (code, stdout) = check(&[
        "--select",
        "PT,NB2",
        "--ignore",
        "PT3",
        "--ignore=GEN",
        "tests/fixtures/syntax_error.py",
    ]);
    assert_eq!(code, 1, "syntax errors are not rules: {stdout}");
    assert!(stdout.contains("SyntaxError"), "{stdout}");
}

#[test]
fn unreadable_or_special_paths_exit_two_without_hanging() {
    let root = project("special", &[("ok.py", BROKEN_NUMPY)]);
    std::os::unix::fs::symlink(root.join("missing.py"), root.join("dangling.py")).unwrap();
    let (code, _, stderr) = check_in(&root, &["dangling.py"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("could not open dangling.py"), "{stderr}");
    let fifo = Command::new("mkfifo")
        .arg(root.join("pipe.py"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let (code, _, stderr) = check_in(&root, &["pipe.py"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("neither a file nor a folder"), "{stderr}");
    // Walked, neither the dangling link nor the pipe is read: the real file is still checked.
    let (code, stdout, _) = check_in(&root, &["--output-format", "json", "."]);
    assert_eq!(code, 1);
    assert_eq!(json_paths(&stdout), ["./ok.py"]);
}

#[test]
fn a_file_that_is_not_utf8_is_an_error_and_the_others_are_still_checked() {
    let root = project(
        "utf8",
        &[
            ("latin1.py", b"import numpy as np\nname = 'caf\xe9'\n"),
            (
                "fine.py",
                b"import numpy as np\n\ndef f(x):\n    return x\n",
            ),
        ],
    );
    let (code, stdout, _) = check_in(&root, &["."]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("./latin1.py:2:12: SyntaxError: file is not valid UTF-8: byte 0xe9"),
        "{stdout}"
    );
    assert!(stdout.contains("(2 parsed, 0 skipped"), "{stdout}");
    assert!(
        stdout.contains("1 function(s)"),
        "fine.py was analyzed: {stdout}"
    );
}

#[test]
fn a_huge_file_is_refused_quickly_and_the_others_are_still_checked() {
    let mut huge = b"import numpy as np\n".to_vec();
    huge.extend(b"x = [1, 2, 3]\n".repeat(800_000));
    let root = project(
        "huge",
        &[
            ("huge.py", &huge),
            (
                "fine.py",
                b"import numpy as np\n\ndef f(x):\n    return x\n",
            ),
        ],
    );
    let started = std::time::Instant::now();
    let (code, stdout, _) = check_in(&root, &["."]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("./huge.py:1:1: SyntaxError: file is too large"),
        "{stdout}"
    );
    assert!(stdout.contains("1 function(s)"), "{stdout}");
    // A generous safety limit, not a benchmark: the file is not parsed.
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

#[test]
fn pyproject_settings_are_found_from_the_current_directory_up() {
    let root = project(
        "pyproject",
        &[
            (
                "pyproject.toml",
                b"[project]\nname = \"demo\"\n\n[tool.jitlens]\nselect = [\"PT\"]\nignore = [\"PT3\"]\nexclude = [\"legacy\", \"src/gen_*.py\"]\n",
            ),
            ("src/ok.py", b"import numpy as np\n\ndef f(x):\n    return x\n"),
            ("src/gen_tables.py", BROKEN_NUMPY),
            ("legacy/old.py", BROKEN_NUMPY),
        ],
    );
    let (code, stdout, stderr) = check_in(&root.join("src"), &["--output-format", "json", "."]);
    assert_eq!(code, 0, "excluded files are not checked: {stdout}{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json_paths(&stdout), ["./ok.py"], "{report}");
    // Without the settings, the same walk finds the broken files.
    std::fs::remove_file(root.join("pyproject.toml")).unwrap();
    let (code, stdout, _) = check_in(&root, &["--output-format", "json", "."]);
    assert_eq!(code, 1);
    assert_eq!(
        json_paths(&stdout),
        ["./legacy/old.py", "./src/gen_tables.py", "./src/ok.py"]
    );
}

#[test]
fn invalid_pyproject_settings_are_a_usage_error() {
    let root = project(
        "bad-pyproject",
        &[
            ("pyproject.toml", b"[tool.jitlens]\nselekt = [\"PT\"]\n"),
            ("ok.py", b"import numpy\n"),
        ],
    );
    let (code, _, stderr) = check_in(&root, &["ok.py"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("pyproject.toml") && stderr.contains("selekt"),
        "{stderr}"
    );
    std::fs::write(
        root.join("pyproject.toml"),
        "[tool.jitlens]\nignore = [\"XX\"]\n",
    )
    .unwrap();
    let (code, _, stderr) = check_in(&root, &["ok.py"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown rule selector `XX`"), "{stderr}");
}

#[test]
fn a_numeric_loop_without_imports_is_checked_and_ranked_as_an_opportunity() {
    let (code, text) = check(&["tests/fixtures/no_imports"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("integrate.py:8:5: NB401 a 1-deep Python loop over numbers"),
        "{text}"
    );
    assert!(
        text.contains("0 error(s), 0 warning(s), 1 info(s)."),
        "{text}"
    );
    let ranked = text
        .split("Opportunities, best estimated gain first (1 in all):\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no ranked list: {text}"));
    assert!(
        ranked.starts_with("  tests/fixtures/no_imports/integrate.py:5: integrate -- numba high"),
        "{ranked}"
    );
}

#[test]
fn json_keeps_the_verdicts_that_say_something() {
    let (_, stdout) = check(&["--output-format", "json", "tests/fixtures/no_imports"]);
    let reports: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let functions = reports[0]["functions"].as_array().unwrap();
    let names: Vec<&str> = functions
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    // `f` (a one-line helper) says nothing; `word_counts` keeps its "none" with the reason.
    assert_eq!(names, ["integrate", "word_counts"], "{stdout}");
    let word_counts = &functions[1]["verdicts"];
    assert_eq!(word_counts.as_array().unwrap().len(), 1, "{stdout}");
    assert_eq!(word_counts[0]["benefit"], "none");
    assert!(word_counts[0]["summary"]
        .as_str()
        .unwrap()
        .contains("no JIT compiles that"));
    let (_, all) = check(&[
        "--output-format",
        "json",
        "--all-verdicts",
        "tests/fixtures/no_imports",
    ]);
    let all: serde_json::Value = serde_json::from_str(&all).unwrap();
    assert_eq!(all[0]["functions"].as_array().unwrap().len(), 3);
    assert_eq!(
        all[0]["functions"][0]["verdicts"].as_array().unwrap().len(),
        4
    );
}

#[test]
fn statistics_count_findings_per_rule() {
    let (_, text) = check(&["--statistics", "tests/fixtures/no_imports"]);
    let first = text.lines().next().unwrap();
    assert_eq!(
        first, "     1  NB401        interpreted-array-loop (info)",
        "{text}"
    );
    assert!(!text.contains("integrate.py:8"), "{text}");
}

#[test]
fn a_notebook_is_checked_cell_by_cell_in_every_format() {
    let notebook = "tests/fixtures/notebook/analysis.ipynb";
    let (code, text) = check(&[notebook]);
    assert_eq!(code, 0, "{text}");
    // Cell 2's loop is its line 8; cell 3's `.item()` its line 6; `# noqa: PT006` in cell 3
    // holds for that cell's line only; the magics, the shell escape and the `%%timeit` cell
    // are left out without moving a line.
    for line in [
        format!("{notebook}:cell 2:8:5: NB401 "),
        format!("{notebook}:cell 3:6:9: PT001 "),
        format!("{notebook}:cell 3:7:8: PT301 "),
    ] {
        assert!(text.contains(&line), "{line} missing:\n{text}");
    }
    assert!(!text.contains("PT006"), "{text}");
    assert!(
        text.contains(&format!("{notebook}:cell 2:5: pairwise -- numba high")),
        "{text}"
    );

    let (_, json) = check(&["--output-format", "json", notebook]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let item = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "PT001")
        .expect("PT001");
    assert_eq!(item["range"]["start"]["cell"], 3);
    assert_eq!(item["range"]["start"]["line"], 6);

    let (_, sarif) = check(&["--output-format", "sarif", notebook]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let regions: Vec<(u64, u64)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                region["properties"]["cell"].as_u64().unwrap(),
                region["startLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(regions.contains(&(3, 6)), "{regions:?}");

    let (_, github) = check(&["--output-format", "github", notebook]);
    assert!(
        github.contains(&format!(
            "file={notebook},line=6,col=9,endLine=6,endColumn=37,title=PT001 (cell 3)::"
        )),
        "{github}"
    );
}

#[test]
fn a_broken_notebook_is_an_error_for_that_file_and_the_walk_finds_notebooks() {
    let root = project(
        "notebooks",
        &[
            (
                "good.ipynb",
                &std::fs::read(workspace_root().join("tests/fixtures/notebook/analysis.ipynb"))
                    .unwrap(),
            ),
            ("not_json.ipynb", b"{\"cells\": [" as &[u8]),
            ("old.ipynb", b"{\"nbformat\": 3, \"worksheets\": []}"),
        ],
    );
    let (code, stdout, stderr) = check_in(&root, &["."]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("good.ipynb:cell 3:6:9: PT001"), "{stdout}");
    assert!(
        stdout.contains("not_json.ipynb:1:1: SyntaxError: not a notebook"),
        "{stdout}"
    );
    assert!(
        stdout.contains("old.ipynb:1:1: SyntaxError: nbformat 3 is not supported"),
        "{stdout}"
    );
}
