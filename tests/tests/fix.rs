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

/// A notebook's code cells joined as `check` and `fix` read them: line magics and shell escapes
/// blank, `%%` cells blank throughout (enough for the fixture's IPython syntax).
fn notebook_module(notebook: &serde_json::Value) -> String {
    let mut module = String::new();
    for cell in notebook["cells"].as_array().unwrap() {
        if cell["cell_type"] != "code" {
            continue;
        }
        let text = cell_text(cell);
        let cell_magic = text.starts_with("%%");
        for line in text.lines() {
            if !cell_magic && !line.starts_with(['%', '!']) {
                module.push_str(line);
            }
            module.push('\n');
        }
    }
    module
}

fn cell_text(cell: &serde_json::Value) -> String {
    cell["source"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line.as_str().unwrap())
        .collect()
}

#[test]
fn a_notebook_is_fixed_cell_by_cell_and_keeps_every_other_byte() {
    let dir = fresh_dir("fix-notebook");
    let fixture = workspace_root().join("tests/fixtures/notebook/analysis.ipynb");
    let before_text = std::fs::read_to_string(&fixture).unwrap();
    std::fs::write(dir.join("analysis.ipynb"), &before_text).unwrap();
    let before: serde_json::Value = serde_json::from_str(&before_text).unwrap();
    // The equivalent .py: the module the code cells make.
    std::fs::write(dir.join("analysis.py"), notebook_module(&before)).unwrap();

    let (code, stdout, _) = jitlens(&["fix", "analysis.ipynb"], &dir);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("analysis.ipynb:cell 2:5: pairwise\n  * pairwise:numba-njit [numba, safe]"),
        "{stdout}"
    );
    let (code, diff, _) = jitlens(&["fix", "analysis.ipynb", "--diff"], &dir);
    assert_eq!(code, 0, "{diff}");
    assert!(
        diff.starts_with(
            "--- a/analysis.ipynb:cell 2\n+++ b/analysis.ipynb:cell 2\n@@ -1,7 +1,9 @@\n \
             %matplotlib inline\n import numpy as np\n+import numba\n \n \n+@numba.njit(cache=True)\n \
             def pairwise(X):\n"
        ),
        "{diff}"
    );

    let (code, stdout, stderr) = jitlens(&["fix", "analysis.ipynb", "--write"], &dir);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, _, _) = jitlens(&["fix", "analysis.py", "--write"], &dir);
    assert_eq!(code, 0);
    let after_text = std::fs::read_to_string(dir.join("analysis.ipynb")).unwrap();
    let after: serde_json::Value = serde_json::from_str(&after_text).expect("still JSON");
    let written_py = std::fs::read_to_string(dir.join("analysis.py")).unwrap();
    assert_eq!(
        notebook_module(&after),
        written_py,
        "the cells hold what fix writes on the equivalent .py"
    );
    let cells = after["cells"].as_array().unwrap();
    assert_eq!(
        cells[1]["source"].as_array().unwrap()[..4],
        [
            "%matplotlib inline\n",
            "import numpy as np\n",
            "import numba\n",
            "\n"
        ]
        .map(serde_json::Value::from),
        "the magic is kept and the import goes after the cell's imports"
    );
    // Outside cell 2's source, not a byte changed: outputs, metadata, the other cells.
    let span = |text: &str| {
        let start = text.find("\"%matplotlib inline\\n\"").unwrap();
        let end = start + text[start..].find("\"    return out\"").unwrap();
        (start, end)
    };
    let (b0, b1) = span(&before_text);
    let (a0, a1) = span(&after_text);
    assert_eq!(before_text[..b0], after_text[..a0]);
    assert_eq!(before_text[b1..], after_text[a1..]);
    assert_eq!(
        after_text[a0..a1].lines().count(),
        before_text[b0..b1].lines().count() + 2,
        "one line per new line of source, at the same indentation: {}",
        &after_text[a0..a1]
    );
    for (old, new) in before["cells"].as_array().unwrap().iter().zip(cells) {
        assert_eq!(old["outputs"], new["outputs"]);
        assert_eq!(old["metadata"], new["metadata"]);
    }
    // nbformat reads it as a valid version 4 notebook, when the Python has nbformat.
    let python = jitlens_tests::test_python();
    let probe = Command::new(&python)
        .args(["-c", "import nbformat, sys; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); print(nb.nbformat, len(nb.cells))"])
        .arg(dir.join("analysis.ipynb"))
        .output()
        .expect("python runs");
    let printed = String::from_utf8_lossy(&probe.stdout);
    let stderr = String::from_utf8_lossy(&probe.stderr);
    match stderr.contains("No module named 'nbformat'") {
        true => eprintln!(
            "nbformat is not installed in {}: validation left out",
            python.display()
        ),
        false => assert_eq!(printed.trim(), "4 4", "{stderr}"),
    }
    // Nothing left to fix.
    let (code, _, _) = jitlens(&["fix", "analysis.ipynb", "--diff"], &dir);
    assert_eq!(code, 1);
}

#[test]
fn a_notebook_written_by_nbformat_stays_as_nbformat_would_write_it() {
    let dir = fresh_dir("fix-notebook-canonical");
    // Written by nbformat itself (ids, sorted keys, indent=1, non-ASCII as it is), the rewritten
    // notebook is what nbformat writes for the same cells, byte for byte.
    let make = r##"
import nbformat, sys
from nbformat.v4 import new_notebook, new_code_cell, new_markdown_cell
cells = [
    new_markdown_cell("# Énergie \"totale\""),
    new_code_cell("import numpy as np  # café\nlabel = \"ü\\t\"\n"),
    new_code_cell("def total(x):\n    s = 0.0\n    for i in range(x.shape[0]):\n        s += x[i] * x[i]\n    return s"),
]
nb = new_notebook(cells=cells)
nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1.5 µs\n")]
nbformat.write(nb, sys.argv[1])
"##;
    let check = r#"
import nbformat, sys
text = open(sys.argv[1], encoding="utf-8").read()
nb = nbformat.reads(text, as_version=4)
nbformat.validate(nb)
print(nbformat.writes(nb) + "\n" == text)
print(nb.cells[1].source)
print(nb.cells[2].source.splitlines()[0])
"#;
    let python = jitlens_tests::test_python();
    let file = dir.join("energy.ipynb");
    let made = Command::new(&python)
        .args(["-c", make])
        .arg(&file)
        .output()
        .expect("python runs");
    if String::from_utf8_lossy(&made.stderr).contains("No module named 'nbformat'") {
        eprintln!(
            "nbformat is not installed in {}: test left out",
            python.display()
        );
        return;
    }
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let (code, stdout, stderr) = jitlens(&["fix", "energy.ipynb", "--write"], &dir);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let checked = Command::new(&python)
        .args(["-c", check])
        .arg(&file)
        .output()
        .expect("python runs");
    let printed = String::from_utf8_lossy(&checked.stdout);
    assert_eq!(
        printed,
        "True\nimport numpy as np  # café\nimport numba\nlabel = \"ü\\t\"\n\n@numba.njit(cache=True)\n",
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
}
