//! One job as one Python process: a fresh folder, its own process group, limits on wall time,
//! memory and captured output, and a kill of the whole group on cancel, timeout or exit.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use jitlens_analyzer::protocol::{JobRequest, JobResult, JobStatus};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;
use tokio::sync::watch;

use crate::harness;

/// How much of the job's stderr (its prints and tracebacks) is kept: the last bytes.
pub(crate) const OUTPUT_CAP_BYTES: usize = 64 * 1024;

/// The limits one job runs under.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Wall-clock limit; then the whole process group is killed.
    pub(crate) timeout: Duration,
    /// `RLIMIT_DATA` of the job's processes, in bytes (heap and private writable mappings).
    pub(crate) memory_bytes: u64,
}

/// What a job reports while it runs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    /// `load`, `inputs`, `compile`, `equivalence`, `calibrate`, `timing`, ...
    pub(crate) phase: String,
    /// 0 to 100.
    pub(crate) percent: f64,
}

/// Runs one job to its end and returns its final result.
///
/// `inputs` is the samples file of a trace (`request.inputs`), written beside the job.
/// `cancel` turning true kills the job. `on_step` sees each progress step.
pub(crate) async fn run(
    python: &Path,
    id: &str,
    request: &JobRequest,
    inputs: Option<&[u8]>,
    limits: Limits,
    mut cancel: watch::Receiver<bool>,
    mut on_step: impl FnMut(Step) + Send,
) -> JobResult {
    let folder = match JobFolder::create(id) {
        Ok(folder) => folder,
        Err(error) => return failed(id, format!("{error:#}")),
    };
    let mut child = match spawn(python, folder.path(), request, inputs, limits) {
        Ok(child) => child,
        Err(error) => return failed(id, format!("{error:#}")),
    };
    let group = GroupGuard(child.id().and_then(|pid| i32::try_from(pid).ok()));
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return failed(id, "the job's pipes were not set up".into());
    };
    // Held open for the job's life: the harness kills its group when this pipe closes.
    let _watchdog = child.stdin.take();
    let output = tokio::spawn(read_tail(stderr));
    let mut lines = BufReader::new(stdout).lines();
    let mut harness_result = None;
    let deadline = tokio::time::sleep(limits.timeout);
    tokio::pin!(deadline);
    let ending = loop {
        tokio::select! {
            line = lines.next_line() => match line {
                Ok(Some(line)) => match parse_line(&line) {
                    Some(Message::Progress(step)) => on_step(step),
                    Some(Message::Result(value)) => harness_result = Some(value),
                    None => (),
                },
                // The protocol pipe closed: the harness is exiting.
                Ok(None) | Err(_) => break Ending::Exited,
            },
            () = &mut deadline => break Ending::TimedOut,
            changed = cancel.changed() => {
                if changed.is_err() || *cancel.borrow() {
                    break Ending::Cancelled;
                }
            }
        }
    };
    if ending != Ending::Exited {
        group.kill();
    }
    let exit = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
    // Whatever the code left behind in its group goes too.
    group.kill();
    let output = tokio::time::timeout(Duration::from_secs(5), output)
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let mut result = match ending {
        Ending::TimedOut => {
            let mut result = JobResult::new(id.to_owned(), JobStatus::TimedOut);
            result.error = Some(format!(
                "killed at its wall-clock limit of {} s",
                limits.timeout.as_secs_f64()
            ));
            result
        }
        Ending::Cancelled => {
            let mut result = JobResult::new(id.to_owned(), JobStatus::Cancelled);
            result.error = Some("cancelled".into());
            result
        }
        Ending::Exited => match harness_result {
            Some(value) => from_harness(id, value),
            None => {
                let how = match exit {
                    Ok(Ok(status)) => describe_exit(status),
                    _ => "did not exit".into(),
                };
                failed(
                    id,
                    format!("the harness {how} without a result; its output ends with:\n{output}"),
                )
            }
        },
    };
    if !output.is_empty() {
        result.output = Some(output);
    }
    result
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Exited,
    TimedOut,
    Cancelled,
}

enum Message {
    Progress(Step),
    Result(serde_json::Value),
}

fn parse_line(line: &str) -> Option<Message> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    match value.get("event")?.as_str()? {
        "progress" => Some(Message::Progress(Step {
            phase: value.get("phase")?.as_str()?.to_owned(),
            percent: value.get("percent")?.as_f64()?.clamp(0.0, 100.0),
        })),
        "result" => Some(Message::Result(value.get("result")?.clone())),
        _ => None,
    }
}

fn from_harness(id: &str, mut value: serde_json::Value) -> JobResult {
    if let Some(object) = value.as_object_mut() {
        object.insert("id".into(), id.into());
    }
    match serde_json::from_value::<JobResult>(value) {
        Ok(result) if matches!(result.status, JobStatus::Done | JobStatus::Failed) => result,
        Ok(result) => failed(
            id,
            format!("the harness reported status {:?}", result.status),
        ),
        Err(error) => failed(id, format!("the harness's result is malformed: {error}")),
    }
}

fn failed(id: &str, error: String) -> JobResult {
    let mut result = JobResult::new(id.to_owned(), JobStatus::Failed);
    result.error = Some(error);
    result
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let hint = if signal == libc::SIGKILL {
                " (often the kernel's out-of-memory killer)"
            } else {
                ""
            };
            return format!("was killed by signal {signal}{hint}");
        }
    }
    format!("exited with {status}")
}

/// The captured argument sets of a job with `inputs`, beside `job.json`.
const SAMPLES_FILE: &str = "inputs.samples";

fn spawn(
    python: &Path,
    folder: &Path,
    request: &JobRequest,
    inputs: Option<&[u8]>,
    limits: Limits,
) -> anyhow::Result<tokio::process::Child> {
    harness::write_into(folder)?;
    let mut job = serde_json::to_value(request).context("could not encode the job")?;
    if let Some(object) = job.as_object_mut() {
        object.insert(
            "memory_limit_mb".into(),
            (limits.memory_bytes / (1024 * 1024)).into(),
        );
        if let Some(inputs) = inputs {
            let path = folder.join(SAMPLES_FILE);
            std::fs::write(&path, inputs)
                .with_context(|| format!("could not write {}", path.display()))?;
            object.insert("samples_file".into(), SAMPLES_FILE.into());
        }
    }
    let job_path = folder.join("job.json");
    std::fs::write(&job_path, job.to_string())
        .with_context(|| format!("could not write {}", job_path.display()))?;
    let mut command = Command::new(python);
    command
        .arg("-B")
        .arg(folder.join(harness::ENTRY))
        .arg(&job_path)
        .arg("--watchdog")
        .current_dir(folder)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("TF_CPP_MIN_LOG_LEVEL", "2")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    limit_child(&mut command, limits.memory_bytes);
    command
        .spawn()
        .with_context(|| format!("could not start {}", python.display()))
}

#[cfg(unix)]
fn limit_child(command: &mut Command, memory_bytes: u64) {
    command.process_group(0);
    // No PR_SET_PDEATHSIG: it would kill the harness alone when the runner dies, racing the
    // harness's watchdog, which kills the whole group (children included) on the same event.
    // SAFETY: the closure runs between fork and exec and calls only setrlimit, which is
    // async-signal-safe, on a value computed before the fork.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: memory_bytes,
                rlim_max: memory_bytes,
            };
            if libc::setrlimit(libc::RLIMIT_DATA, &raw const limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn limit_child(_command: &mut Command, _memory_bytes: u64) {}

/// Kills the job's whole process group when told to, and when dropped.
struct GroupGuard(Option<i32>);

impl GroupGuard {
    fn kill(&self) {
        #[cfg(unix)]
        if let Some(pid) = self.0 {
            // SAFETY: killpg only sends a signal; a group that is gone gives ESRCH.
            unsafe {
                libc::killpg(pid, libc::SIGKILL);
            }
        }
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Reads a stream to its end, keeping the last [`OUTPUT_CAP_BYTES`].
async fn read_tail(mut stream: impl tokio::io::AsyncRead + Unpin) -> String {
    let mut kept: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 8192];
    let mut dropped = false;
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                kept.extend_from_slice(&chunk[..n]);
                if kept.len() > OUTPUT_CAP_BYTES {
                    let excess = kept.len() - OUTPUT_CAP_BYTES;
                    kept.drain(..excess);
                    dropped = true;
                }
            }
        }
    }
    let text = String::from_utf8_lossy(&kept).into_owned();
    if dropped {
        format!("[earlier output cut; the last {OUTPUT_CAP_BYTES} bytes follow]\n{text}")
    } else {
        text
    }
}

/// A fresh private folder for one job, removed when dropped.
pub(crate) struct JobFolder(PathBuf);

impl JobFolder {
    /// Creates `jitlens-job-<id>-<random>` in the system's temporary folder, owner-only.
    pub(crate) fn create(id: &str) -> anyhow::Result<Self> {
        let mut bytes = [0u8; 6];
        getrandom::fill(&mut bytes).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
        let suffix: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        let path = std::env::temp_dir().join(format!("jitlens-job-{id}-{suffix}"));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&path)
            .with_context(|| format!("could not create the job folder {}", path.display()))?;
        Ok(Self(path))
    }

    /// The folder.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for JobFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_lines_are_parsed_and_noise_is_ignored() {
        let Some(Message::Progress(step)) =
            parse_line(r#"{"event": "progress", "phase": "timing", "percent": 140}"#)
        else {
            panic!("a progress line");
        };
        assert_eq!(step.phase, "timing");
        assert!((step.percent - 100.0).abs() < f64::EPSILON);
        assert!(parse_line("hello from user code").is_none());
        assert!(parse_line(r#"{"event": "other"}"#).is_none());
        let Some(Message::Result(value)) =
            parse_line(r#"{"event": "result", "result": {"status": "done"}}"#)
        else {
            panic!("a result line");
        };
        let result = from_harness("abc", value);
        assert_eq!(
            (result.id.as_str(), result.status),
            ("abc", JobStatus::Done)
        );
    }

    #[test]
    fn a_harness_cannot_claim_a_runner_status() {
        let result = from_harness("abc", serde_json::json!({"status": "cancelled"}));
        assert_eq!(result.status, JobStatus::Failed);
    }

    #[tokio::test]
    async fn output_keeps_only_the_tail() {
        let data = vec![b'x'; OUTPUT_CAP_BYTES * 2];
        let text = read_tail(&data[..]).await;
        assert!(text.starts_with("[earlier output cut"));
        assert!(text.len() < OUTPUT_CAP_BYTES + 100);
    }
}
