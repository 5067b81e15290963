//! The runner's job API over real HTTP: who may call it, and how bad requests are refused.

use std::time::Duration;

use jitlens_tests::http;
use jitlens_tests::jobs::{api, job, submit, wait_until};
use jitlens_tests::serve::Serve;
use serde_json::json;

/// A job that fails at once (the function does not exist), for tests that need finished jobs.
fn quick_failing_job(function: &str) -> serde_json::Value {
    json!({"source": "x = 1\n", "function": function, "candidate_source": "x = 1\n"})
}

#[test]
fn job_routes_need_the_token() {
    let serve = Serve::start_runner(None, &[]);
    let missing = http::local(serve.port, "GET", "/api/jobs", &[], b"");
    assert_eq!(missing.status, 401);
    let wrong = http::local(
        serve.port,
        "POST",
        "/api/jobs",
        &[
            ("Authorization", "Bearer wrong"),
            ("Content-Type", "application/json"),
        ],
        quick_failing_job("f").to_string().as_bytes(),
    );
    assert_eq!(wrong.status, 401);
    assert!(wrong.json()["error"].as_str().unwrap().contains("token"));
    assert_eq!(api(&serve, "GET", "/api/jobs", b"").status, 200);

    // EventSource cannot send headers: the event stream alone takes ?token=.
    let id = submit(&serve, &quick_failing_job("f"));
    let in_query = format!("/api/jobs/{id}?token={}", serve.token);
    assert_eq!(
        http::local(serve.port, "GET", &in_query, &[], b"").status,
        401
    );
    let wrong_query = format!("/api/jobs/{id}/events?token=nope");
    assert_eq!(
        http::local(serve.port, "GET", &wrong_query, &[], b"").status,
        401
    );
}

#[test]
fn foreign_host_and_origin_are_forbidden_without_cors() {
    let serve = Serve::start_runner(None, &[]);
    let bearer = serve.bearer();
    let rebinding = http::request(
        serve.port,
        "GET",
        "/api/jobs",
        &[("Host", "attacker.example:80"), ("Authorization", &bearer)],
        b"",
    )
    .unwrap();
    assert_eq!(rebinding.status, 403);
    let foreign = http::local(
        serve.port,
        "POST",
        "/api/jobs",
        &[
            ("Origin", "https://attacker.example"),
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        quick_failing_job("f").to_string().as_bytes(),
    );
    assert_eq!(foreign.status, 403);
    assert_eq!(foreign.header("access-control-allow-origin"), None);
    // A prefix of an allowed origin is not that origin.
    let lookalike = format!("http://127.0.0.1:{}.attacker.example", serve.port);
    let lookalike = http::local(
        serve.port,
        "GET",
        "/api/jobs",
        &[("Origin", &lookalike), ("Authorization", &bearer)],
        b"",
    );
    assert_eq!(lookalike.status, 403);
}

#[test]
fn preflight_from_an_allowed_origin_allows_the_private_network() {
    let serve = Serve::start_runner(None, &["--allow-origin", "https://play.example"]);
    let preflight = http::local(
        serve.port,
        "OPTIONS",
        "/api/jobs",
        &[
            ("Origin", "https://play.example"),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization, content-type",
            ),
            ("Access-Control-Request-Private-Network", "true"),
        ],
        b"",
    );
    assert_eq!(preflight.status, 204);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("https://play.example")
    );
    assert_eq!(
        preflight.header("access-control-allow-private-network"),
        Some("true")
    );
    assert!(preflight
        .header("access-control-allow-methods")
        .unwrap()
        .contains("DELETE"));
    assert_eq!(preflight.header("vary"), Some("Origin"));
    let stranger = http::local(
        serve.port,
        "OPTIONS",
        "/api/jobs",
        &[
            ("Origin", "https://other.example"),
            ("Access-Control-Request-Method", "POST"),
        ],
        b"",
    );
    assert_eq!(stranger.status, 403);
    assert_eq!(stranger.header("access-control-allow-origin"), None);
}

#[test]
fn bad_requests_are_refused_with_what_is_wrong() {
    let serve = Serve::start_runner(None, &[]);
    let huge =
        json!({"source": "#".repeat(1024 * 1024 + 10), "function": "f", "framework": "numba"});
    let too_big = api(&serve, "POST", "/api/jobs", huge.to_string().as_bytes());
    assert_eq!(too_big.status, 413, "{}", too_big.body);

    let broken = api(
        &serve,
        "POST",
        "/api/jobs",
        br#"{"source": "x", "function": "#,
    );
    assert_eq!(broken.status, 400);
    let message = broken.json()["error"].as_str().unwrap().to_owned();
    assert!(
        message.contains("JSON") && message.contains("line 1"),
        "{message}"
    );

    let no_function = api(&serve, "POST", "/api/jobs", br#"{"source": "x = 1"}"#);
    assert_eq!(no_function.status, 400);
    assert!(no_function.json()["error"]
        .as_str()
        .unwrap()
        .contains("function"));

    let nothing_to_compare = api(
        &serve,
        "POST",
        "/api/jobs",
        br#"{"source": "", "function": "f"}"#,
    );
    assert_eq!(nothing_to_compare.status, 400);
    assert!(nothing_to_compare.json()["error"]
        .as_str()
        .unwrap()
        .contains("framework"));

    for path in [
        "/api/jobs/0123456789abcdef0123456789abcdef",
        "/api/jobs/..%2F..%2Fetc%2Fpasswd",
        "/api/jobs/../etc",
        "/api/jobs/..%2Fetc/events",
        "/api/nothing-here",
    ] {
        let response = api(&serve, "GET", path, b"");
        assert_eq!(response.status, 404, "{path}: {}", response.body);
        assert!(response.json()["error"].is_string(), "{path}");
        if !path.ends_with("/events") {
            assert_eq!(api(&serve, "DELETE", path, b"").status, 404, "{path}");
        }
    }
    let bad_page = api(&serve, "GET", "/api/jobs?limit=many", b"");
    assert_eq!(bad_page.status, 400);
}

#[test]
fn jobs_are_listed_newest_first_and_fetched_by_id() {
    let serve = Serve::start_runner(None, &[]);
    let ids: Vec<String> = ["first", "second", "third"]
        .iter()
        .map(|name| submit(&serve, &quick_failing_job(name)))
        .collect();
    for id in &ids {
        let failed = wait_until(&serve, id, &["failed"], Duration::from_secs(60));
        assert!(
            failed["error"]
                .as_str()
                .unwrap()
                .contains("has no function"),
            "{failed}"
        );
    }
    let page = api(&serve, "GET", "/api/jobs?limit=2&offset=0", b"").json();
    assert_eq!(page["total"], 3);
    let listed: Vec<&str> = page["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [ids[2].as_str(), ids[1].as_str()]);
    assert_eq!(page["jobs"][0]["function"], "third");
    let rest = api(&serve, "GET", "/api/jobs?limit=2&offset=2", b"").json();
    assert_eq!(rest["jobs"][0]["id"], ids[0].as_str());
    assert_eq!(job(&serve, &ids[0])["id"], ids[0].as_str());
}

#[test]
fn env_reports_the_interpreter_and_usable_jits() {
    let serve = Serve::start_runner(None, &[]);
    let env = api(&serve, "GET", "/api/env", b"");
    assert_eq!(env.status, 200, "{}", env.body);
    let env = env.json();
    assert_eq!(env["found_by"], "--python");
    assert!(
        env["environment"]["python"]
            .as_str()
            .unwrap()
            .starts_with('3'),
        "{env}"
    );
    assert!(env["environment"]["versions"]["numpy"].is_string(), "{env}");
    assert!(
        env["environment"]["cpu"]
            .as_str()
            .unwrap()
            .contains("cores"),
        "{env}"
    );
    let jits = env["jits"].as_array().unwrap();
    let names: Vec<&str> = jits
        .iter()
        .map(|jit| jit["framework"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["numba", "torch", "jax", "tensorflow"]);
    let numba = &jits[0];
    assert_eq!(numba["usable"], true, "{numba}");
    // The probe runs once; the second answer comes from the cache and is identical.
    assert_eq!(api(&serve, "GET", "/api/env", b"").json(), env);
}

/// The page parses each answer with the protocol type named here (`web/src/services`); a route
/// whose real answer does not parse is a pane that shows "unexpected answer from the runner".
fn parse_as<T: serde::de::DeserializeOwned>(route: &str, body: &str) -> T {
    serde_json::from_str(body).unwrap_or_else(|error| {
        panic!("the page cannot read {route}: {error}\nthe runner answered: {body}")
    })
}

#[test]
fn every_answer_the_page_reads_parses_into_the_pages_types() {
    use jitlens_analyzer::protocol::{Accepted, Health, JobPage, JobResult, Progress, RunnerEnv};

    let serve = Serve::start_runner(None, &[]);
    let health: Health = parse_as("/api/health", &api(&serve, "GET", "/api/health", b"").body);
    assert_eq!(health.status, "ok");
    let env: RunnerEnv = parse_as("/api/env", &api(&serve, "GET", "/api/env", b"").body);
    assert_eq!(env.found_by, "--python");
    assert!(!env.environment.python.is_empty(), "{env:?}");

    let submitted = api(
        &serve,
        "POST",
        "/api/jobs",
        quick_failing_job("gone").to_string().as_bytes(),
    );
    let accepted: Accepted = parse_as("POST /api/jobs", &submitted.body);
    wait_until(&serve, &accepted.id, &["failed"], Duration::from_secs(60));
    let path = format!("/api/jobs/{}", accepted.id);
    let result: JobResult = parse_as(&path, &api(&serve, "GET", &path, b"").body);
    assert_eq!(result.id, accepted.id);
    let page: JobPage = parse_as("/api/jobs", &api(&serve, "GET", "/api/jobs", b"").body);
    assert_eq!(page.jobs[0].id, accepted.id);
    let cancelled: Accepted = parse_as("DELETE", &api(&serve, "DELETE", &path, b"").body);
    assert_eq!(cancelled.id, accepted.id);
    let events = jitlens_tests::jobs::events(&serve, &accepted.id);
    assert!(!events.is_empty());
    for event in events {
        let _: Progress = parse_as("the event stream", &event.to_string());
    }
}

/// `GET /api/traces/{id}/optimize` before and after `jitlens optimize`: a JSON 404 that names
/// the command, then the stored result, which parses into the page's type.
#[test]
fn the_optimize_result_of_a_trace_parses_into_the_pages_type() {
    use jitlens_analyzer::protocol::{Optimized, TracePage};
    use jitlens_tests::{fresh_dir, jitlens_bin, test_python, workspace_root};

    let project = workspace_root().join("tests/fixtures/trace/loop_program");
    let data = fresh_dir("api-optimize-data");
    let run = |args: &[&str], python: bool| {
        let mut command = std::process::Command::new(jitlens_bin());
        command.args(args).arg("--data-dir").arg(&data);
        if python {
            command.arg("--").arg(test_python()).arg("main.py");
        }
        let output = command
            .current_dir(&project)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .expect("jitlens runs");
        assert!(
            output.status.code().is_some_and(|code| code <= 1),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run(&["trace", "--root", project.to_str().unwrap()], true);
    let serve = Serve::start_runner(Some(data.clone()), &[]);
    let page: TracePage = parse_as("/api/traces", &api(&serve, "GET", "/api/traces", b"").body);
    let id = page.traces[0].id.clone();
    let route = format!("/api/traces/{id}/optimize");
    let missing = api(&serve, "GET", &route, b"");
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert!(
        missing.json()["error"]
            .as_str()
            .is_some_and(|error| error.contains(&format!("jitlens optimize {id}"))),
        "{}",
        missing.body
    );
    run(&["optimize", "--rounds", "3", "--top", "1"], false);
    let optimized: Optimized = parse_as(&route, &api(&serve, "GET", &route, b"").body);
    assert_eq!(optimized.trace, id);
    let first = &optimized.functions[0];
    assert_eq!(first.name, "pairwise_distances");
    assert!(
        first
            .diff
            .as_deref()
            .is_some_and(|diff| diff.contains("+@")),
        "{first:?}"
    );
}
