//! What the playground and the CLI exchange with the runner: job requests, results, progress,
//! traces ([`Trace`]) and what `jitlens optimize` measured on them ([`Optimized`]).
//!
//! Both `web` and `runner` compile against these definitions, so the two sides cannot drift.
//! Like [`crate::report`], these are wire types: names and meanings are a compatibility promise.

mod optimize;
mod trace;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use optimize::{
    EquivalenceLine, FunctionOutcome, OptimizeStatus, Optimized, ProjectedSpeedup, Variant,
};
pub use trace::{
    ObservedSignature, ObservedValue, Trace, TracePage, TraceStatus, TraceSummary, TracedFunction,
    TracedSource,
};

/// A benchmark job: check `candidate` against the original, then time both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRequest {
    /// The user's module.
    pub source: String,
    /// The function to benchmark (qualified name, as in the Report).
    pub function: String,
    /// The framework whose rewrite is the candidate (`numba`, `torch`, `jax`, `tensorflow`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    /// A module defining the same function, used as the candidate instead of a rewrite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate_source: Option<String>,
    /// Python that defines the inputs (overrides the inferred input spec).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup: Option<String>,
    /// A trace (its id) whose captured argument sets of `function` are the inputs, instead of
    /// `setup`: equivalence on every set, timing cycling through them in capture order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<String>,
    /// Wall-clock limit for the whole job, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_s: Option<f64>,
    /// Interleaved timing rounds (one sample of each side per round); the harness's default
    /// when absent. Fewer rounds give a wider interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<u32>,
    /// Threads for numpy, torch, numba and XLA (`OMP_NUM_THREADS` and friends); the libraries'
    /// own default when absent. One thread, as `torch.utils.benchmark` does, gives steadier numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<u32>,
    /// What to do: benchmark (the default) or line-profile the original.
    #[serde(default, skip_serializing_if = "JobKind::is_benchmark")]
    pub kind: JobKind,
    /// Time the function as written (compiled by its own decorator; `candidate_source` is the
    /// same module) against its plain Python under that decorator: what compiling gains a
    /// function the user compiled already, which a trace (every JIT off) saw at Python speed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub original_jit_off: bool,
}

/// What a job does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Check the candidate against the original, then time both.
    #[default]
    Benchmark,
    /// Line-profile the original with every JIT off (a profile of compiled code would be wrong).
    Profile,
}

impl JobKind {
    /// Whether this is the default kind (kept out of the JSON).
    pub fn is_benchmark(&self) -> bool {
        *self == Self::Benchmark
    }
}

/// Where the time of one function goes, line by line, measured with its JIT off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LineProfile {
    /// Calls made under the profiler.
    pub calls: u64,
    /// Seconds spent in the function, summed over the calls.
    pub total_s: f64,
    /// JIT decorators removed before profiling (`f: @njit(cache=True)`), so the numbers are
    /// the interpreted function's.
    pub jit_disabled: Vec<String>,
    /// One entry per line that ran, in line order (lines of the user's module).
    pub lines: Vec<LineTiming>,
    /// Share of the time in lines inside loops (what a JIT can take over).
    pub loop_share: f64,
    /// Share of the time in lines that call a library kernel (matmul, einsum, linalg, fft, conv,
    /// sort): compiling will not make these faster.
    pub kernel_share: f64,
    /// The profile's conclusion in one sentence.
    pub summary: String,
}

/// The measurements of one line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LineTiming {
    /// 1-based line number in the user's module.
    pub line: u32,
    /// Times the line ran.
    pub hits: u64,
    /// Seconds spent on the line, summed over the calls.
    pub time_s: f64,
    /// Fraction (0 to 1) of the function's time.
    pub share: f64,
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for the one benchmark slot.
    Queued,
    /// Running now.
    Running,
    /// Finished with results.
    Done,
    /// Finished without results; `error` says why.
    Failed,
    /// Cancelled by the user.
    Cancelled,
    /// Killed at its wall-clock limit.
    TimedOut,
    /// The runner stopped while the job ran.
    Interrupted,
}

impl JobStatus {
    /// Whether the job will not change any more.
    pub fn is_final(self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }
}

/// The machine and the software a result was measured on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    /// The interpreter's version and path.
    pub python: String,
    /// Installed versions of numpy, numba, torch, jax and tensorflow (absent: not installed).
    pub versions: BTreeMap<String, String>,
    /// The CPU model and core count.
    pub cpu: String,
    /// The GPUs seen, by name.
    pub gpus: Vec<String>,
}

/// Whether the candidate computes the same as the original.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Equivalence {
    /// True when every case matched within tolerance.
    pub passed: bool,
    /// How many cases ran.
    pub cases: u32,
    /// The largest absolute difference seen.
    pub max_abs_error: f64,
    /// The largest relative difference seen.
    pub max_rel_error: f64,
    /// One line per failing case.
    pub failures: Vec<String>,
    /// Differences that do not fail the check but deserve a look (a dtype narrowed, say).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// The timings of one side of a comparison.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// Median seconds per call.
    pub median_s: f64,
    /// Interquartile range of seconds per call.
    pub iqr_s: f64,
    /// Every sample, seconds per call.
    pub samples_s: Vec<f64>,
    /// Calls per sample.
    pub loops: u64,
}

/// The candidate run once with its JIT switched off (`NUMBA_DISABLE_JIT=1`,
/// `TORCHDYNAMO_DISABLE=1`, `JAX_DISABLE_JIT=1`, `tf.config.run_functions_eagerly(True)`), as
/// coverage tools and line profilers see it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JitOff {
    /// Whether its result matched the original's.
    pub matched: bool,
    /// Lines of the candidate function that ran.
    pub lines_run: u32,
    /// Lines of the candidate function.
    pub lines_total: u32,
    /// Why it could not run, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Candidate over original.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Speedup {
    /// Ratio of medians (original / candidate).
    pub median: f64,
    /// Lower end of the bootstrap 95% interval.
    pub ci_low: f64,
    /// Upper end of the bootstrap 95% interval.
    pub ci_high: f64,
}

/// What compiling cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Compile {
    /// Seconds of the first (cold) call of the candidate.
    pub first_call_s: f64,
    /// Compilations after the first.
    pub recompiles: u32,
    /// torch graph breaks.
    pub graph_breaks: u32,
}

/// The outcome of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The interval excludes 1 and the candidate is at least 5% faster.
    Faster,
    /// The interval excludes 1 and the candidate is at least 5% slower.
    Slower,
    /// Anything else.
    Same,
}

/// A job and, when done, its measurements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobResult {
    /// The job's id.
    pub id: String,
    /// Where it is.
    pub status: JobStatus,
    /// Why it failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Where it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Environment>,
    /// Equivalence of candidate and original.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equivalence: Option<Equivalence>,
    /// Timings of the original.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<Timing>,
    /// Timings of the candidate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate: Option<Timing>,
    /// Candidate over original.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speedup: Option<Speedup>,
    /// Faster, slower or same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Outcome>,
    /// What compiling cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compile: Option<Compile>,
    /// Calls after which compiling has paid for itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_even_calls: Option<u64>,
    /// The candidate with its JIT off: did it match, and what ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jit_off: Option<JitOff>,
    /// Where the inputs lived (`cpu`, `cuda:0`), which decides how the clock is synchronised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// Notes on the measurement itself (a noisy machine, a recompile while timing, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The job's prints, warnings and tracebacks (the last 64 KiB of its stderr).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// While running: what it is doing (`equivalence`, `compile`, `timing`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// While running: 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    /// For a profile job: where the original's time goes, line by line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<LineProfile>,
}

impl JobResult {
    /// A job with only an id and a status, before any measurement.
    pub fn new(id: String, status: JobStatus) -> Self {
        Self {
            id,
            status,
            error: None,
            env: None,
            equivalence: None,
            original: None,
            candidate: None,
            speedup: None,
            verdict: None,
            compile: None,
            break_even_calls: None,
            jit_off: None,
            device: None,
            warnings: Vec::new(),
            output: None,
            phase: None,
            percent: None,
            profile: None,
        }
    }
}

/// What `GET /api/health` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// Always `ok`: the runner is up.
    pub status: String,
    /// The runner's version.
    pub version: String,
}

/// What `POST /api/jobs` and `DELETE /api/jobs/{id}` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accepted {
    /// The job's id.
    pub id: String,
    /// Queued for a new job; for a cancelled one, its status after the cancel.
    pub status: JobStatus,
}

/// What `GET /api/jobs` answers: a page of jobs, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobPage {
    /// The jobs on this page.
    pub jobs: Vec<JobSummary>,
    /// How many jobs there are in all.
    pub total: u64,
    /// The page size asked for.
    pub limit: u32,
    /// How many jobs were skipped.
    pub offset: u64,
}

/// One line of the job list; `GET /api/jobs/{id}` has the whole result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSummary {
    /// The job's id.
    pub id: String,
    /// Where it is.
    pub status: JobStatus,
    /// The function benchmarked.
    pub function: String,
    /// The framework asked for, when one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    /// When it was submitted, in seconds since the Unix epoch.
    pub created_at: f64,
    /// Faster, slower or same, when done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Outcome>,
    /// Candidate over original, when done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speedup: Option<Speedup>,
}

/// What `GET /api/env` answers: the interpreter the runner uses and what it can do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunnerEnv {
    /// The interpreter's path.
    pub python_path: String,
    /// How it was found: `--python`, `JITLENS_PYTHON`, `VIRTUAL_ENV`, `CONDA_PREFIX`, `.venv`
    /// or `PATH`.
    pub found_by: String,
    /// Versions, CPU and GPUs.
    pub environment: Environment,
    /// One entry per framework: can its JIT run here.
    pub jits: Vec<JitSupport>,
}

/// Whether one framework's JIT can run on this machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JitSupport {
    /// `numba`, `torch`, `jax` or `tensorflow`.
    pub framework: String,
    /// True when it imports (and, for torch on CPU, a C++ compiler is found).
    pub usable: bool,
    /// Why not, when not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One progress event of a running job, streamed to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The job's id.
    pub id: String,
    /// Where it is.
    pub status: JobStatus,
    /// What it is doing: `equivalence`, `compile`, `timing`, ...
    pub phase: String,
    /// 0 to 100.
    pub percent: f64,
}
