//! `GET /api/env`'s answer: the interpreter, framework versions, CPU, GPUs and usable JITs,
//! probed once by running the embedded `jl_probe.py`, then cached.

use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use jitlens_analyzer::protocol::{Environment, JitSupport, RunnerEnv};
use serde::Deserialize;
use tokio::sync::OnceCell;

use crate::harness;
use crate::jobs::process::JobFolder;
use crate::python::Python;

/// Importing torch, jax and tensorflow on a slow machine takes a while; more is a hang.
const PROBE_TIMEOUT: Duration = Duration::from_secs(180);

/// The probe's result, computed on first use.
pub(crate) struct EnvCache {
    python: Python,
    cell: OnceCell<Result<RunnerEnv, String>>,
}

impl EnvCache {
    /// A cache for `python`; nothing runs yet.
    pub(crate) fn new(python: Python) -> Self {
        Self {
            python,
            cell: OnceCell::new(),
        }
    }

    /// The environment, probing it on the first call (later calls wait for that one).
    pub(crate) async fn get(&self) -> Result<RunnerEnv, String> {
        self.cell
            .get_or_init(|| async {
                probe(&self.python)
                    .await
                    .map_err(|error| format!("{error:#}"))
            })
            .await
            .clone()
    }
}

#[derive(Deserialize)]
struct ProbeOutput {
    environment: Environment,
    jits: Vec<JitSupport>,
}

/// Runs the probe with `python`.
pub(crate) async fn probe(python: &Python) -> anyhow::Result<RunnerEnv> {
    let folder = JobFolder::create("env")?;
    harness::write_into(folder.path())?;
    let mut command = tokio::process::Command::new(&python.path);
    command
        .arg("-B")
        .arg(folder.path().join(harness::PROBE))
        .current_dir(folder.path())
        .env("TF_CPP_MIN_LOG_LEVEL", "3")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let output = tokio::time::timeout(PROBE_TIMEOUT, command.output())
        .await
        .context("the environment probe did not finish in time")?
        .with_context(|| format!("could not run {}", python.path.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last_line = stdout.lines().last().unwrap_or_default();
    let parsed: ProbeOutput = serde_json::from_str(last_line).with_context(|| {
        format!(
            "the environment probe failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
                .chars()
                .rev()
                .take(2000)
                .collect::<String>()
                .chars()
                .rev()
                .collect::<String>()
        )
    })?;
    Ok(RunnerEnv {
        python_path: python.path.display().to_string(),
        found_by: python.found_by.to_owned(),
        environment: parsed.environment,
        jits: parsed.jits,
    })
}
