//! `jitlens optimize` on a real program traced in a real child process: the loop verified with
//! Numba on the captured inputs, a rewrite that overflows refused as not equal, nothing written
//! without `--apply`, a file edited since the trace refused, and the program faster after it;
//! the brief's data-dependent torch function, whose plain `torch.compile` is measured for
//! reference and never applied.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use jitlens_tests::{fresh_dir, jitlens_bin, pytest, test_python, workspace_root};
use serde_json::Value;

fn project() -> PathBuf {
    copied("optimize")
}

/// A fresh copy of `tests/fixtures/<fixture>` (its `main.py` and `kernels.py`).
fn copied(fixture: &str) -> PathBuf {
    let dir = fresh_dir(&format!("{fixture}-project"));
    for file in ["main.py", "kernels.py"] {
        let from = workspace_root()
            .join("tests/fixtures")
            .join(fixture)
            .join(file);
        std::fs::copy(from, dir.join(file)).unwrap();
    }
    dir
}

fn run(dir: &Path, program: &str, args: &[&str], data: &Path) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("JITLENS_DATA_DIR", data)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("the command runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Seconds of one plain run of the program, and what it printed.
fn plain_run(dir: &Path, data: &Path) -> (f64, String) {
    let python = test_python();
    let started = Instant::now();
    let output = run(dir, python.to_str().unwrap(), &["main.py"], data);
    assert!(output.status.success(), "{}", text(&output.stderr));
    (started.elapsed().as_secs_f64(), text(&output.stdout))
}

#[test]
fn optimize_verifies_the_loop_refuses_what_differs_and_applies_only_what_is_proven() {
    let dir = project();
    let data = fresh_dir("optimize-data");
    let jitlens = jitlens_bin();
    let jitlens = jitlens.to_str().unwrap();
    let python = test_python();
    let (before_s, before_output) = plain_run(&dir, &data);
    let traced = run(
        &dir,
        jitlens,
        &["trace", "--", python.to_str().unwrap(), "main.py"],
        &data,
    );
    assert!(traced.status.success(), "{}", text(&traced.stderr));
    let kernels_before = std::fs::read_to_string(dir.join("kernels.py")).unwrap();

    let optimized = run(
        &dir,
        jitlens,
        &["optimize", "--json", "--rounds", "5"],
        &data,
    );
    let stdout = text(&optimized.stdout);
    let result: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|_| panic!("{stdout}\n{}", text(&optimized.stderr)));
    let function = |name: &str| {
        result["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {result}"))
            .clone()
    };
    let pairwise = function("pairwise_distances");
    assert_eq!(pairwise["status"], "verified", "{pairwise}");
    assert_eq!(pairwise["framework"], "numba", "{pairwise}");
    assert!(
        pairwise["speedup"]["median"].as_f64().unwrap() > 10.0,
        "{pairwise}"
    );
    assert!(
        pairwise["speedup"]["ci_low"].as_f64().unwrap() > 1.0,
        "{pairwise}"
    );
    assert_eq!(pairwise["equivalence"]["passed"], true, "{pairwise}");
    assert!(
        pairwise["break_even_calls"].as_u64().unwrap()
            <= pairwise["traced_calls"].as_u64().unwrap(),
        "{pairwise}"
    );
    assert!(
        result["projected_speedup"]["median"].as_f64().unwrap() > 1.5,
        "{result}"
    );
    // Compiled already: timed as written against its own Python, and counted at that speed.
    let nearest = function("nearest");
    assert_eq!(nearest["status"], "no-rewrite", "{nearest}");
    assert!(
        nearest["compiled_speedup"]["median"].as_f64().unwrap() > 10.0,
        "{nearest}"
    );
    // Python's integers do not overflow; int64 machine code does: refused, with the difference.
    let squares = function("sum_of_squares");
    assert_eq!(squares["status"], "not-equal", "{squares}");
    assert!(
        squares["reason"]
            .as_str()
            .is_some_and(|r| r.contains("return value")),
        "{squares}"
    );
    // The replay test of the verified rewrite runs under plain pytest.
    let replay = PathBuf::from(pairwise["replay_test"].as_str().expect("a replay test"));
    let (passed, report) = pytest(&replay);
    assert!(passed, "{report}");
    // Nothing in the project was written.
    assert_eq!(
        std::fs::read_to_string(dir.join("kernels.py")).unwrap(),
        kernels_before
    );
    assert!(!dir.join("tests").exists());

    // A file edited since the trace is refused before anything is measured or written.
    let edited = format!("{kernels_before}\n# an edit after the trace\n");
    std::fs::write(dir.join("kernels.py"), &edited).unwrap();
    let refused = run(
        &dir,
        jitlens,
        &["optimize", "--apply", "--rounds", "3"],
        &data,
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("kernels.py changed since trace"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("kernels.py")).unwrap(),
        edited
    );

    std::fs::write(dir.join("kernels.py"), &kernels_before).unwrap();
    let applied = run(
        &dir,
        jitlens,
        &["optimize", "--apply", "--rounds", "5"],
        &data,
    );
    assert!(applied.status.success(), "{}", text(&applied.stderr));
    let kernels_after = std::fs::read_to_string(dir.join("kernels.py")).unwrap();
    // The fastest equal variant is kept: plain `njit` or the `prange` one, as this machine says.
    let decorator = kernels_after
        .lines()
        .take_while(|line| !line.starts_with("def pairwise_distances("))
        .last()
        .unwrap_or_default();
    assert!(
        decorator.starts_with("@numba.njit(cache=True"),
        "{kernels_after}"
    );
    let before_squares = kernels_after
        .lines()
        .take_while(|line| !line.starts_with("def sum_of_squares("))
        .last()
        .unwrap_or_default();
    assert!(
        !before_squares.starts_with('@'),
        "not applied: {kernels_after}"
    );
    assert!(
        text(&applied.stdout).contains("+@numba.njit(cache=True"),
        "the diff is printed"
    );
    assert!(dir
        .join("tests/test_replay_pairwise_distances.py")
        .is_file());

    // The user's own run: the same output, faster (the second run loads Numba's cache).
    let (_, first_output) = plain_run(&dir, &data);
    let (after_s, after_output) = plain_run(&dir, &data);
    assert_eq!(first_output, before_output);
    assert_eq!(after_output, before_output);
    println!("the program: {before_s:.2} s before, {after_s:.2} s after `optimize --apply`");
    assert!(
        after_s < before_s,
        "{after_s:.2} s after, {before_s:.2} s before"
    );
}

#[test]
fn optimize_measures_the_branchless_rewrite_and_the_plain_compile_and_applies_no_plain_compile() {
    let dir = copied("optimize_torch");
    let data = fresh_dir("optimize-torch-data");
    let jitlens = jitlens_bin();
    let jitlens = jitlens.to_str().unwrap();
    let python = test_python();
    let traced = run(
        &dir,
        jitlens,
        &["trace", "--", python.to_str().unwrap(), "main.py"],
        &data,
    );
    assert!(traced.status.success(), "{}", text(&traced.stderr));
    let kernels_before = std::fs::read_to_string(dir.join("kernels.py")).unwrap();
    let optimized = run(
        &dir,
        jitlens,
        &["optimize", "--apply", "--json", "--rounds", "3"],
        &data,
    );
    let stdout = text(&optimized.stdout);
    let result: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|_| panic!("{stdout}\n{}", text(&optimized.stderr)));
    let adaptive = result["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "adaptive_processing")
        .unwrap_or_else(|| panic!("no adaptive_processing in {result}"))
        .clone();
    let variants = adaptive["variants"].as_array().unwrap();
    let measured = |prefix: &str| {
        variants
            .iter()
            .find(|v| v["strategy"].as_str().unwrap().starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in {adaptive}"))
            .clone()
    };
    // Both measured on the captured inputs: the branchless rewrite on offer, and torch.compile
    // as written, whose value-dependent branch after `.item()` breaks the graph and recompiles.
    let branchless = measured("adaptive_processing:torch-branchless");
    assert!(branchless["speedup"].as_f64().is_some(), "{branchless}");
    let plain = measured("torch-plain-decorator");
    assert!(plain["speedup"].as_f64().is_some(), "{plain}");
    assert!(plain["graph_breaks"].as_u64().unwrap() >= 1, "{plain}");
    assert!(plain["recompiles"].as_u64().unwrap() >= 1, "{plain}");
    assert!(
        !adaptive["rewrite"]
            .as_str()
            .is_some_and(|r| r.contains("plain")),
        "{adaptive}"
    );
    // Only a verified rewrite is written, and the plain decorator is never one.
    let kernels_after = std::fs::read_to_string(dir.join("kernels.py")).unwrap();
    if adaptive["status"] == "verified" {
        assert!(kernels_after.contains("torch.where"), "{kernels_after}");
    } else {
        assert_eq!(kernels_after, kernels_before);
    }
    assert!(
        !kernels_after.contains("@torch.compile\ndef adaptive_processing"),
        "{kernels_after}"
    );
}
