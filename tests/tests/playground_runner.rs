//! The playground with the analyzer and the real runner together: the brief's
//! `adaptive_processing` pasted and diagnosed with its branchless rewrite, whose generated
//! equivalence test (shown in the page) passes under pytest with the real torch, and a Numba job
//! run from the page to a results table and a chart.

use std::time::Duration;

use jitlens_tests::serve::Serve;
use jitlens_tests::webdriver::Browser;
use jitlens_tests::{fresh_dir, pytest, test_python, wait_for};
use serde_json::json;

const ADAPTIVE: &str = "import torch


def adaptive_processing(x, threshold=0.5):
    mask = x > threshold
    num_large = mask.sum().item()
    if num_large > x.numel() * 0.3:
        result = torch.matmul(x, x.T)
        result = result.mean(dim=0)
    else:
        result = x.mean(dim=1)
    return result
";

const PAIRWISE: &str = "import numpy as np


def pairwise_distance(X):
    n, d = X.shape
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(d):
                diff = X[i, k] - X[j, k]
                s += diff * diff
            out[i, j] = np.sqrt(s)
    return out
";

/// Replaces the editor's text as a paste does: one input event.
fn paste(browser: &Browser, text: &str) {
    browser.execute(
        "const e = document.getElementById('editor');
         e.value = arguments[0];
         e.dispatchEvent(new Event('input', {bubbles: true}));",
        &[json!(text)],
    );
}

fn texts_of(browser: &Browser, selector: &str) -> Vec<String> {
    let texts = browser.execute(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent);",
        &[json!(selector)],
    );
    texts
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn pasting_adaptive_processing_shows_its_diagnostics_a_branchless_rewrite_and_a_passing_test() {
    let serve = Serve::start(&[]);
    let browser = Browser::start();
    browser.open(&serve.url);
    browser.find("#editor");
    paste(&browser, ADAPTIVE);
    let diagnostics = browser.wait_for_text("#diagnostics", |text| text.contains("PT001"));
    for code in ["PT001", "PT006", "PT301", "GEN401"] {
        assert!(diagnostics.contains(code), "{code} missing: {diagnostics}");
    }
    browser.wait_for_text("#functions", |text| text.contains("adaptive_processing"));
    let torch = browser.execute(
        "const row = [...document.querySelectorAll('#functions .verdict')]
           .find(r => r.querySelector('.framework').textContent === 'torch');
         return row ? row.querySelector('.benefit').textContent : null;",
        &[],
    );
    assert_eq!(torch, json!("harmful"));

    browser.click(&browser.find("#tab-rewrite"));
    browser.wait_for_text(".diff", |text| text.contains("torch.where"));
    // Each tab is named by what its rewrite does, so no two read the same.
    let tabs = texts_of(&browser, ".rewrite .tab");
    assert!(
        tabs.iter().any(|tab| tab == "torch: branchless"),
        "{tabs:?}"
    );
    let mut unique = tabs.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), tabs.len(), "{tabs:?}");
    let added = texts_of(&browser, ".diff .line.added");
    let removed = texts_of(&browser, ".diff .line.removed");
    assert!(
        added.iter().any(|line| line.contains("torch.where")),
        "{added:?}"
    );
    assert!(
        added.iter().all(|line| !line.contains(".item()")),
        "{added:?}"
    );
    assert!(
        removed.iter().any(|line| line.contains(".item()")),
        "{removed:?}"
    );

    // The pane's generated test, as the user would copy it, runs the two versions under pytest.
    browser.click(&browser.find(".rewrite-test summary"));
    let module = browser.wait_for_text("#rewrite-test", |text| text.contains("def test_"));
    assert!(
        module.contains("def test_") && module.contains("adaptive_processing"),
        "{module}"
    );
    let dir = fresh_dir("page-test");
    let file = dir.join("test_adaptive_processing_rewrite.py");
    std::fs::write(&file, module).expect("write the test");
    let (passed, text) = pytest(&file);
    assert!(passed && text.contains(" passed"), "{text}");

    // The Run pane starts from the function's own arrays: torch, with tensors to set up.
    browser.click(&browser.find("#tab-run"));
    browser.find("#framework-picker");
    assert_eq!(browser.value_of("#framework-picker"), "torch");
    let placeholder = browser
        .attribute_of("#setup", "placeholder")
        .unwrap_or_default();
    assert!(placeholder.contains("x = torch.rand("), "{placeholder}");
    browser.screenshot("run-pane-torch-defaults");
}

#[test]
fn a_numba_job_from_the_page_shows_the_table_and_the_chart() {
    let python = test_python();
    let serve = Serve::start(&["--python", python.to_str().expect("a UTF-8 path")]);
    let browser = Browser::start();
    browser.open(&serve.url);
    browser.find("#editor");
    paste(&browser, "def mine(x):\n    return x\n");
    // A first visit's one-click example: its code, framework and setup, with no typing.
    browser.click(&browser.find("#example-2"));
    browser.screenshot("example-opened");
    browser.wait_for_text("#functions", |text| text.contains("pairwise_distance"));
    assert_eq!(browser.value_of("#editor"), PAIRWISE);
    let notice = browser.text_of("#example-notice");
    assert!(notice.contains("Your own work is kept"), "{notice}");
    browser.click(&browser.find("#tab-run"));
    browser.wait_for_text("#runner-status", |text| text.contains("connected"));
    // The pane shows the runner's interpreter, how it was found and which JITs run there.
    // The probe imports every framework: it can take longer than an element wait.
    let env = wait_for("the runner's environment", Duration::from_secs(180), || {
        let shown = browser.text_of(".runner");
        assert!(!shown.contains("environment is unknown"), "{shown}");
        Some(browser.text_of("#runner-env")).filter(|text| text.contains("found by --python"))
    });
    assert!(env.contains(python.to_str().unwrap()), "{env}");
    assert!(browser.text_of("#runner-jits").contains("numba ✓"), "{env}");
    browser.find("#framework-picker");
    assert_eq!(browser.value_of("#framework-picker"), "numba");
    assert!(browser.value_of("#setup").contains("X = np.random"));
    browser.screenshot("run-pane-example");
    browser.click(&browser.find("#run"));

    let speedup = wait_for("the job's results", Duration::from_secs(300), || {
        let error = browser.text_of("#job-error");
        assert!(error.is_empty(), "the job failed: {error}");
        Some(browser.text_of("#speedup")).filter(|text| !text.is_empty())
    });
    assert!(speedup.contains("faster"), "{speedup}");
    let equivalence = browser.text_of("#equivalence");
    assert!(equivalence.starts_with("same results"), "{equivalence}");
    assert_eq!(browser.count("#samples-chart"), 1);
    let points = browser.count("#samples-chart circle");
    assert!(points >= 6, "{points} samples drawn");
    browser.screenshot("run-pane-results");
    // The user's own work comes back.
    browser.click(&browser.find("#restore"));
    assert_eq!(browser.value_of("#editor"), "def mine(x):\n    return x\n");
}
