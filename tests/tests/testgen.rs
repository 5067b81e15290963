//! Generated tests end to end: the modules of the brief's examples, a Numba loop
//! and a list-of-dicts split run under pytest with the real frameworks and pass; a wrong
//! rewrite fails them.
//!
//! The modules are committed under `python/generated/`; each test first checks that the
//! generator still writes exactly that file (`JITLENS_UPDATE_GENERATED=1` rewrites them).

use std::path::{Path, PathBuf};
use std::process::Command;

use jitlens_analyzer::testgen;
use jitlens_tests::{fresh_dir, pytest, test_python, workspace_root};

/// Generates the module for `target` (relative to the workspace) and checks it against the
/// committed copy; returns the committed copy's path.
fn generated(target: &str, framework: &str, committed: &str) -> PathBuf {
    let module = module(target, framework, None);
    let path = workspace_root().join("python/generated").join(committed);
    if std::env::var_os("JITLENS_UPDATE_GENERATED").is_some() {
        std::fs::write(&path, &module).expect("can write the generated module");
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == module,
        "{} is stale: rerun with JITLENS_UPDATE_GENERATED=1",
        path.display()
    );
    path
}

/// The module `jitlens testgen` writes for `FILE::FUNCTION` (the file relative to the workspace).
fn module(target: &str, framework: &str, setup: Option<&str>) -> String {
    let (file, function) = target.split_once("::").unwrap();
    let source = std::fs::read_to_string(workspace_root().join(file)).unwrap();
    testgen::module_for(&source, function, Some(framework), setup).unwrap()
}

fn assert_passes(file: &Path) -> String {
    let (passed, text) = pytest(file);
    assert!(
        passed && text.contains(" passed") && !text.contains("failed"),
        "{text}"
    );
    text
}

/// Runs Python code with the generated module importable as `generated`.
fn with_module(file: &Path, code: &str) -> String {
    let prelude = format!(
        "import importlib.util, sys\nspec = importlib.util.spec_from_file_location('generated', {:?})\ngenerated = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(generated)\n",
        file.display().to_string()
    );
    let output = Command::new(test_python())
        .arg("-c")
        .arg(format!("{prelude}{code}"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A copy of `file` with `from` replaced by `to` in the embedded rewrite.
fn broken_copy(file: &Path, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(file).unwrap();
    let (head, rewrite) = text.split_once("REWRITE_SOURCE = ").unwrap();
    assert!(rewrite.contains(from), "{from} not in the rewrite");
    let path = fresh_dir("broken").join(file.file_name().unwrap());
    std::fs::write(
        &path,
        format!("{head}REWRITE_SOURCE = {}", rewrite.replacen(from, to, 1)),
    )
    .unwrap();
    path
}

#[test]
fn adaptive_processing_branchless_rewrite_equals_the_original_on_both_branches() {
    let file = generated(
        "analyzer-wasm/tests/fixtures/rewrites/brief_torch.py::adaptive_processing",
        "torch",
        "test_adaptive_processing_torch.py",
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("torch.where(take_then, result_then, result_else)"));
    assert!(
        text.contains("\"kind\": \"tensor\", \"ndim\": 2"),
        "square 2-D inputs"
    );
    assert_passes(&file);
    // The generated cases take each outcome of the original's branch.
    let outcomes = with_module(
        &file,
        "seen = set()\nfor case in generated.CASES:\n    x = generated.make_inputs(case)['x']\n    if x.numel():\n        seen.add(bool((x > 0.5).sum().item() > x.numel() * 0.3))\nprint(sorted(seen))\n",
    );
    assert_eq!(outcomes, "[False, True]");
    // A rewrite that is off in one branch fails.
    let broken = broken_copy(
        &file,
        "result_then.mean(dim=0)",
        "result_then.mean(dim=0) * 1.001",
    );
    let (passed, output) = pytest(&broken);
    assert!(!passed && output.contains("elements differ"), "{output}");
}

#[test]
fn complex_activation_compiles_and_its_test_passes_on_cpu() {
    let file = generated(
        "analyzer-wasm/tests/fixtures/rewrites/brief_torch.py::complex_activation",
        "torch",
        "test_complex_activation_torch.py",
    );
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("@torch.compile\ndef complex_activation(x):"));
    assert_passes(&file);
}

#[test]
fn numba_loop_gets_njit_with_cache_and_passes() {
    let file = generated(
        "analyzer-wasm/tests/fixtures/rewrites/numba_loops.py::pairwise_distance",
        "numba",
        "test_pairwise_distance_numba.py",
    );
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("@numba.njit(cache=True)\ndef pairwise_distance(X):"));
    assert_passes(&file);
    let broken = broken_copy(&file, "acc += diff * diff", "acc += diff * diff + 1e-3");
    assert!(!pytest(&broken).0);
}

#[test]
fn list_of_dicts_split_passes() {
    let file = generated(
        "analyzer-wasm/tests/fixtures/rewrites/records.py::portfolio_value",
        "numba",
        "test_portfolio_value_numba.py",
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("def _portfolio_value_kernel(fee, positions_price, positions_qty):"));
    assert!(text.contains("\"kind\": \"records\""));
    assert_passes(&file);
    let broken = broken_copy(&file, "exposure += abs(value)", "exposure += value");
    assert!(!pytest(&broken).0);
}

#[test]
fn setup_snippet_overrides_the_inferred_inputs() {
    let out = fresh_dir("testgen-setup").join("test_setup.py");
    let setup = Some("x = torch.randn(7, 7) * 0 + 2");
    std::fs::write(
        &out,
        module(
            "analyzer-wasm/tests/fixtures/rewrites/brief_torch.py::adaptive_processing",
            "torch",
            setup,
        ),
    )
    .unwrap();
    let shapes = with_module(&out, "import torch\nprint(sorted({tuple(generated.make_inputs(c)['x'].shape) for c in generated.CASES}))");
    assert_eq!(shapes, "[(7, 7)]");
}
