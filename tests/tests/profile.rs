//! Profile jobs: the original line-profiled with its JIT off, from the terminal and over HTTP;
//! a profile of compiled code is refused.

use std::process::Command;
use std::time::Duration;

use jitlens_tests::jobs::{api, submit, wait_until};
use jitlens_tests::serve::Serve;
use jitlens_tests::{fresh_dir, jitlens_bin, test_python};
use serde_json::{json, Value};

const PAIRWISE: &str = "import numpy as np
from numba import njit


@njit(cache=True)
def pairwise(X):
    n, m = X.shape
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            for k in range(m):
                out[i, j] += (X[i, k] - X[j, k]) ** 2
    return np.sqrt(out)
";

const MATMUL_THEN_SCALE: &str = "import numpy as np


def project(a, b):
    c = a @ b
    return c * 0.5
";

/// `jitlens profile FILE::FUNCTION --json ...`: the exit code and the JobResult.
fn profile(source: &str, function: &str, extra: &[&str]) -> (i32, Value, String) {
    let dir = fresh_dir("profile");
    let file = dir.join("module.py");
    std::fs::write(&file, source).unwrap();
    let output = Command::new(jitlens_bin())
        .arg("profile")
        .arg(format!("{}::{function}", file.display()))
        .args(["--json", "--python"])
        .arg(test_python())
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(extra)
        .output()
        .expect("jitlens runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let result = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (output.status.code().expect("an exit code"), result, stderr)
}

fn share_of(result: &Value, lines: &[u64]) -> f64 {
    result["profile"]["lines"]
        .as_array()
        .expect("profiled lines")
        .iter()
        .filter(|line| lines.contains(&line["line"].as_u64().unwrap()))
        .map(|line| line["share"].as_f64().unwrap())
        .sum()
}

#[test]
fn triple_loop_time_lands_in_the_innermost_loop_with_the_jit_off() {
    let setup = "import numpy as np\nX = np.random.rand(60, 3)";
    let (code, result, stderr) = profile(PAIRWISE, "pairwise", &["--setup", setup]);
    assert_eq!(code, 0, "{result}\n{stderr}");
    // Lines 11 and 12: `for k in range(m):` and its body.
    let innermost = share_of(&result, &[11, 12]);
    assert!(
        innermost > 0.8,
        "innermost loop share {innermost}: {result}"
    );
    let profile = &result["profile"];
    assert_eq!(
        profile["jit_disabled"],
        json!(["pairwise: @njit(cache=True)"])
    );
    assert!(profile["loop_share"].as_f64().unwrap() > 0.9, "{profile}");
}

#[test]
fn matmul_holds_the_time_and_the_summary_says_compiling_will_not_help() {
    let setup = "import numpy as np\na = np.random.rand(400, 400)\nb = np.random.rand(400, 400)";
    let (code, result, stderr) = profile(MATMUL_THEN_SCALE, "project", &["--setup", setup]);
    assert_eq!(code, 0, "{result}\n{stderr}");
    assert!(
        share_of(&result, &[5]) > share_of(&result, &[6]),
        "{result}"
    );
    let profile = &result["profile"];
    assert!(profile["kernel_share"].as_f64().unwrap() > 0.5, "{profile}");
    let summary = profile["summary"].as_str().unwrap();
    assert!(summary.contains("compiling will not help"), "{summary}");
}

#[test]
fn profiling_the_compiled_function_is_refused_with_the_reason() {
    let (code, _, stderr) = profile(PAIRWISE, "pairwise", &["--framework", "numba"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("line profile of compiled code would be wrong"),
        "{stderr}"
    );

    let serve = Serve::start_runner(None, &[]);
    let compiled = json!({"source": PAIRWISE, "function": "pairwise", "kind": "profile",
                          "framework": "numba"});
    let response = api(&serve, "POST", "/api/jobs", compiled.to_string().as_bytes());
    assert_eq!(response.status, 400, "{}", response.body);
    assert!(response.json()["error"]
        .as_str()
        .unwrap()
        .contains("compiled code"));
}

#[test]
fn profile_jobs_run_over_http() {
    let serve = Serve::start_runner(None, &[]);
    let job = json!({"source": PAIRWISE, "function": "pairwise", "kind": "profile",
                     "setup": "import numpy as np\nX = np.random.rand(20, 3)"});
    let id = submit(&serve, &job);
    let done = wait_until(&serve, &id, &["done", "failed"], Duration::from_secs(120));
    assert_eq!(done["status"], "done", "{done}");
    assert!(
        done["profile"]["lines"].as_array().unwrap().len() >= 5,
        "{done}"
    );
    assert!(
        done.get("speedup").is_none(),
        "a profile is not a benchmark: {done}"
    );
}
