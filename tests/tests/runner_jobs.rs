//! Jobs under stress, over real HTTP: a full queue, cancel, time and memory limits, many
//! concurrent readers, and a runner killed with SIGKILL in the middle of a job.

use std::path::Path;
use std::time::Duration;

use jitlens_tests::jobs::{api, events, job, process_gone, read_pid, submit, wait_until};
use jitlens_tests::serve::Serve;
use jitlens_tests::{fresh_dir, wait_for};
use serde_json::{json, Value};

/// A job whose function starts `sleep 300` (its pid written to `child_pid`), writes its own pid
/// to `own_pid`, then loops forever.
fn endless_job(child_pid: &Path, own_pid: &Path, timeout_s: f64) -> Value {
    let source = format!(
        "import os, subprocess\n\
         def spin(x):\n    \
             child = subprocess.Popen(['sleep', '300'])\n    \
             open({child:?}, 'w').write(str(child.pid))\n    \
             open({own:?}, 'w').write(str(os.getpid()))\n    \
             while True:\n        \
                 x = x + 1\n",
        child = child_pid.display().to_string(),
        own = own_pid.display().to_string(),
    );
    json!({
        "source": source,
        "function": "spin",
        "candidate_source": source,
        "setup": "x = 0",
        "timeout_s": timeout_s,
    })
}

#[test]
fn full_queue_is_refused_and_cancel_kills_every_process_of_the_job() {
    let serve = Serve::start_runner(None, &["--queue-size", "1"]);
    let dir = fresh_dir("cancel");
    let (child_pid, own_pid) = (dir.join("child.pid"), dir.join("own.pid"));
    let running = submit(&serve, &endless_job(&child_pid, &own_pid, 120.0));
    let child = read_pid(&child_pid);
    let harness = read_pid(&own_pid);
    let current = wait_until(&serve, &running, &["running"], Duration::from_secs(30));
    assert!(current["phase"].is_string(), "{current}");

    let waiting = submit(
        &serve,
        &json!({"source": "", "function": "f", "framework": "numba"}),
    );
    let refused = api(
        &serve,
        "POST",
        "/api/jobs",
        br#"{"source": "", "function": "f", "framework": "numba"}"#,
    );
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert!(refused.json()["error"]
        .as_str()
        .unwrap()
        .contains("queue is full"));

    // 200 status requests at once while the job runs: every one is answered.
    let port = serve.port;
    let bearer = serve.bearer();
    let path = format!("/api/jobs/{running}");
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..200)
            .map(|_| {
                let (bearer, path) = (bearer.clone(), path.clone());
                scope.spawn(move || {
                    jitlens_tests::http::request(
                        port,
                        "GET",
                        &path,
                        &[
                            ("Host", &format!("127.0.0.1:{port}")),
                            ("Authorization", &bearer),
                        ],
                        b"",
                    )
                    .map(|response| response.status)
                    .unwrap_or(0)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap_or(0))
            .collect()
    });
    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");

    let cancelled = api(&serve, "DELETE", &format!("/api/jobs/{waiting}"), b"").json();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(job(&serve, &waiting)["status"], "cancelled");
    let cancelled = api(&serve, "DELETE", &format!("/api/jobs/{running}"), b"").json();
    assert_eq!(cancelled["status"], "cancelled");
    wait_until(&serve, &running, &["cancelled"], Duration::from_secs(30));
    wait_for(
        "the job's processes to be gone",
        Duration::from_secs(20),
        || (process_gone(harness) && process_gone(child)).then_some(()),
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn endless_loop_is_killed_at_its_limit_and_the_stream_says_so() {
    let serve = Serve::start_runner(None, &[]);
    let dir = fresh_dir("timeout");
    let (child_pid, own_pid) = (dir.join("child.pid"), dir.join("own.pid"));
    let id = submit(&serve, &endless_job(&child_pid, &own_pid, 3.0));
    let stream = events(&serve, &id);
    let last = stream.last().expect("at least one event");
    assert_eq!(last["status"], "timed_out", "{stream:?}");
    assert!(
        stream.iter().any(|event| event["status"] == "running"),
        "{stream:?}"
    );
    let result = job(&serve, &id);
    assert_eq!(result["status"], "timed_out");
    assert!(
        result["error"].as_str().unwrap().contains("limit of 3 s"),
        "{result}"
    );
    let (child, harness) = (read_pid(&child_pid), read_pid(&own_pid));
    wait_for(
        "the job's processes to be gone",
        Duration::from_secs(20),
        || (process_gone(harness) && process_gone(child)).then_some(()),
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn allocating_past_the_memory_limit_fails_cleanly() {
    let serve = Serve::start_runner(None, &["--memory-limit-mb", "1024"]);
    let source = "import numpy as np\ndef grab(x):\n    return np.ones((4096, 1024, 1024)) + x\n";
    let id = submit(
        &serve,
        &json!({"source": source, "function": "grab", "candidate_source": source, "setup": "x = 1.0"}),
    );
    let result = wait_until(&serve, &id, &["failed", "done"], Duration::from_secs(60));
    assert_eq!(result["status"], "failed", "{result}");
    let error = result["error"].as_str().unwrap();
    assert!(
        error.contains("MemoryError") && error.contains("1024 MiB"),
        "{error}"
    );
    assert_eq!(api(&serve, "GET", "/api/health", b"").status, 200);
}

#[test]
fn kill_9_mid_job_then_restart_marks_it_interrupted_and_keeps_finished_results() {
    let serve = Serve::start_runner(None, &[]);
    let finished = submit(
        &serve,
        &json!({
            "source": "def f(x):\n    return x * 2\n",
            "candidate_source": "def f(x):\n    return x + x\n",
            "function": "f",
            "setup": "x = 3",
            "rounds": 3,
        }),
    );
    let before = wait_until(
        &serve,
        &finished,
        &["done", "failed"],
        Duration::from_secs(120),
    );
    assert_eq!(before["status"], "done", "{before}");

    let dir = fresh_dir("kill9");
    let (child_pid, own_pid) = (dir.join("child.pid"), dir.join("own.pid"));
    let endless = submit(&serve, &endless_job(&child_pid, &own_pid, 300.0));
    let (child, harness) = (read_pid(&child_pid), read_pid(&own_pid));
    let data_dir = serve.kill_hard();
    // With the runner gone, the job's watchdog takes its whole process group down.
    wait_for("the orphaned job to end", Duration::from_secs(20), || {
        (process_gone(harness) && process_gone(child)).then_some(())
    });

    let restarted = Serve::start_runner(Some(data_dir), &[]);
    let interrupted = job(&restarted, &endless);
    assert_eq!(interrupted["status"], "interrupted", "{interrupted}");
    assert_eq!(job(&restarted, &finished), before);
    let _ = std::fs::remove_dir_all(dir);
}
