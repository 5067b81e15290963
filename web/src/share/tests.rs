//! Codec tests: round trips, the committed fixture of every old version, and damaged links.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jitlens_analyzer::protocol::{
    Compile, Environment, Equivalence, JobResult, JobStatus, LineProfile, LineTiming, Outcome,
    Speedup, Timing,
};

use super::*;

/// A v1 link made outside this crate (Python's zlib, raw DEFLATE, base64url) from
/// `fixtures/v1.json`. Never regenerate it: it stands for the links already out there.
const V1_FIXTURE: &str = include_str!("fixtures/v1.txt");

fn measured_state() -> SharedState {
    SharedState {
        code: "import numpy as np\n\n\ndef smooth(x):\n    out = np.empty_like(x)\n    for i in range(len(x)):\n        out[i] = 0.5 * x[i] + 0.25 * (x[i - 1] + x[(i + 1) % len(x)])\n    return out\n".to_owned(),
        options: Options {
            function: Some("smooth".to_owned()),
            framework: Some("numba".to_owned()),
            setup: Some("x = np.random.default_rng(0).random(100_000)".to_owned()),
        },
        results: Some(SharedResults {
            measured_at: "2026-11-25T19:00:00.000Z".to_owned(),
            function: "smooth".to_owned(),
            framework: Some("numba".to_owned()),
            job: JobResult {
                env: Some(Environment {
                    python: "3.11.2 (/usr/bin/python3)".to_owned(),
                    versions: BTreeMap::from([
                        ("numba".to_owned(), "0.68.0".to_owned()),
                        ("numpy".to_owned(), "2.4.0".to_owned()),
                    ]),
                    cpu: "Intel Xeon (2 cores)".to_owned(),
                    gpus: Vec::new(),
                }),
                equivalence: Some(Equivalence {
                    passed: true,
                    cases: 6,
                    max_abs_error: 0.0,
                    max_rel_error: 0.0,
                    failures: Vec::new(),
                    warnings: Vec::new(),
                }),
                original: Some(Timing {
                    median_s: 0.0412,
                    iqr_s: 0.0008,
                    samples_s: vec![0.0409, 0.0412, 0.0415],
                    loops: 3,
                }),
                candidate: Some(Timing {
                    median_s: 0.00021,
                    iqr_s: 0.00001,
                    samples_s: vec![0.0002, 0.00021, 0.00022],
                    loops: 500,
                }),
                speedup: Some(Speedup {
                    median: 196.2,
                    ci_low: 190.1,
                    ci_high: 201.7,
                }),
                verdict: Some(Outcome::Faster),
                compile: Some(Compile {
                    first_call_s: 0.61,
                    recompiles: 0,
                    graph_breaks: 0,
                }),
                break_even_calls: Some(15),
                ..JobResult::new("job-1".to_owned(), JobStatus::Done)
            },
        }),
        profile: None,
    }
}

fn profiled_state() -> SharedState {
    let timing = |line, hits, time_s, share| LineTiming {
        line,
        hits,
        time_s,
        share,
    };
    SharedState {
        profile: Some(SharedProfile {
            measured_at: "2026-11-25T19:30:00.000Z".to_owned(),
            function: "smooth".to_owned(),
            env: None,
            profile: LineProfile {
                calls: 3,
                total_s: 0.52,
                jit_disabled: vec!["smooth: @njit(cache=True)".to_owned()],
                lines: vec![
                    timing(5, 3, 0.001, 0.002),
                    timing(6, 300_003, 0.09, 0.173),
                    timing(7, 300_000, 0.428, 0.823),
                    timing(8, 3, 0.001, 0.002),
                ],
                loop_share: 0.996,
                kernel_share: 0.0,
                summary: "99.6% of the time is in loops a JIT can compile.".to_owned(),
            },
        }),
        ..measured_state()
    }
}

fn pack(json: &str) -> String {
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6))
}

#[test]
fn round_trips_code_options_and_results() {
    let state = measured_state();
    let link = encode(&state);
    assert!(link
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(decode(&link), Ok(state));
}

#[test]
fn round_trips_code_alone_with_unicode() {
    let state = SharedState {
        code: "def f(x):\n    return x  # größe, 速度, 🚀\n".to_owned(),
        options: Options::default(),
        results: None,
        profile: None,
    };
    assert_eq!(decode(&encode(&state)), Ok(state));
}

#[test]
fn round_trips_a_line_profile() {
    let state = profiled_state();
    assert_eq!(decode(&encode(&state)), Ok(state));
}

#[test]
fn the_profile_is_an_optional_v1_field() {
    let json_of = |state: &SharedState| -> serde_json::Value {
        let compressed = URL_SAFE_NO_PAD.decode(encode(state)).unwrap();
        serde_json::from_slice(&miniz_oxide::inflate::decompress_to_vec(&compressed).unwrap())
            .unwrap()
    };
    let with = json_of(&profiled_state());
    assert_eq!(with["v"], 1);
    assert_eq!(with["profile"]["lines"][2]["hits"], 300_000);
    assert_eq!(
        with["profile"]["jit_disabled"][0],
        "smooth: @njit(cache=True)"
    );
    // Without a profile the link is exactly what it was before the field existed.
    let without = json_of(&measured_state());
    assert!(without.get("profile").is_none(), "{without}");
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/v1.json")).unwrap();
    assert_eq!(without, fixture);
}

#[test]
fn every_old_version_still_decodes() {
    assert_eq!(decode(V1_FIXTURE.trim()), Ok(measured_state()));
}

#[test]
fn new_links_are_written_as_v1_json() {
    let compressed = URL_SAFE_NO_PAD.decode(encode(&measured_state())).unwrap();
    let json = miniz_oxide::inflate::decompress_to_vec(&compressed).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(value["v"], 1);
    assert_eq!(
        value["results"]["job"]["env"]["cpu"],
        "Intel Xeon (2 cores)"
    );
}

#[test]
fn a_tampered_character_is_refused() {
    let link = V1_FIXTURE.trim();
    let mut bytes = link.as_bytes().to_vec();
    bytes[20] = b'*';
    let tampered = String::from_utf8(bytes).unwrap();
    assert_eq!(decode(&tampered), Err(ShareError::NotBase64));
}

#[test]
fn flipped_bits_are_refused() {
    // Raw DEFLATE has no checksum; here each flip breaks the stream or the JSON.
    let compressed = URL_SAFE_NO_PAD.decode(V1_FIXTURE.trim()).unwrap();
    for index in [0, 1, 7, compressed.len() / 2, compressed.len() - 1] {
        let mut damaged = compressed.clone();
        damaged[index] ^= 0b0101_0101;
        let result = decode(&URL_SAFE_NO_PAD.encode(&damaged));
        assert!(result.is_err(), "byte {index} decoded: {result:?}");
    }
}

#[test]
fn truncated_links_are_refused() {
    let link = V1_FIXTURE.trim();
    for keep in [0, 1, 5, link.len() / 2, link.len() - 3, link.len() - 1] {
        assert!(decode(&link[..keep]).is_err(), "kept {keep} characters");
    }
}

#[test]
fn oversized_content_is_refused() {
    // About 4 MB of JSON that compresses to a few kilobytes: a zip bomb in miniature.
    let json = format!(
        r#"{{"v": 1, "code": "{}"}}"#,
        "x".repeat(4 * MAX_DECODED_BYTES)
    );
    let link = pack(&json);
    assert!(link.len() < 20_000);
    assert_eq!(decode(&link), Err(ShareError::TooLarge));
}

#[test]
fn unknown_versions_and_bad_shapes_say_so() {
    assert_eq!(
        decode(&pack(r#"{"v": 99, "code": ""}"#)),
        Err(ShareError::UnknownVersion(99))
    );
    assert!(matches!(
        decode(&pack(r#"{"code": "x"}"#)),
        Err(ShareError::Invalid(_))
    ));
    assert!(matches!(
        decode(&pack(r#"{"v": 1, "code": 3}"#)),
        Err(ShareError::Invalid(_))
    ));
    assert_eq!(decode(&pack("not json")), Err(ShareError::Corrupt));
}

#[test]
fn errors_read_as_sentences() {
    let message = ShareError::Corrupt.to_string();
    assert!(
        message.starts_with("This share link cannot be opened"),
        "{message}"
    );
}
