//! `jitlens fix` and `jitlens testgen` as a user runs them: list, diff, write, JSON.

use std::path::Path;
use std::process::Command;

use jitlens_tests::{fresh_dir, jitlens_bin, workspace_root};

const BRIEF: &str = "analyzer-wasm/tests/fixtures/rewrites/brief_torch.py";

fn jitlens(args: &[&str], dir: &Path) -> (i32, String, String) {
    let output = Command::new(jitlens_bin())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("jitlens runs");
    (
        output.status.code().expect("an exit code"),
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

#[test]
fn lists_strategies_and_marks_the_chosen_one() {
    let (code, stdout, _) = jitlens(&["fix", BRIEF], &workspace_root());
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(
            "  * complex_activation:torch-compile [torch, safe] Compile with @torch.compile"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("  * adaptive_processing:torch-branchless [torch, review]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("note: shapes must match: holds for square x"),
        "{stdout}"
    );
}

#[test]
fn diff_shows_the_branchless_rewrite() {
    let (code, stdout, _) = jitlens(
        &["fix", BRIEF, "--function", "adaptive_processing", "--diff"],
        &workspace_root(),
    );
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with(&format!("--- a/{BRIEF}\n+++ b/{BRIEF}\n@@ ")),
        "{stdout}"
    );
    assert!(stdout.contains("-    num_large = mask.sum().item()  # .item() causes graph break\n+    num_large = mask.sum()  # .item() causes graph break\n"), "{stdout}");
    assert!(
        stdout.contains("+    result = torch.where(take_then, result_then, result_else)\n"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("complex_activation"),
        "only the named function: {stdout}"
    );
}

#[test]
fn write_rewrites_the_file_and_json_gives_the_strategy() {
    let dir = fresh_dir("fix-write");
    std::fs::copy(
        workspace_root().join("analyzer-wasm/tests/fixtures/rewrites/numba_loops.py"),
        dir.join("loops.py"),
    )
    .unwrap();
    let (code, stdout, _) = jitlens(
        &[
            "fix",
            "loops.py",
            "--function",
            "pairwise_distance",
            "--output-format",
            "json",
        ],
        &dir,
    );
    assert_eq!(code, 0);
    let strategy: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(strategy["id"], "pairwise_distance:numba-njit");
    assert_eq!(strategy["applicability"], "safe");
    assert_eq!(
        strategy["edits"][1]["replacement"],
        "@numba.njit(cache=True)\n"
    );

    let (code, stdout, _) = jitlens(
        &["fix", "loops.py", "--framework", "numba", "--write"],
        &dir,
    );
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        stdout.lines().count(),
        3,
        "one line per fixed function: {stdout}"
    );
    let written = std::fs::read_to_string(dir.join("loops.py")).unwrap();
    assert_eq!(
        written.matches("import numba\n").count(),
        1,
        "the import is added once: {written}"
    );
    assert_eq!(
        written.matches("@numba.njit(cache=True)\ndef ").count(),
        3,
        "{written}"
    );
    // Nothing is left to fix: the functions are compiled now.
    let (code, _, _) = jitlens(&["fix", "loops.py", "--framework", "numba", "--diff"], &dir);
    assert_eq!(code, 1);
}

#[test]
fn testgen_writes_a_module_and_refuses_bad_targets() {
    let dir = fresh_dir("testgen-cli");
    let out = dir.join("test_brief.py");
    let target = format!(
        "{}::complex_activation",
        workspace_root().join(BRIEF).display()
    );
    let (code, _, stderr) = jitlens(&["testgen", &target, "-o", out.to_str().unwrap()], &dir);
    assert_eq!(code, 0, "{stderr}");
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("def test_rewrite_matches_original("));
    let (code, _, stderr) = jitlens(&["testgen", BRIEF], &workspace_root());
    assert_eq!(code, 2);
    assert!(stderr.contains("FILE::FUNCTION"), "{stderr}");
    let (code, _, stderr) = jitlens(
        &["testgen", &format!("{BRIEF}::missing")],
        &workspace_root(),
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("no function `missing`"), "{stderr}");
}

#[test]
fn a_complex_escape_loop_gets_njit_and_a_function_without_a_rewrite_says_why() {
    let (code, stdout, _) = jitlens(
        &["fix", "analyzer-wasm/tests/fixtures/rewrites/mandelbrot.py"],
        &workspace_root(),
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("  * mandelbrot:numba-njit [numba, safe] Compile with @numba.njit"),
        "{stdout}"
    );
    assert!(stdout.contains("1 rewrite(s) chosen"), "{stdout}");

    let dir = fresh_dir("fix-no-rewrite");
    let file = dir.join("jagged.py");
    std::fs::write(
        &file,
        "import numpy as np\n\n\ndef fill(a, fill_value, dtype):\n    if not a:\n        \
         return np.array([[]])\n    width = max([len(row) for row in a])\n    \
         out = np.full((len(a), width), fill_value, dtype=dtype)\n    \
         for i, row in enumerate(a):\n        for j in range(row.size):\n            \
         out[i, j] = row[j]\n    return out\n",
    )
    .unwrap();
    // Nothing to apply: exit code 1, as for any file without a rewrite.
    let (code, stdout, _) = jitlens(&["fix", "jagged.py"], &dir);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout
            .contains("jagged.py:4: fill (numba high): No rewrite on offer: line 5 (`if not a:`)"),
        "{stdout}"
    );
    let (code, _, stderr) = jitlens(&["fix", "jagged.py", "--function", "fill"], &dir);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("line 5 (`if not a:`)"), "{stderr}");
}
