//! Helpers for runner job tests: authorised API calls, submitting jobs, waiting on them, and
//! reading a job's Server-Sent Events.

use std::time::Duration;

use serde_json::Value;

use crate::http::{self, Response};
use crate::serve::Serve;
use crate::wait_for;

/// An API call with the token and, for bodies, a JSON content type.
pub fn api(serve: &Serve, method: &str, path: &str, body: &[u8]) -> Response {
    let bearer = serve.bearer();
    http::local(
        serve.port,
        method,
        path,
        &[
            ("Authorization", bearer.as_str()),
            ("Content-Type", "application/json"),
        ],
        body,
    )
}

/// Submits a job (`POST /api/jobs`), asserts 202, and returns its id.
pub fn submit(serve: &Serve, job: &Value) -> String {
    let response = api(serve, "POST", "/api/jobs", job.to_string().as_bytes());
    assert_eq!(response.status, 202, "{}", response.body);
    let body = response.json();
    assert_eq!(body["status"], "queued", "{body}");
    body["id"].as_str().expect("an id").to_owned()
}

/// `GET /api/jobs/{id}`, asserting 200.
pub fn job(serve: &Serve, id: &str) -> Value {
    let response = api(serve, "GET", &format!("/api/jobs/{id}"), b"");
    assert_eq!(response.status, 200, "{}", response.body);
    response.json()
}

/// Polls the job until its status is one of `statuses`, and returns it.
pub fn wait_until(serve: &Serve, id: &str, statuses: &[&str], timeout: Duration) -> Value {
    wait_for(&format!("job {id} to be {statuses:?}"), timeout, || {
        let current = job(serve, id);
        let status = current["status"].as_str().unwrap_or_default().to_owned();
        statuses.contains(&status.as_str()).then_some(current)
    })
}

/// Reads `GET /api/jobs/{id}/events?token=...` to its end and returns the events' data.
pub fn events(serve: &Serve, id: &str) -> Vec<Value> {
    let path = format!("/api/jobs/{id}/events?token={}", serve.token);
    let response = http::local(serve.port, "GET", &path, &[], b"");
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.header("content-type"), Some("text/event-stream"));
    response
        .body
        .lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(|data| serde_json::from_str(data.trim()).expect("event data is JSON"))
        .collect()
}

/// Whether process `pid` has ended (gone, or a zombie nobody reaped).
pub fn process_gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state == "Z" || state == "X"),
    }
}

/// Reads a process id that a job's code wrote to `path`, waiting for it to appear.
pub fn read_pid(path: &std::path::Path) -> u32 {
    wait_for(
        &format!("a pid in {}", path.display()),
        Duration::from_secs(60),
        || {
            std::fs::read_to_string(path)
                .ok()
                .and_then(|text| text.trim().parse().ok())
        },
    )
}
