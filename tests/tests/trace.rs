//! `jitlens trace`, `replay` and `bench --inputs` on real programs traced in real child processes,
//! and the trace routes of a real `jitlens serve`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use jitlens_tests::jobs::api;
use jitlens_tests::serve::Serve;
use jitlens_tests::{fresh_dir, jitlens_bin, pytest, test_python, workspace_root};
use serde_json::Value;

/// A copy of `tests/fixtures/trace/NAME` in a fresh folder, so runs leave the fixture as it is.
fn fixture(name: &str) -> PathBuf {
    let dir = fresh_dir(&format!("trace-{name}"));
    copy_dir(
        &workspace_root().join("tests/fixtures/trace").join(name),
        &dir,
    );
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn python() -> String {
    test_python().to_str().expect("a UTF-8 path").to_owned()
}

/// Runs `jitlens ARGS` in `dir` with `data` as its data folder.
fn jitlens(dir: &Path, data: &Path, args: &[&str]) -> Output {
    Command::new(jitlens_bin())
        .args(args)
        .current_dir(dir)
        .env("JITLENS_DATA_DIR", data)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("jitlens runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The last line of stdout, as the trace's JSON.
fn trace_json(output: &Output) -> Value {
    let stdout = text(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|error| {
        panic!(
            "no trace JSON last ({error}):\n{stdout}\n{}",
            text(&output.stderr)
        )
    })
}

fn function<'t>(trace: &'t Value, name: &str) -> &'t Value {
    trace["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no function {name} in {trace}"))
}

#[test]
fn a_loop_program_is_ranked_with_its_jit_off_and_real_inputs_kept() {
    let dir = fixture("loop_program");
    let data = fresh_dir("trace-data");
    let plain = Command::new(python())
        .arg("main.py")
        .current_dir(&dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    assert!(plain.status.success(), "{}", text(&plain.stderr));

    let traced = jitlens(
        &dir,
        &data,
        &["trace", "--json", "--", &python(), "main.py"],
    );
    assert!(traced.status.success(), "{}", text(&traced.stderr));
    // The program's own output comes first, unchanged.
    assert!(
        text(&traced.stdout).starts_with(&text(&plain.stdout)),
        "{}",
        text(&traced.stdout)
    );
    let trace = trace_json(&traced);
    assert_eq!(
        trace["jit_disabled"],
        serde_json::json!(["numba"]),
        "{trace}"
    );
    let first = &trace["functions"][0];
    assert_eq!(first["name"], "pairwise_distances", "{trace}");
    assert!(first["share"].as_f64().unwrap() > 0.5, "{first}");
    assert_eq!(first["signatures"], 2, "two point-set sizes: {first}");
    assert!(first["samples"].as_u64().unwrap() >= 2, "{first}");
    assert_eq!(first["verdict"], "numba high", "{first}");
    // The helper that is `@numba.njit` ran as Python: the tracer saw its calls.
    let nearest = function(&trace, "nearest");
    assert_eq!(nearest["calls"], 2, "{nearest}");
    assert!(nearest["own_s"].as_f64().unwrap() > 0.0, "{nearest}");
    assert!(function(&trace, "pairwise_vectorised")["calls"] == 2);

    // The same trace, read back.
    let id = trace["id"].as_str().unwrap();
    let shown = jitlens(&dir, &data, &["trace", "show", id]);
    let table = text(&shown.stdout);
    assert!(
        table
            .lines()
            .nth(1)
            .unwrap_or_default()
            .starts_with("pairwise_distances"),
        "{table}"
    );
    assert!(
        table.contains("float64[300, 3] (numpy) | float64[500, 3] (numpy)"),
        "{table}"
    );
    let listed = text(&jitlens(&dir, &data, &["trace", "list"]).stdout);
    assert!(
        listed.starts_with(id) && listed.contains("main.py"),
        "{listed}"
    );

    // A replay module of the Numba rewrite passes on the captured inputs; a wrong one fails.
    let replay = jitlens(
        &dir,
        &data,
        &["replay", id, "pairwise_distances", "-o", "test_replay.py"],
    );
    assert!(replay.status.success(), "{}", text(&replay.stderr));
    assert!(dir.join("test_replay.samples").is_file());
    let (passed, report) = pytest(&dir.join("test_replay.py"));
    assert!(passed && report.contains("2 passed"), "{report}");
    let wrong = std::fs::read_to_string(dir.join("kernels.py"))
        .unwrap()
        .replace("out[i, j] = total ** 0.5", "out[i, j] = total");
    std::fs::write(dir.join("wrong.py"), wrong).unwrap();
    let args = [
        "replay",
        id,
        "pairwise_distances",
        "--candidate",
        "wrong.py",
        "-o",
        "test_wrong.py",
    ];
    assert!(jitlens(&dir, &data, &args).status.success());
    let (passed, report) = pytest(&dir.join("test_wrong.py"));
    assert!(!passed && report.contains("elements differ"), "{report}");
}

#[test]
fn under_pytest_the_functions_under_test_are_traced_and_the_tests_are_not() {
    let dir = fixture("suite");
    let data = fresh_dir("trace-data");
    let traced = jitlens(
        &dir,
        &data,
        &[
            "trace",
            "--json",
            "--",
            &python(),
            "-m",
            "pytest",
            "-q",
            "tests/",
        ],
    );
    assert!(traced.status.success(), "{}", text(&traced.stdout));
    assert!(
        text(&traced.stdout).contains("3 passed"),
        "{}",
        text(&traced.stdout)
    );
    let trace = trace_json(&traced);
    let names: Vec<&str> = trace["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"mean") && names.contains(&"dot"),
        "{names:?}"
    );
    assert!(
        names.iter().all(|name| !name.starts_with("test_")),
        "{names:?}"
    );
    assert_eq!(function(&trace, "mean")["calls"], 2);
    assert_eq!(function(&trace, "mean")["file"], "mathlib/ops.py");
}

#[test]
fn a_crash_keeps_what_ran_and_passes_its_exit_code_on() {
    let dir = fixture("crash_program");
    let data = fresh_dir("trace-data");
    let traced = jitlens(
        &dir,
        &data,
        &["trace", "--json", "--", &python(), "main.py"],
    );
    assert_eq!(traced.status.code(), Some(1), "{}", text(&traced.stderr));
    assert!(
        text(&traced.stderr).contains("Traceback"),
        "{}",
        text(&traced.stderr)
    );
    let trace = trace_json(&traced);
    assert_eq!(trace["status"], "failed", "{trace}");
    assert!(
        trace["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{trace}"
    );
    assert!(
        !trace["functions"].as_array().unwrap().is_empty(),
        "{trace}"
    );
}

#[test]
fn captured_inputs_show_the_recompiles_a_fixed_input_hides() {
    let dir = fixture("torch_varying");
    let data = fresh_dir("trace-data");
    let traced = jitlens(
        &dir,
        &data,
        &["trace", "--json", "--", &python(), "main.py"],
    );
    assert!(traced.status.success(), "{}", text(&traced.stderr));
    let trace = trace_json(&traced);
    let adaptive = function(&trace, "adaptive_processing");
    assert_eq!(adaptive["signatures"], 3, "{adaptive}");
    let bench = |extra: &[&str]| {
        let mut args = vec![
            "bench",
            "main.py::adaptive_processing",
            "--framework",
            "torch",
            "--plain",
            "--rounds",
            "3",
            "--json",
            "--python",
        ];
        let python = python();
        args.push(&python);
        args.extend_from_slice(extra);
        let output = jitlens(&dir, &data, &args);
        let result: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|_| panic!("{}{}", text(&output.stdout), text(&output.stderr)));
        assert_eq!(result["status"], "done", "{result}");
        result
    };
    let fixed = bench(&["--setup", "import torch\nx = torch.rand(4, 4)"]);
    let real = bench(&["--inputs", "latest"]);
    // One shape: at most the branch's other outcome recompiles (the equivalence seeds); the
    // captured calls add their shapes.
    let recompiles = |result: &Value| result["compile"]["recompiles"].as_u64().unwrap();
    assert!(recompiles(&fixed) <= 1, "{fixed}");
    assert!(
        recompiles(&real) > recompiles(&fixed) + 1,
        "{real}\n{fixed}"
    );
    assert_eq!(real["equivalence"]["cases"], adaptive["samples"], "{real}");
}

#[test]
fn the_runner_lists_and_serves_traces_behind_the_token() {
    let dir = fixture("loop_program");
    let data = fresh_dir("trace-data");
    let traced = jitlens(
        &dir,
        &data,
        &["trace", "--json", "--", &python(), "main.py"],
    );
    assert!(traced.status.success(), "{}", text(&traced.stderr));
    let id = trace_json(&traced)["id"].as_str().unwrap().to_owned();
    let serve = Serve::start_runner(Some(data), &[]);
    let bare = jitlens_tests::http::local(serve.port, "GET", "/api/traces", &[], b"");
    assert_eq!(bare.status, 401);
    let page: jitlens_analyzer::protocol::TracePage =
        serde_json::from_str(&api(&serve, "GET", "/api/traces", b"").body).unwrap();
    assert_eq!(page.traces[0].id, id);
    let path = format!("/api/traces/{id}");
    let trace: jitlens_analyzer::protocol::Trace =
        serde_json::from_str(&api(&serve, "GET", &path, b"").body).unwrap();
    assert_eq!(trace.functions[0].name, "pairwise_distances");
    assert_eq!(trace.functions[0].verdict.as_deref(), Some("numba high"));
    assert_eq!(api(&serve, "GET", "/api/traces/../etc", b"").status, 404);
    let unknown = format!("/api/traces/{}", "0".repeat(32));
    assert_eq!(api(&serve, "GET", &unknown, b"").status, 404);
}
