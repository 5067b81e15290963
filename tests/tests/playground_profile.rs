//! A line profile in the playground, in headless chromium against a real `jitlens serve`: a share
//! link carrying the profile of a triple-loop pairwise distance puts heat on the innermost loop's
//! lines in the gutter (with the exact figures on hover), shows the profile's summary beside the
//! verdicts, hides the heat on edit and brings it back on undo, and the page's own Copy link
//! carries the profile to a fresh profile. And the Profile button sends a job for the original
//! function with no framework (the runner's side of profiling is tested with the runner).

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jitlens_tests::serve::Serve;
use jitlens_tests::wait_for;
use jitlens_tests::webdriver::Browser;
use serde_json::{json, Value};

const CODE: &str = "import numpy as np
from numba import njit


@njit(cache=True)
def pairwise_distance(x):
    n, d = x.shape
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            acc = 0.0
            for k in range(d):
                diff = x[i, k] - x[j, k]
                acc += diff * diff
            out[i, j] = np.sqrt(acc)
    return out
";

/// The innermost loop: its header and its two statements.
const INNERMOST: [u32; 3] = [12, 13, 14];

/// Line, hits, seconds, share: 100 points in 16 dimensions, one call, 0.4 s.
const LINES: [(u32, u64, f64, f64); 10] = [
    (7, 1, 0.0008, 0.002),
    (8, 1, 0.0004, 0.001),
    (9, 101, 0.002, 0.005),
    (10, 10_100, 0.008, 0.020),
    (11, 10_000, 0.004, 0.010),
    (12, 170_000, 0.084, 0.210),
    (13, 160_000, 0.148, 0.370),
    (14, 160_000, 0.132, 0.330),
    (15, 10_000, 0.020, 0.050),
    (16, 1, 0.0008, 0.002),
];

/// A v1 share state with no benchmark and a line profile of `CODE`.
fn profiled_state() -> Value {
    let lines: Vec<Value> = LINES
        .iter()
        .map(|(line, hits, time_s, share)| {
            json!({"line": line, "hits": hits, "time_s": time_s, "share": share})
        })
        .collect();
    json!({
        "v": 1,
        "code": CODE,
        "options": {"function": "pairwise_distance", "setup": "x = np.ones((100, 16))"},
        "profile": {
            "measured_at": "2026-11-25T20:00:00.000Z",
            "function": "pairwise_distance",
            "env": {"python": "3.11.2", "versions": {"numpy": "2.4.0"},
                    "cpu": "Test CPU 9000 (2 cores)", "gpus": []},
            "calls": 1,
            "total_s": 0.4,
            "jit_disabled": ["pairwise_distance: @njit(cache=True)"],
            "lines": lines,
            "loop_share": 0.99,
            "kernel_share": 0.0,
            "summary": "The innermost loop holds 91% of the time."
        }
    })
}

/// The `s=` value for a JSON state: raw DEFLATE, base64url without padding.
fn encode(state: &Value) -> String {
    let compressed = miniz_oxide::deflate::compress_to_vec(state.to_string().as_bytes(), 9);
    URL_SAFE_NO_PAD.encode(compressed)
}

/// Opens `url` as a fresh load and waits for the editor to hold `CODE`.
fn load(browser: &Browser, url: &str) {
    browser.open("about:blank");
    browser.open(url);
    browser.find("#editor");
    wait_for("the shared code", Duration::from_secs(20), || {
        (browser.value_of("#editor") == CODE).then_some(())
    });
}

fn heat_selector(line: u32) -> String {
    format!(".gutter .heat[data-line=\"{line}\"]")
}

fn wait_for_heat_count(browser: &Browser, expected: usize) {
    wait_for(
        &format!("{expected} heated lines"),
        Duration::from_secs(20),
        || (browser.count(".gutter .heat") == expected).then_some(()),
    );
}

/// The gutter heats exactly the profiled lines, most of the share on the innermost loop, with
/// the figures in each line's title and a stronger colour on hotter lines.
fn assert_heat(browser: &Browser) {
    wait_for_heat_count(browser, LINES.len());
    for line in 1..=6 {
        assert_eq!(
            browser.count(&heat_selector(line)),
            0,
            "line {line} ran no code"
        );
    }
    let shares: Vec<(u32, f64)> = LINES
        .iter()
        .map(|(line, ..)| {
            let share = browser
                .attribute_of(&heat_selector(*line), "data-share")
                .unwrap_or_else(|| panic!("line {line} has no heat"));
            (*line, share.parse().expect("a number"))
        })
        .collect();
    let innermost: f64 = shares
        .iter()
        .filter(|(line, _)| INNERMOST.contains(line))
        .map(|(_, share)| share)
        .sum();
    assert!(innermost > 0.8, "the innermost loop holds {innermost}");
    assert_eq!(
        browser.attribute_of(&heat_selector(13), "title").as_deref(),
        Some("line 13: 37.0% of the time, 160,000 hits, 0.148 s")
    );
    assert_eq!(
        browser.attribute_of(&heat_selector(7), "title").as_deref(),
        Some("line 7: 0.2% of the time, 1 hit, 800 µs")
    );
    let background = |line: u32| {
        browser.execute(
            "return getComputedStyle(document.querySelector(arguments[0])).backgroundColor;",
            &[json!(heat_selector(line))],
        )
    };
    assert_ne!(
        background(13),
        background(7),
        "a hot line and a cold one look alike"
    );
}

fn assert_summary(browser: &Browser) {
    // The summary sits in the profiled function's verdict card.
    let summary = browser.wait_for_text("#functions #profile-summary", |text| !text.is_empty());
    for expected in [
        "The innermost loop holds 91% of the time.",
        "99% of the time in interpreted loops: a JIT can take these over",
        "profiled with its JIT off: @njit(cache=True) removed",
        "Test CPU 9000",
    ] {
        assert!(
            summary.contains(expected),
            "{expected:?} is not in {summary}"
        );
    }
}

#[test]
fn a_shared_profile_heats_the_innermost_loop_and_says_where_the_time_goes() {
    let serve = Serve::start(&[]);
    let base = format!("http://127.0.0.1:{}/", serve.port);
    let first = Browser::start();
    load(&first, &format!("{base}#s={}", encode(&profiled_state())));
    assert_heat(&first);
    assert_summary(&first);

    // An edit hides the heat (it would sit on the wrong lines); undo brings it back.
    const CTRL: &str = "\u{E009}";
    const RELEASE: &str = "\u{E000}";
    let editor = first.find("#editor");
    first.type_text(&editor, "x");
    wait_for_heat_count(&first, 0);
    first.wait_for_text("#profile-summary", |text| {
        text.contains("The code changed since this profile")
    });
    first.type_text(&editor, &format!("{CTRL}z{RELEASE}"));
    wait_for("the undo", Duration::from_secs(20), || {
        (first.value_of("#editor") == CODE).then_some(())
    });
    wait_for_heat_count(&first, LINES.len());

    // The page's own link carries the profile to a fresh profile.
    first.click(&first.find("#copy-link"));
    let copied = wait_for("the share URL", Duration::from_secs(20), || {
        Some(first.value_of("#share-url")).filter(|url| url.contains("#s="))
    });
    drop(first);
    let second = Browser::start();
    load(&second, &copied);
    assert_heat(&second);
    assert_summary(&second);
}

#[test]
fn the_profile_button_sends_a_profile_job_without_a_framework() {
    let serve = Serve::start(&[]);
    let browser = Browser::start();
    // The printed URL pairs the page (`#token=...`); the link adds the code and its setup.
    load(
        &browser,
        &format!("{}&s={}", serve.url, encode(&profiled_state())),
    );
    browser.wait_for_text("#runner-status", |text| text.contains("connected"));
    // Record what the page posts; every request still goes to the real runner.
    browser.execute(
        "window.__posted = []; const fetch = window.fetch;
         window.fetch = function (request, init) {
           const copy = new Request(request, init);
           if (copy.method === 'POST') copy.clone().text().then(body => window.__posted.push(body));
           return fetch.call(this, request, init);
         };",
        &[],
    );
    browser.click(&browser.find("#tab-run"));
    let button = browser.find("#profile");
    wait_for("Profile to be enabled", Duration::from_secs(20), || {
        (browser.attribute_of("#profile", "disabled").is_none()).then_some(())
    });
    browser.click(&button);
    let posted = wait_for("the profile request", Duration::from_secs(20), || {
        browser
            .execute("return window.__posted[0] ?? null;", &[])
            .as_str()
            .map(str::to_owned)
    });
    let request: Value = serde_json::from_str(&posted).expect("a JSON body");
    assert_eq!(request["kind"], "profile", "{request}");
    assert_eq!(request["function"], "pairwise_distance", "{request}");
    assert_eq!(request["source"], CODE);
    assert_eq!(request["setup"], "x = np.ones((100, 16))");
    assert!(request.get("framework").is_none(), "{request}");
    assert!(request.get("candidate_source").is_none(), "{request}");
    // The real runner profiles the function with its JIT off; the heat lands in the gutter,
    // on the innermost loop's lines most of all, and the summary says where the time goes.
    wait_for("the job to end", Duration::from_secs(300), || {
        (browser.attribute_of("#profile", "disabled").is_none()).then_some(())
    });
    let heated = browser.count(".gutter .heat");
    assert!(heated >= 8, "{heated} heated lines");
    let innermost: f64 = INNERMOST
        .iter()
        .map(|line| {
            browser
                .attribute_of(&heat_selector(*line), "data-share")
                .and_then(|share| share.parse::<f64>().ok())
                .unwrap_or(0.0)
        })
        .sum();
    assert!(innermost > 0.8, "innermost loop share {innermost}");
    let summary = browser.wait_for_text("#profile-summary", |text| !text.is_empty());
    assert!(summary.contains("a JIT can take these over"), "{summary}");
    assert!(summary.contains("@njit(cache=True) removed"), "{summary}");
}
