//! Runs a program under the tracer with every JIT off and stores what it recorded.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;

use anyhow::Context;
use jitlens_analyzer::protocol::TraceStatus;

use super::command::PythonCommand;
use super::spool;
use crate::harness;
use crate::store::{traces, Store};

/// The environment that switches each JIT off before the program imports it; TensorFlow is
/// switched to eager by the tracer itself (an environment variable does not do it).
const JIT_OFF: [(&str, &str); 3] = [
    ("NUMBA_DISABLE_JIT", "1"),
    ("TORCHDYNAMO_DISABLE", "1"),
    ("JAX_DISABLE_JIT", "1"),
];

/// How much the tracer keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Argument sets kept per function.
    pub(crate) samples: u32,
    /// The largest pickle of one argument, in MB.
    pub(crate) max_sample_mb: u32,
}

/// What a traced run gave.
#[derive(Debug)]
pub(crate) struct Recorded {
    /// The trace's id in the store.
    pub(crate) id: String,
    /// The exit code jitlens passes on: the program's, or 128 + the signal that ended it.
    pub(crate) exit_code: i32,
}

/// Runs `command` under the tracer with `root` as the project, stores the trace in `store`
/// (spooling in `data_dir`), and returns how it went. The program's output is its own.
pub(crate) fn record(
    command: &PythonCommand,
    argv: &[String],
    root: &Path,
    limits: Limits,
    store: &Store,
    data_dir: &Path,
) -> anyhow::Result<Recorded> {
    let id = crate::jobs::new_id()?;
    let spool = data_dir.join("traces").join(&id);
    std::fs::create_dir_all(&spool)
        .with_context(|| format!("could not create {}", spool.display()))?;
    let tracer = spool.join("jl_trace.py");
    std::fs::write(&tracer, harness::TRACER)
        .with_context(|| format!("could not write {}", tracer.display()))?;
    let root_text = root.display().to_string();
    store.run_here(|connection| {
        traces::insert_running(connection, &id, argv, &root_text, &command.interpreter)
    })?;

    let mut child = Command::new(&command.interpreter)
        .args(&command.options)
        .arg(&tracer)
        .arg("--spool")
        .arg(&spool)
        .arg("--root")
        .arg(root)
        .args(["--samples", &limits.samples.to_string()])
        .args(["--max-sample-mb", &limits.max_sample_mb.to_string()])
        .arg("--")
        .args(&command.program)
        .envs(JIT_OFF)
        .spawn()
        .with_context(|| format!("could not start `{}`", command.interpreter))?;
    // Ctrl-C reaches the whole foreground group: the program stops, the tracer writes what it
    // saw, and jitlens must live on to store it.
    let exit = {
        let _guard = InterruptsIgnored::new();
        child
            .wait()
            .context("could not wait for the traced program")?
    };
    let (status, exit_code) = match (exit.code(), exit.signal()) {
        (Some(0), _) => (TraceStatus::Complete, 0),
        (Some(code), _) => (TraceStatus::Failed, code),
        (None, Some(signal)) => (TraceStatus::Killed, 128 + signal),
        (None, None) => (TraceStatus::Failed, 1),
    };
    let mut spooled = spool::read(&spool)?.unwrap_or_default();
    if !spooled.complete {
        eprintln!(
            "jitlens trace: the tracer's last write is missing (the program left by os._exit or \
             was killed); the trace holds its last snapshot"
        );
    }
    if spooled.error.is_none() {
        if let Some(signal) = exit.signal() {
            spooled.error = Some(format!("ended by signal {signal}"));
        }
    }
    // The tracer's own exit code says how the program ended; a killed tracer wrote none.
    if status == TraceStatus::Killed && spooled.exit_code.is_none() {
        spooled.exit_code = Some(exit_code);
    }
    store.run_here(|connection| traces::finish(connection, &id, status, &spooled, &spool, root))?;
    remove_spool(&spool);
    Ok(Recorded { id, exit_code })
}

fn remove_spool(spool: &Path) {
    if let Err(error) = std::fs::remove_dir_all(spool) {
        eprintln!(
            "jitlens trace: could not remove {} ({error}); it holds nothing the store lacks",
            spool.display()
        );
    }
}

/// SIGINT and SIGQUIT ignored in this process while it lives.
struct InterruptsIgnored {
    previous: [libc::sighandler_t; 2],
}

impl InterruptsIgnored {
    fn new() -> Self {
        // SAFETY: `signal` with SIG_IGN installs no Rust code as a handler; the previous
        // handlers are put back on drop.
        let previous = unsafe {
            [
                libc::signal(libc::SIGINT, libc::SIG_IGN),
                libc::signal(libc::SIGQUIT, libc::SIG_IGN),
            ]
        };
        Self { previous }
    }
}

impl Drop for InterruptsIgnored {
    fn drop(&mut self) {
        // SAFETY: restores the handlers `new` replaced.
        unsafe {
            libc::signal(libc::SIGINT, self.previous[0]);
            libc::signal(libc::SIGQUIT, self.previous[1]);
        }
    }
}
