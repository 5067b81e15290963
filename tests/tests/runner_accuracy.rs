//! Real benchmarks with the real frameworks on this machine's CPU: the speedups the brief
//! promises, and no false speedup for a candidate identical to the original.
//!
//! Round counts are small to keep the suite short; the verdict's own bootstrap interval is what
//! the assertions lean on. `jitlens bench --repeat N` measures how steady these numbers are.

use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use jitlens_tests::jobs::{events, job, submit};
use jitlens_tests::serve::Serve;
use jitlens_tests::{fresh_dir, jitlens_bin, test_python, workspace_root};
use serde_json::{json, Value};

/// One benchmark at a time in this file: two at once on a small machine would time each other.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Starts a runner, submits `job` and waits up to `timeout` for it to end; the job as it ended.
fn run_to_end(job: &Value, timeout: Duration) -> Value {
    let serve = Serve::start_runner(None, &[]);
    let id = submit(&serve, job);
    jitlens_tests::jobs::wait_until(&serve, &id, &["done", "failed"], timeout)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(workspace_root().join("tests/fixtures/bench").join(name))
        .expect("the fixture exists")
}

#[test]
fn numba_makes_the_triple_loop_pairwise_distance_over_20x_faster() {
    let _serial = one_at_a_time();
    let data_dir = fresh_dir("bench-data");
    let output = Command::new(jitlens_bin())
        .current_dir(workspace_root())
        .args([
            "bench",
            "tests/fixtures/bench/pairwise.py::pairwise_distance",
            "--framework",
            "numba",
            "--setup",
            "import numpy as np\npoints = np.random.rand(300, 3)",
            "--rounds",
            "5",
            "--json",
            "--python",
        ])
        .arg(test_python())
        .arg("--data-dir")
        .arg(&data_dir)
        .output()
        .expect("jitlens bench runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("timing"),
        "progress goes to stderr: {stderr}"
    );
    // Without --plain, the candidate is jitlens's own rewrite, named before it runs.
    assert!(
        stderr.contains("candidate: pairwise_distance:numba-njit [safe]"),
        "{stderr}"
    );
    let result: Value = serde_json::from_str(&stdout).expect("--json prints a JobResult");
    assert_eq!(result["status"], "done", "{result}");
    assert_eq!(result["equivalence"]["passed"], true, "{result}");
    assert_eq!(result["equivalence"]["cases"], 3);
    let speedup = result["speedup"]["median"].as_f64().unwrap();
    assert!(speedup > 20.0, "numba speedup {speedup}: {result}");
    assert!(
        result["speedup"]["ci_low"].as_f64().unwrap() > 20.0,
        "{result}"
    );
    assert_eq!(result["verdict"], "faster");
    assert_eq!(result["compile"]["recompiles"], 0);
    assert!(result["break_even_calls"].as_u64().is_some(), "{result}");
    assert_eq!(result["jit_off"]["matched"], true, "{result}");
    assert!(
        result["jit_off"]["lines_run"].as_u64().unwrap() > 0,
        "{result}"
    );
    // The same object is stored, so the page can list it.
    assert!(data_dir.join("jitlens.sqlite3").is_file());
    let _ = std::fs::remove_dir_all(data_dir);
}

#[test]
fn torch_compile_speeds_up_complex_activation_with_compile_time_apart() {
    let _serial = one_at_a_time();
    let serve = Serve::start_runner(None, &[]);
    let source = fixture("activation.py");
    let id = submit(
        &serve,
        &json!({
            "source": source,
            "function": "complex_activation",
            "framework": "torch",
            // A tensor past the caches, on one thread. At 1000 x 1000 (4 MB, cache-resident)
            // this 2-core CPU measured 1.2x to 1.5x, swinging with the machine's load; at
            // 3000 x 3000 eager torch makes ten passes over 36 MB (allocating each result) and
            // the fused kernel one: 4.6x (interval 4.2x to 4.7x) by `jitlens bench --threads 1`.
            "setup": "import torch\nx = torch.randn(3000, 3000)",
            "threads": 1,
            "rounds": 10,
        }),
    );
    let stream = events(&serve, &id);
    let phases: Vec<&str> = stream
        .iter()
        .filter_map(|event| event["phase"].as_str())
        .collect();
    for phase in ["compile", "equivalence", "timing"] {
        assert!(phases.contains(&phase), "no {phase} event in {phases:?}");
    }
    assert_eq!(stream.last().unwrap()["status"], "done", "{stream:?}");
    let result = job(&serve, &id);
    assert_eq!(result["equivalence"]["passed"], true, "{result}");
    let speedup = &result["speedup"];
    let (median, low, high) = (
        speedup["median"].as_f64().unwrap(),
        speedup["ci_low"].as_f64().unwrap(),
        speedup["ci_high"].as_f64().unwrap(),
    );
    assert!(median > 1.5, "torch.compile speedup {median}: {result}");
    assert!(low <= median && median <= high, "{speedup}");
    assert_eq!(result["verdict"], "faster", "{result}");
    let first_call = result["compile"]["first_call_s"].as_f64().unwrap();
    let steady = result["candidate"]["median_s"].as_f64().unwrap();
    assert!(
        first_call > 10.0 * steady,
        "compile {first_call} s vs steady {steady} s"
    );
    assert_eq!(result["compile"]["graph_breaks"], 0);
    assert_eq!(result["device"], "cpu");
    assert_eq!(result["jit_off"]["matched"], true, "{result}");
}

#[test]
fn a_candidate_identical_to_the_original_is_judged_same() {
    let _serial = one_at_a_time();
    let source = fixture("smooth.py");
    let result = run_to_end(
        &json!({
            "source": source,
            "candidate_source": source,
            "function": "smooth",
            "setup": "import numpy as np\nx = np.random.rand(20000)",
            "rounds": 10,
            "threads": 1,
        }),
        Duration::from_secs(180),
    );
    assert_eq!(result["status"], "done", "{result}");
    assert_eq!(result["equivalence"]["passed"], true);
    assert_eq!(result["equivalence"]["max_abs_error"], 0.0);
    assert_eq!(result["verdict"], "same", "{result}");
    let median = result["speedup"]["median"].as_f64().unwrap();
    assert!((0.8..1.25).contains(&median), "{median}");
}

#[test]
fn a_wrong_candidate_is_caught_before_timing() {
    let _serial = one_at_a_time();
    let source = fixture("smooth.py");
    let wrong = source.replace("0.25, 0.5, 0.25", "0.25, 0.5, 0.26");
    let result = run_to_end(
        &json!({
            "source": source,
            "candidate_source": wrong,
            "function": "smooth",
            "setup": "import numpy as np\nx = np.random.rand(1000)",
        }),
        Duration::from_secs(120),
    );
    assert_eq!(result["status"], "done", "{result}");
    assert_eq!(result["equivalence"]["passed"], false);
    let failure = result["equivalence"]["failures"][0].as_str().unwrap();
    assert!(failure.contains("elements differ"), "{failure}");
    assert!(
        result.get("speedup").is_none(),
        "a wrong candidate is not timed: {result}"
    );
}

#[test]
fn gpu_path_runs_on_cuda_or_says_it_was_not_run() {
    let _serial = one_at_a_time();
    let source = fixture("activation.py");
    let result = run_to_end(
        &json!({
            "source": source,
            "candidate_source": source,
            "function": "complex_activation",
            "setup": "import torch\nx = torch.randn(256, 256, device='cuda')",
            "rounds": 3,
        }),
        Duration::from_secs(180),
    );
    let has_gpu = std::path::Path::new("/dev/nvidiactl").exists();
    if has_gpu {
        assert_eq!(result["status"], "done", "{result}");
        assert!(
            result["device"].as_str().unwrap().starts_with("cuda"),
            "{result}"
        );
    } else {
        // No GPU here: the job says why it did not run instead of timing something else.
        assert_eq!(result["status"], "failed", "{result}");
        let error = result["error"].as_str().unwrap();
        assert!(error.contains("GPU path not run"), "{error}");
        eprintln!("GPU path not run: no GPU on this machine ({error})");
    }
}
