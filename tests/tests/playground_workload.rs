//! The Workload pane in headless chromium against a real `jitlens serve`: a program traced by
//! `jitlens trace`, its functions ranked with their shares, one opened into the editor and run on
//! the trace's real inputs; after `jitlens optimize`, each measured row shows its status and
//! speedup, and a click on it shows the figures and the diff of its rewrite.

use std::process::Command;
use std::time::Duration;

use jitlens_tests::serve::Serve;
use jitlens_tests::webdriver::Browser;
use jitlens_tests::{fresh_dir, jitlens_bin, test_python, wait_for, workspace_root};

#[test]
fn the_workload_pane_ranks_a_trace_and_runs_a_function_on_its_real_inputs() {
    let project = workspace_root().join("tests/fixtures/trace/loop_program");
    let data = fresh_dir("workload-data");
    let traced = Command::new(jitlens_bin())
        .args(["trace", "--root"])
        .arg(&project)
        .arg("--data-dir")
        .arg(&data)
        .arg("--")
        .arg(test_python())
        .arg("main.py")
        .current_dir(&project)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("jitlens trace runs");
    assert!(
        traced.status.success(),
        "{}",
        String::from_utf8_lossy(&traced.stderr)
    );

    let optimized = Command::new(jitlens_bin())
        .args(["optimize", "--rounds", "3", "--top", "2", "--data-dir"])
        .arg(&data)
        .current_dir(&project)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("jitlens optimize runs");
    assert!(
        optimized.status.code().is_some_and(|code| code <= 1),
        "{}",
        String::from_utf8_lossy(&optimized.stderr)
    );

    let serve = Serve::start_on(data);
    let browser = Browser::start();
    browser.open(&serve.url);
    browser.find("#editor");
    browser.click(&browser.find("#tab-workload"));
    browser.wait_for_text("#workload-functions", |text| {
        text.contains("pairwise_distances")
    });
    let first = browser.text_of("#workload-functions tbody tr:first-child");
    assert!(
        first.contains("pairwise_distances") && first.contains("numba high"),
        "{first}"
    );
    let width = browser.execute(
        "return parseFloat(document.querySelector('#workload-functions tbody tr .bar').style.width);",
        &[],
    );
    assert!(
        width.as_f64().unwrap_or_default() > 50.0,
        "the first bar: {width}"
    );
    // Equal and far faster; with the trace's two calls its compile may not pay back (slower).
    assert!(
        (first.contains("verified") || first.contains("slower")) && first.contains("×"),
        "the optimize cell: {first}"
    );
    browser.screenshot("workload-pane");

    browser.click(&browser.find("#workload-functions tbody tr:first-child .optimize-toggle"));
    let detail = browser.wait_for_text("#workload-functions .optimize-detail", |text| {
        text.contains("speedup")
    });
    assert!(
        detail.contains("same results on 2 captured argument set(s)") && detail.contains("tried"),
        "{detail}"
    );
    let diff = browser.text_of("#workload-functions .optimize-detail table.diff");
    assert!(
        diff.contains("def pairwise_distances(points):") && diff.contains("njit"),
        "{diff}"
    );
    browser.screenshot("workload-optimize-detail");
    browser.click(&browser.find("#workload-functions tbody tr:first-child .optimize-toggle"));

    browser.click(&browser.find("#workload-functions tbody tr:first-child .open-traced"));
    let inputs = browser.wait_for_text("#captured-inputs", |text| text.contains("argument set"));
    assert!(inputs.contains("pairwise_distances"), "{inputs}");
    assert!(browser
        .value_of("#editor")
        .contains("def pairwise_distances(points):"));
    assert_eq!(browser.value_of("#framework-picker"), "numba");
    browser.screenshot("run-pane-captured-inputs");
    browser.click(&browser.find("#run"));
    let speedup = wait_for("the job's results", Duration::from_secs(300), || {
        let error = browser.text_of("#job-error");
        assert!(error.is_empty(), "the job failed: {error}");
        Some(browser.text_of("#speedup")).filter(|text| !text.is_empty())
    });
    assert!(speedup.contains("faster"), "{speedup}");
    let equivalence = browser.text_of("#equivalence");
    assert!(
        equivalence.contains("2 cases") || equivalence.contains("same results"),
        "{equivalence}"
    );
    browser.screenshot("run-pane-captured-results");
}
