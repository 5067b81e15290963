//! The IPython extension (`runner/ipython`, `%load_ext jitlens`) in a real kernel started with
//! jupyter_client, and `jitlens bench --samples`, the route it benchmarks the notebook's live
//! values by.

use std::path::Path;
use std::process::{Command, Output};

use jitlens_tests::{fresh_dir, jitlens_bin, test_python, workspace_root};
use serde_json::Value;

const LOOP: &str = "\
import numpy as np


def total(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * x[i]
    return s
";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs the project's Python on `code` with `args`.
fn python(code: &str, args: &[&Path], env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(test_python());
    command.arg("-c").arg(code).args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("python runs")
}

#[test]
fn bench_takes_pickled_arguments_from_a_samples_file() {
    let dir = fresh_dir("bench-samples");
    std::fs::write(dir.join("kernels.py"), LOOP).unwrap();
    // Two argument sets, written as the extension writes them.
    let write = r#"
import json, pickle, sys
import numpy as np
sets = [((np.arange(5000.0),), {}), ((np.linspace(0, 1, 3000),), {})]
with open(sys.argv[1], "wb") as out:
    out.write(b"JITLENS-SAMPLES 1\n")
    for call, (args, kwargs) in enumerate(sets, 1):
        data = pickle.dumps({"args": args, "kwargs": kwargs})
        header = {"k": 0, "call": call, "signature": "", "complete": True, "omitted": [], "bytes": len(data)}
        out.write(json.dumps(header).encode() + b"\n" + data)
"#;
    let samples = dir.join("inputs.samples");
    let made = python(write, &[&samples], &[]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let python_path = test_python();
    let bench = |samples: &Path| {
        Command::new(jitlens_bin())
            .args([
                "bench",
                "kernels.py::total",
                "--json",
                "--rounds",
                "3",
                "--samples",
            ])
            .arg(samples)
            .arg("--python")
            .arg(&python_path)
            .current_dir(&dir)
            .env("JITLENS_DATA_DIR", dir.join("data"))
            .output()
            .expect("jitlens runs")
    };
    let output = bench(&samples);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).expect("a JobResult");
    assert_eq!(result["status"], "done", "{result}");
    assert_eq!(result["equivalence"]["passed"], true, "{result}");
    assert_eq!(
        result["equivalence"]["cases"], 2,
        "one case per set: {result}"
    );
    assert!(
        result["speedup"]["median"].as_f64().unwrap() > 1.0,
        "{result}"
    );

    std::fs::write(dir.join("not.samples"), "x = 1\n").unwrap();
    let output = bench(&dir.join("not.samples"));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("is not a samples file"),
        "{}",
        text(&output.stderr)
    );
}

/// The outputs of each cell run in a fresh kernel: a list per cell of `{"data": {MIME: ...}}`,
/// `{"stream": text}` or `{"error": traceback}`.
fn run_in_kernel(cells: &[&str]) -> Vec<Vec<Value>> {
    let dir = fresh_dir("ipython-kernel");
    let cells_file = dir.join("cells.json");
    std::fs::write(&cells_file, serde_json::to_string(cells).unwrap()).unwrap();
    let driver = workspace_root().join("tests/fixtures/ipython/run_cells.py");
    let output = Command::new(test_python())
        .arg(&driver)
        .arg(&cells_file)
        .current_dir(&dir)
        .env("PYTHONPATH", workspace_root().join("runner/ipython"))
        .env("JITLENS_BIN", jitlens_bin())
        .env("JITLENS_DATA_DIR", dir.join("data"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python runs");
    let stderr = text(&output.stderr);
    assert!(
        !stderr.contains("No module named 'jupyter_client'"),
        "the kernel tests need jupyter_client and ipykernel in {}: `pip install -r \
         python/requirements.txt` (cargo xtask test installs them)",
        test_python().display()
    );
    assert!(output.status.success(), "{stderr}");
    let outputs: Vec<Vec<Value>> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON line per cell"))
        .collect();
    assert_eq!(outputs.len(), cells.len(), "{outputs:?}\n{stderr}");
    outputs
}

/// The value of `mime` in the cell's one display.
fn display<'a>(outputs: &'a [Value], mime: &str) -> &'a Value {
    let shown: Vec<&Value> = outputs
        .iter()
        .filter_map(|output| output["data"].get(mime))
        .collect();
    assert_eq!(shown.len(), 1, "one {mime} display: {outputs:?}");
    shown[0]
}

#[test]
fn the_magics_check_a_cell_and_bench_a_numba_loop_on_the_notebooks_values() {
    let cell = format!(
        "%%jitlens\n{}\nprint(\"defined\")",
        LOOP.trim_start_matches("import numpy as np\n\n\n")
    );
    let outputs = run_in_kernel(&[
        "%load_ext jitlens",
        "import numpy as np",
        &cell,
        "x = np.random.default_rng(0).random(20_000)",
        "%jitlens_bench --rounds 5 total(x)",
    ]);
    for (index, output) in outputs.iter().enumerate() {
        assert!(
            output.iter().all(|o| o.get("error").is_none()),
            "cell {}: {output:?}",
            index + 1
        );
    }

    // %%jitlens ran the cell, then showed its findings at the cell's own lines (line 1 is the
    // magic; the loop is line 4).
    assert_eq!(outputs[2][0]["stream"], "defined\n", "{:?}", outputs[2]);
    let html = display(&outputs[2], "text/html").as_str().unwrap();
    assert!(
        html.contains("<code>NB401 interpreted-array-loop</code>"),
        "{html}"
    );
    assert!(html.contains("<b>numba</b>: high"), "{html}");
    let plain = display(&outputs[2], "text/plain").as_str().unwrap();
    assert!(
        plain.contains("line 4: NB401 (info) a 1-deep Python loop over array elements"),
        "{plain}"
    );

    // %jitlens_bench: Numba's rewrite against the original on `x` as the notebook holds it.
    let result = display(&outputs[4], "application/json");
    assert_eq!(result["status"], "done", "{result}");
    assert_eq!(result["equivalence"]["passed"], true, "{result}");
    assert_eq!(
        result["equivalence"]["cases"], 1,
        "the one live argument set: {result}"
    );
    let speedup = result["speedup"]["median"].as_f64().unwrap();
    eprintln!("%jitlens_bench speedup: {speedup:.1}x");
    assert!(speedup > 1.0, "{result}");
    let html = display(&outputs[4], "text/html").as_str().unwrap();
    for row in ["numba-njit", "compile time", "speedup", "95% interval"] {
        assert!(html.contains(row), "{row} missing: {html}");
    }
}
