//! The job queue of `jitlens serve`: a bounded queue, one benchmark at a time, progress
//! broadcast to listeners, cancel, and every state change written to the store.

pub(crate) mod process;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jitlens_analyzer::protocol::{JobKind, JobPage, JobRequest, JobResult, JobStatus, Progress};
use tokio::sync::{broadcast, watch, Notify};

use crate::store::{self, Store};
use process::Limits;

/// Jobs without `timeout_s` get this wall-clock limit.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// No job may ask for more than this.
pub(crate) const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

/// Settings of the queue, from `jitlens serve`'s arguments.
#[derive(Debug, Clone)]
pub(crate) struct JobConfig {
    /// The interpreter that runs the harness.
    pub(crate) python: PathBuf,
    /// Queued jobs beyond the running one; one more is refused with 429.
    pub(crate) queue_capacity: usize,
    /// Memory limit of each job, in bytes.
    pub(crate) memory_bytes: u64,
}

/// Why a job was not accepted.
#[derive(Debug)]
pub(crate) enum SubmitError {
    /// The queue is full.
    Full(usize),
    /// The store failed.
    Store(anyhow::Error),
}

struct Running {
    id: String,
    cancel: watch::Sender<bool>,
    step: Option<process::Step>,
}

/// The queue and the worker that drains it.
pub(crate) struct Jobs {
    store: Store,
    config: JobConfig,
    // Invariant: every id here has a `queued` row in the store.
    queue: tokio::sync::Mutex<VecDeque<String>>,
    wake: Notify,
    running: Mutex<Option<Running>>,
    events: broadcast::Sender<Progress>,
}

impl Jobs {
    /// A queue over `store`; call [`Jobs::start_worker`] to run jobs.
    pub(crate) fn new(store: Store, config: JobConfig) -> Arc<Self> {
        let (events, _) = broadcast::channel(256);
        Arc::new(Self {
            store,
            config,
            queue: tokio::sync::Mutex::new(VecDeque::new()),
            wake: Notify::new(),
            running: Mutex::new(None),
            events,
        })
    }

    /// Starts the one worker task that runs jobs in order.
    pub(crate) fn start_worker(self: &Arc<Self>) {
        let jobs = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                let next = {
                    // Popped and registered as running under one lock, so that a cancel
                    // always finds the job in one place or the other.
                    let mut queue = jobs.queue.lock().await;
                    queue.pop_front().map(|id| {
                        let cancelled = jobs.register_running(&id);
                        (id, cancelled)
                    })
                };
                match next {
                    Some((id, cancelled)) => jobs.run_one(id, cancelled).await,
                    None => jobs.wake.notified().await,
                }
            }
        });
    }

    /// Adds a job to the queue and returns its id.
    pub(crate) async fn submit(&self, request: JobRequest) -> Result<String, SubmitError> {
        let mut queue = self.queue.lock().await;
        if queue.len() >= self.config.queue_capacity {
            return Err(SubmitError::Full(self.config.queue_capacity));
        }
        let id = new_id().map_err(SubmitError::Store)?;
        let row_id = id.clone();
        self.store
            .run(move |connection| store::insert(connection, &row_id, &request))
            .await
            .map_err(SubmitError::Store)?;
        queue.push_back(id.clone());
        drop(queue);
        self.wake.notify_one();
        self.publish(&id, JobStatus::Queued, "queued", 0.0);
        Ok(id)
    }

    /// A job's result so far, with the phase and percent of a running one.
    pub(crate) async fn get(&self, id: &str) -> anyhow::Result<Option<JobResult>> {
        let owned = id.to_owned();
        let found = self
            .store
            .run(move |connection| store::get(connection, &owned))
            .await?;
        let Some((_, mut result)) = found else {
            return Ok(None);
        };
        if result.status.is_final() {
            return Ok(Some(result));
        }
        if let Some(step) = self.running_step(id) {
            result.phase = Some(step.phase);
            result.percent = Some(step.percent);
        }
        Ok(Some(result))
    }

    /// A page of jobs, newest first.
    pub(crate) async fn list(&self, limit: u32, offset: u64) -> anyhow::Result<JobPage> {
        let (jobs, total) = self
            .store
            .run(move |connection| store::list(connection, limit, offset))
            .await?;
        Ok(JobPage {
            jobs,
            total,
            limit,
            offset,
        })
    }

    /// Cancels a queued or running job; returns its status after that, or None when unknown.
    pub(crate) async fn cancel(&self, id: &str) -> anyhow::Result<Option<JobStatus>> {
        {
            let mut queue = self.queue.lock().await;
            if let Some(position) = queue.iter().position(|queued| queued == id) {
                queue.remove(position);
                drop(queue);
                let mut result = JobResult::new(id.to_owned(), JobStatus::Cancelled);
                result.error = Some("cancelled before it started".into());
                self.store
                    .run(move |connection| store::finish(connection, &result))
                    .await?;
                self.publish(id, JobStatus::Cancelled, "cancelled", 100.0);
                return Ok(Some(JobStatus::Cancelled));
            }
        }
        let signalled = {
            let running = self.running.lock().map_err(|_| poisoned())?;
            match running.as_ref().filter(|running| running.id == id) {
                Some(running) => running.cancel.send(true).is_ok(),
                None => false,
            }
        };
        if signalled {
            // The worker records the final status once the process group is gone.
            return Ok(Some(JobStatus::Cancelled));
        }
        Ok(self.get(id).await?.map(|result| result.status))
    }

    /// Progress events of every job; listeners filter by id.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Progress> {
        self.events.subscribe()
    }

    fn running_step(&self, id: &str) -> Option<process::Step> {
        let running = self.running.lock().ok()?;
        running
            .as_ref()
            .filter(|running| running.id == id)
            .and_then(|running| running.step.clone())
    }

    fn publish(&self, id: &str, status: JobStatus, phase: &str, percent: f64) {
        // No listener is not an error.
        let _ = self.events.send(Progress {
            id: id.to_owned(),
            status,
            phase: phase.to_owned(),
            percent,
        });
    }

    /// The samples file of the trace a request takes its inputs from, if it names one.
    async fn inputs_of(&self, request: &JobRequest) -> anyhow::Result<Option<Vec<u8>>> {
        let Some(trace) = request.inputs.clone() else {
            return Ok(None);
        };
        let function = request.function.clone();
        let (file, _) = self
            .store
            .run(move |connection| store::traces::samples_file(connection, &trace, &function))
            .await?;
        Ok(Some(file))
    }

    fn register_running(&self, id: &str) -> watch::Receiver<bool> {
        let (cancel, cancelled) = watch::channel(false);
        if let Ok(mut running) = self.running.lock() {
            *running = Some(Running {
                id: id.to_owned(),
                cancel,
                step: None,
            });
        }
        cancelled
    }

    async fn run_one(self: &Arc<Self>, id: String, cancelled: watch::Receiver<bool>) {
        let loaded = {
            let id = id.clone();
            self.store
                .run(move |connection| {
                    store::set_status(connection, &id, JobStatus::Running)?;
                    store::get(connection, &id)
                })
                .await
        };
        let request = match loaded {
            Ok(Some((request, _))) => request,
            Ok(None) => return self.clear_running(),
            Err(error) => {
                eprintln!("jitlens: could not start job {id}: {error:#}");
                return self.clear_running();
            }
        };
        self.publish(&id, JobStatus::Running, "starting", 0.0);
        let limits = Limits {
            timeout: timeout_of(&request),
            memory_bytes: self.config.memory_bytes,
        };
        let me = Arc::clone(self);
        let step_id = id.clone();
        let result = match self.inputs_of(&request).await {
            Err(error) => {
                let mut failed = JobResult::new(id.clone(), JobStatus::Failed);
                failed.error = Some(format!("{error:#}"));
                failed
            }
            Ok(inputs) => {
                process::run(
                    &self.config.python,
                    &id,
                    &request,
                    inputs.as_deref(),
                    limits,
                    cancelled,
                    move |step| {
                        me.publish(&step_id, JobStatus::Running, &step.phase, step.percent);
                        if let Ok(mut running) = me.running.lock() {
                            if let Some(running) = running.as_mut() {
                                running.step = Some(step);
                            }
                        }
                    },
                )
                .await
            }
        };
        let status = result.status;
        let stored = self
            .store
            .run(move |connection| store::finish(connection, &result))
            .await;
        if let Err(error) = stored {
            eprintln!("jitlens: could not store the result of job {id}: {error:#}");
        }
        self.clear_running();
        self.publish(&id, status, "finished", 100.0);
    }

    fn clear_running(&self) {
        if let Ok(mut running) = self.running.lock() {
            *running = None;
        }
    }
}

/// Why `request` cannot run, in words for the user; the API answers 400 with it.
pub(crate) fn validate(request: &JobRequest) -> Result<(), String> {
    if request.function.trim().is_empty() {
        return Err("`function` is empty: name the function to run".into());
    }
    if let Some(framework) = request.framework.as_deref() {
        if !["numba", "torch", "jax", "tensorflow"].contains(&framework) {
            return Err(format!(
                "unknown framework {framework:?}: use numba, torch, jax or tensorflow"
            ));
        }
    }
    if let Some(trace) = request.inputs.as_deref() {
        if !is_valid_id(trace) {
            return Err(format!(
                "`inputs` must be a trace id (32 hex digits), not {trace:?}"
            ));
        }
        if request.setup.is_some() {
            return Err("give `inputs` (a trace) or `setup`, not both".into());
        }
    }
    let compiled = request.framework.is_some() || request.candidate_source.is_some();
    match request.kind {
        JobKind::Profile if compiled => Err(
            "refused: a line profile of compiled code would be wrong (the profiler sees only \
             Python bytecode, not the machine code a JIT runs). The original is profiled with \
             its JIT off: send the profile job without `framework` and `candidate_source`"
                .into(),
        ),
        JobKind::Benchmark if !compiled => Err("nothing to compare: give `framework` (numba, \
             torch, jax, tensorflow) or `candidate_source`"
            .into()),
        _ => Ok(()),
    }
}

/// The wall-clock limit a request asks for, within bounds.
pub(crate) fn timeout_of(request: &JobRequest) -> Duration {
    request
        .timeout_s
        .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
        .map_or(DEFAULT_TIMEOUT, |seconds| {
            Duration::from_secs_f64(seconds).min(MAX_TIMEOUT)
        })
}

/// A new random job id: 32 lowercase hex digits.
pub(crate) fn new_id() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// Whether `id` has the shape of a job id (anything else, such as `../etc`, is unknown).
pub(crate) fn is_valid_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
}

fn poisoned() -> anyhow::Error {
    anyhow::anyhow!("the job registry's lock is poisoned")
}

/// The default memory limit: three quarters of physical memory, or 8 GiB when unknown.
pub(crate) fn default_memory_bytes() -> u64 {
    let from_meminfo = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|line| line.starts_with("MemTotal:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024 / 4 * 3)
        });
    from_meminfo.unwrap_or(8 * 1024 * 1024 * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_hex_and_path_like_ids_are_not() {
        let id = new_id().unwrap();
        assert!(is_valid_id(&id), "{id}");
        assert!(!is_valid_id("../etc"));
        assert!(!is_valid_id(&"A".repeat(32)));
        assert!(!is_valid_id(""));
    }

    #[test]
    fn timeouts_are_bounded() {
        let mut request: JobRequest =
            serde_json::from_str(r#"{"source": "", "function": "f"}"#).unwrap();
        assert_eq!(timeout_of(&request), DEFAULT_TIMEOUT);
        request.timeout_s = Some(1e9);
        assert_eq!(timeout_of(&request), MAX_TIMEOUT);
        request.timeout_s = Some(-1.0);
        assert_eq!(timeout_of(&request), DEFAULT_TIMEOUT);
        request.timeout_s = Some(2.5);
        assert_eq!(timeout_of(&request), Duration::from_millis(2500));
    }
}
