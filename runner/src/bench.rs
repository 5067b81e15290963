//! `jitlens bench FILE::FUNCTION`: the runner's job from a terminal, with a progress bar on
//! stderr, a table or the JobResult JSON on stdout, and the result kept in the data folder.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use jitlens_analyzer::protocol::{JobKind, JobRequest, JobResult, JobStatus, Outcome, Timing};
use tokio::sync::watch;

use crate::jobs::process::{self, Limits, Step};
use crate::jobs::{default_memory_bytes, new_id, timeout_of};
use crate::python::{self, DiscoveryEnv};
use crate::store::{self, traces, Store};

/// Frameworks whose plain decorator can make the candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Framework {
    /// `numba.njit(cache=False)`.
    Numba,
    /// `torch.compile`.
    Torch,
    /// `jax.jit`.
    Jax,
    /// `tf.function(jit_compile=True)`.
    Tensorflow,
}

impl Framework {
    /// The framework's name on the wire.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Numba => "numba",
            Self::Torch => "torch",
            Self::Jax => "jax",
            Self::Tensorflow => "tensorflow",
        }
    }
}

/// Arguments of `jitlens bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// The function to benchmark, as FILE::FUNCTION.
    #[arg(value_name = "FILE::FUNCTION")]
    pub target: String,
    /// Benchmark this framework's best rewrite (the one `jitlens fix --framework F` writes);
    /// without it and without --candidate, the best rewrite of any framework.
    #[arg(long, value_enum)]
    pub framework: Option<Framework>,
    /// With --framework: time the framework's plain decorator on the original instead of
    /// jitlens's rewrite.
    #[arg(long, requires = "framework")]
    pub plain: bool,
    /// A file defining the same function: your own rewrite, benchmarked against the original.
    #[arg(long, value_name = "FILE2")]
    pub candidate: Option<PathBuf>,
    /// Python that defines the inputs by parameter name, e.g. "import numpy as np; x = np.random.rand(1000)".
    #[arg(long, value_name = "CODE", conflicts_with = "inputs")]
    pub setup: Option<String>,
    /// Take the inputs from a trace (`jitlens trace`; `latest` for the newest): equivalence on
    /// every argument set it captured, timing cycling through them in capture order.
    #[arg(long, value_name = "TRACE_ID")]
    pub inputs: Option<String>,
    /// Take the inputs from a samples file: argument sets pickled in the format a trace keeps
    /// (`JITLENS-SAMPLES 1`, then per set a JSON header line and the pickle of
    /// `{"args": ..., "kwargs": ...}`), as the IPython extension writes a notebook's live values.
    /// Run it in the Python that pickled them (--python).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["setup", "inputs"])]
    pub samples: Option<PathBuf>,
    /// Print the JobResult as JSON (an array of them with --repeat).
    #[arg(long)]
    pub json: bool,
    /// Where the job runs.
    #[command(flatten)]
    pub local: Local,
    /// Wall-clock limit of each run, in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Interleaved timing rounds.
    #[arg(long)]
    pub rounds: Option<u32>,
    /// Threads for numpy, torch, numba and XLA (the libraries' default when absent).
    #[arg(long)]
    pub threads: Option<u32>,
    /// Run the same comparison N times and summarise how the verdicts and speedups agree.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub repeat: u32,
}

/// Runs the benchmark; true when every run finished and its candidate matched.
pub(crate) fn run(args: &BenchArgs) -> anyhow::Result<bool> {
    let mut request = request_from(args)?;
    let mut local = args.local.clone();
    if let Some(trace) = request.inputs.clone() {
        let (trace, python) = trace_inputs(&trace, &local)?;
        // The captured arguments unpickle where they were made: the trace's interpreter.
        if local.python.is_none() {
            local.python = python.map(PathBuf::from);
        }
        request.inputs = Some(trace);
    }
    let samples = match &args.samples {
        Some(path) => Some(read_samples(path)?),
        None => None,
    };
    let results = run_jobs(&request, &local, args.repeat.max(1), samples)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        let json = if results.len() == 1 {
            serde_json::to_string_pretty(&results[0])?
        } else {
            serde_json::to_string_pretty(&results)?
        };
        writeln!(out, "{json}")?;
    } else {
        for result in &results {
            write!(out, "{}", table(&request, result))?;
        }
        if results.len() > 1 {
            write!(out, "{}", agreement(&results))?;
        }
    }
    Ok(results.iter().all(|result| {
        result.status == JobStatus::Done && result.equivalence.as_ref().is_some_and(|e| e.passed)
    }))
}

/// The trace `--inputs` names (`latest`: the newest) and the interpreter it ran in.
fn trace_inputs(trace: &str, local: &Local) -> anyhow::Result<(String, Option<String>)> {
    let data_dir = local
        .data_dir
        .clone()
        .unwrap_or_else(crate::server::default_data_dir);
    let store = Store::open(&data_dir)?;
    let id = match trace {
        "latest" => store
            .run_here(traces::latest)?
            .ok_or_else(|| anyhow::anyhow!("no traces yet: run `jitlens trace -- python ...`"))?,
        id => id.to_owned(),
    };
    let python = store.run_here(|connection| traces::python(connection, &id))?;
    if python.is_none() {
        anyhow::bail!("no trace {id}: `jitlens trace list` shows the stored ones");
    }
    Ok((id, python))
}

/// Where a job from the terminal runs: the options `bench` and `profile` share.
#[derive(Debug, Clone, clap::Args)]
pub struct Local {
    /// The Python that runs the job.
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Where results are kept (shared with `jitlens serve`).
    #[arg(long, env = "JITLENS_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Memory limit in MiB; default: three quarters of RAM.
    #[arg(long, value_name = "MIB")]
    pub memory_limit_mb: Option<u64>,
}

/// The bytes of a samples file, checked for its first line.
fn read_samples(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let bytes =
        std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    if !bytes.starts_with(jitlens_analyzer::testgen::SAMPLES_MAGIC) {
        anyhow::bail!(
            "{} is not a samples file (it must start with `JITLENS-SAMPLES 1`)",
            path.display()
        );
    }
    Ok(bytes)
}

/// Runs `request` `repeat` times in this process (no server), with a progress bar on stderr;
/// each result is also kept in the data folder's store.
pub(crate) fn run_here(
    request: &JobRequest,
    local: &Local,
    repeat: u32,
) -> anyhow::Result<Vec<JobResult>> {
    run_jobs(request, local, repeat, None)
}

/// `run_here`, with the inputs from `samples` (a samples file's bytes) when given, else from the
/// trace that `request.inputs` names.
fn run_jobs(
    request: &JobRequest,
    local: &Local,
    repeat: u32,
    samples: Option<Vec<u8>>,
) -> anyhow::Result<Vec<JobResult>> {
    let cwd = std::env::current_dir().context("could not read the current folder")?;
    let python = python::discover(local.python.as_deref(), &DiscoveryEnv::from_process(), &cwd)?;
    eprintln!(
        "python: {} (found by {})",
        python.path.display(),
        python.found_by
    );
    let data_dir = local
        .data_dir
        .clone()
        .unwrap_or_else(crate::server::default_data_dir);
    let store = Store::open(&data_dir)?;
    let limits = Limits {
        timeout: timeout_of(request),
        memory_bytes: local
            .memory_limit_mb
            .map_or_else(default_memory_bytes, |mib| mib * 1024 * 1024),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    let inputs = match (samples, &request.inputs) {
        (Some(samples), _) => Some(samples),
        (None, Some(trace)) => Some(
            store
                .run_here(|connection| traces::samples_file(connection, trace, &request.function))?
                .0,
        ),
        (None, None) => None,
    };
    let mut results = Vec::new();
    for run_index in 0..repeat {
        let id = new_id()?;
        store.run_here(|connection| {
            store::insert(connection, &id, request)?;
            store::set_status(connection, &id, JobStatus::Running)
        })?;
        let label = if repeat > 1 {
            format!("run {}/{repeat} ", run_index + 1)
        } else {
            String::new()
        };
        let mut bar = ProgressBar::new(label);
        // Never cancelled: Ctrl-C ends this process, and the harness's watchdog its group.
        let (_keep, never) = watch::channel(false);
        let result = runtime.block_on(process::run(
            &python.path,
            &id,
            request,
            inputs.as_deref(),
            limits,
            never,
            |step| bar.show(&step),
        ));
        bar.finish();
        store.run_here(|connection| store::finish(connection, &result))?;
        results.push(result);
    }
    Ok(results)
}

/// Splits `FILE::FUNCTION` and reads the file; the source and the function's name.
pub(crate) fn read_target(target: &str) -> anyhow::Result<(String, String)> {
    let Some((file, function)) = target.rsplit_once("::") else {
        anyhow::bail!("name the function as FILE::FUNCTION, e.g. kernels.py::pairwise_distance");
    };
    if function.is_empty() {
        anyhow::bail!("no function after `::` in {target}");
    }
    let source = std::fs::read_to_string(file).with_context(|| format!("could not read {file}"))?;
    Ok((source, function.to_owned()))
}

fn request_from(args: &BenchArgs) -> anyhow::Result<JobRequest> {
    if args.framework.is_some() && args.candidate.is_some() {
        anyhow::bail!("give --framework or --candidate, not both");
    }
    let (source, function) = read_target(&args.target)?;
    let framework = args.framework.map(|framework| framework.name().to_owned());
    let (framework, candidate_source) = match (&args.candidate, args.plain) {
        (Some(path), _) => (
            framework,
            Some(
                std::fs::read_to_string(path)
                    .with_context(|| format!("could not read {}", path.display()))?,
            ),
        ),
        // The harness decorates the original itself.
        (None, true) => (framework, None),
        (None, false) => {
            let strategy = best_rewrite(&source, &function, framework.as_deref())?;
            eprintln!(
                "candidate: {} [{}] {}",
                strategy.id, strategy.applicability, strategy.title
            );
            (Some(strategy.framework), Some(strategy.source))
        }
    };
    Ok(JobRequest {
        source,
        function,
        framework,
        candidate_source,
        setup: args.setup.clone(),
        inputs: args.inputs.clone(),
        timeout_s: args.timeout,
        rounds: args.rounds,
        threads: args.threads,
        kind: JobKind::Benchmark,
        original_jit_off: false,
    })
}

/// The rewrite `jitlens fix` would write for `function` (of `framework`, or the best verdict's),
/// or why there is none.
fn best_rewrite(
    source: &str,
    function: &str,
    framework: Option<&str>,
) -> anyhow::Result<jitlens_analyzer::report::Strategy> {
    let report = jitlens_analyzer::analyze(source);
    let Some(found) = report.functions.iter().find(|f| f.name == function) else {
        anyhow::bail!("no function `{function}` in the file");
    };
    if let Some(strategy) = jitlens_analyzer::testgen::pick(found, framework) {
        return Ok(strategy.clone());
    }
    let why = found
        .verdicts
        .iter()
        .filter(|v| framework.is_none_or(|f| v.framework == f))
        .find_map(|v| v.no_rewrite.clone())
        .unwrap_or_else(|| "jitlens offers no rewrite of it".to_owned());
    match framework {
        Some(framework) => anyhow::bail!(
            "no {framework} rewrite of `{function}`: {why} (--plain times the plain decorator, \
             --candidate FILE your own rewrite)"
        ),
        None => anyhow::bail!(
            "no rewrite of `{function}`: {why} (--framework F --plain times a plain decorator, \
             --candidate FILE your own rewrite)"
        ),
    }
}

/// A one-line bar on a terminal; one line per phase otherwise.
struct ProgressBar {
    label: String,
    terminal: bool,
    last_phase: String,
}

impl ProgressBar {
    fn new(label: String) -> Self {
        Self {
            label,
            terminal: std::io::stderr().is_terminal(),
            last_phase: String::new(),
        }
    }

    fn show(&mut self, step: &Step) {
        let mut err = std::io::stderr().lock();
        if self.terminal {
            const WIDTH: usize = 30;
            // Percent is clamped to 0..=100, so this stays within WIDTH.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let filled = ((step.percent / 100.0) * WIDTH as f64).round() as usize;
            let bar = format!(
                "{}{}",
                "#".repeat(filled),
                "-".repeat(WIDTH - filled.min(WIDTH))
            );
            let _ = write!(
                err,
                "\r{}[{bar}] {:>3.0}% {:<12}",
                self.label, step.percent, step.phase
            );
        } else if step.phase != self.last_phase {
            let _ = writeln!(err, "{}{:>3.0}% {}", self.label, step.percent, step.phase);
        }
        self.last_phase.clone_from(&step.phase);
    }

    fn finish(&self) {
        if self.terminal {
            eprintln!();
        }
    }
}

/// Seconds in the unit that suits them.
pub(crate) fn duration(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.3} s")
    } else if seconds >= 1e-3 {
        format!("{:.3} ms", seconds * 1e3)
    } else if seconds >= 1e-6 {
        format!("{:.3} us", seconds * 1e6)
    } else {
        format!("{:.1} ns", seconds * 1e9)
    }
}

fn timing_line(name: &str, timing: &Timing) -> String {
    format!(
        "{name:<12} {} per call (IQR {}, {} samples x {} loops)\n",
        duration(timing.median_s),
        duration(timing.iqr_s),
        timing.samples_s.len(),
        timing.loops
    )
}

/// The readable result of one run.
fn table(request: &JobRequest, result: &JobResult) -> String {
    let mut text = String::new();
    let against = request
        .framework
        .as_deref()
        .map_or_else(|| "candidate".to_owned(), |f| format!("{f} candidate"));
    text.push_str(&format!(
        "{}: {against} vs original [{:?}]",
        request.function, result.status
    ));
    if let Some(env) = &result.env {
        text.push_str(&format!(" on {}, Python {}", env.cpu, env.python));
    }
    text.push('\n');
    if let Some(error) = &result.error {
        text.push_str(&format!("error        {error}\n"));
    }
    if let Some(equivalence) = &result.equivalence {
        text.push_str(&format!(
            "equivalence  {} ({} cases, max abs error {:.3e}, max rel error {:.3e})\n",
            if equivalence.passed {
                "passed"
            } else {
                "FAILED"
            },
            equivalence.cases,
            equivalence.max_abs_error,
            equivalence.max_rel_error
        ));
        for failure in equivalence.failures.iter().chain(&equivalence.warnings) {
            text.push_str(&format!("             {failure}\n"));
        }
    }
    if let Some(original) = &result.original {
        text.push_str(&timing_line("original", original));
    }
    if let Some(candidate) = &result.candidate {
        text.push_str(&timing_line("candidate", candidate));
    }
    if let (Some(speedup), Some(verdict)) = (&result.speedup, result.verdict) {
        text.push_str(&format!(
            "speedup      {:.3}x (95% interval {:.3}x to {:.3}x): {}\n",
            speedup.median,
            speedup.ci_low,
            speedup.ci_high,
            outcome_name(verdict)
        ));
    }
    if let Some(compile) = &result.compile {
        text.push_str(&format!(
            "first call   {} (compile and run); recompiles {}; graph breaks {}\n",
            duration(compile.first_call_s),
            compile.recompiles,
            compile.graph_breaks
        ));
    }
    match (result.break_even_calls, &result.speedup) {
        (Some(calls), _) => text.push_str(&format!("break-even   after {calls} calls\n")),
        (None, Some(_)) => text.push_str("break-even   never (the candidate is not faster)\n"),
        (None, None) => (),
    }
    if let Some(jit_off) = &result.jit_off {
        text.push_str(&format!(
            "JIT off      {}; {} of {} lines ran{}\n",
            if jit_off.matched {
                "matched"
            } else {
                "did NOT match"
            },
            jit_off.lines_run,
            jit_off.lines_total,
            jit_off
                .error
                .as_deref()
                .map_or_else(String::new, |error| format!(" ({error})"))
        ));
    }
    if let Some(device) = &result.device {
        text.push_str(&format!("device       {device}\n"));
    }
    for warning in &result.warnings {
        text.push_str(&format!("warning      {warning}\n"));
    }
    text
}

fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Faster => "faster",
        Outcome::Slower => "slower",
        Outcome::Same => "same",
    }
}

/// How repeated runs of one comparison agree: verdict counts and the spread of speedups.
fn agreement(results: &[JobResult]) -> String {
    let mut counts = [0usize; 3];
    let mut speedups = Vec::new();
    for result in results {
        match result.verdict {
            Some(Outcome::Faster) => counts[0] += 1,
            Some(Outcome::Slower) => counts[1] += 1,
            Some(Outcome::Same) => counts[2] += 1,
            None => (),
        }
        if let Some(speedup) = result.speedup {
            speedups.push(speedup.median);
        }
    }
    let mut text = format!(
        "\n{} runs: {} faster, {} slower, {} same\n",
        results.len(),
        counts[0],
        counts[1],
        counts[2]
    );
    let low = speedups.iter().copied().fold(f64::INFINITY, f64::min);
    let high = speedups.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if speedups.len() > 1 && low > 0.0 {
        text.push_str(&format!(
            "speedups from {low:.3}x to {high:.3}x: the largest differs from the smallest by {:.1}%\n",
            (high / low - 1.0) * 100.0
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_pick_their_unit() {
        assert_eq!(duration(2.0), "2.000 s");
        assert_eq!(duration(0.0125), "12.500 ms");
        assert_eq!(duration(3.5e-6), "3.500 us");
        assert_eq!(duration(2e-9), "2.0 ns");
    }

    #[test]
    fn agreement_counts_verdicts_and_spread() {
        let mut a = JobResult::new("a".into(), JobStatus::Done);
        a.verdict = Some(Outcome::Same);
        a.speedup = Some(jitlens_analyzer::protocol::Speedup {
            median: 1.0,
            ci_low: 0.9,
            ci_high: 1.1,
        });
        let mut b = a.clone();
        b.verdict = Some(Outcome::Faster);
        b.speedup = Some(jitlens_analyzer::protocol::Speedup {
            median: 1.04,
            ci_low: 1.01,
            ci_high: 1.08,
        });
        let text = agreement(&[a, b]);
        assert!(
            text.contains("2 runs: 1 faster, 0 slower, 1 same"),
            "{text}"
        );
        assert!(text.contains("by 4.0%"), "{text}");
    }
}
