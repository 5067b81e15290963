//! Version 1 of the share format, frozen: these wire types must never change, so that every v1
//! link ever made still opens. The page's types may move on; the conversions below follow them.
//!
//! ```json
//! {"v": 1, "code": "...", "options": {"function": "f", "framework": "numba", "setup": "..."},
//!  "results": {"measured_at": "2026-11-25T19:00:00Z", "function": "f", "framework": "numba",
//!              "job": { ...the runner's JobResult, as it was in v1... }},
//!  "profile": {"measured_at": "...", "function": "f", "env": {...}, "calls": 3, "total_s": 0.6,
//!              "jit_disabled": ["f: @njit"], "lines": [{"line": 7, "hits": 8100, "time_s": 0.2,
//!              "share": 0.41}], "loop_share": 0.9, "kernel_share": 0.0, "summary": "..."}}
//! ```
//!
//! `profile` came later as an optional field: links made before it still decode, and links with it
//! hold a line profile of `code` itself (the page leaves it out once the code has changed).

use std::collections::BTreeMap;

use jitlens_analyzer::protocol::{
    Compile, Environment, Equivalence, JobResult, JobStatus, LineProfile, LineTiming, Outcome,
    Speedup, Timing,
};
use serde::{Deserialize, Serialize};

use super::{Options, ShareError, SharedProfile, SharedResults, SharedState};

#[derive(Serialize, Deserialize)]
struct StateV1 {
    v: u32,
    code: String,
    #[serde(default)]
    options: OptionsV1,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    results: Option<ResultsV1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    profile: Option<ProfileV1>,
}

#[derive(Default, Serialize, Deserialize)]
struct OptionsV1 {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    framework: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    setup: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ResultsV1 {
    measured_at: String,
    function: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    framework: Option<String>,
    job: JobV1,
}

#[derive(Serialize, Deserialize)]
struct ProfileV1 {
    measured_at: String,
    function: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    env: Option<EnvV1>,
    calls: u64,
    total_s: f64,
    #[serde(default)]
    jit_disabled: Vec<String>,
    #[serde(default)]
    lines: Vec<LineV1>,
    loop_share: f64,
    kernel_share: f64,
    #[serde(default)]
    summary: String,
}

#[derive(Serialize, Deserialize)]
struct LineV1 {
    line: u32,
    hits: u64,
    time_s: f64,
    share: f64,
}

#[derive(Serialize, Deserialize)]
struct JobV1 {
    id: String,
    status: StatusV1,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    env: Option<EnvV1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    equivalence: Option<EquivalenceV1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    original: Option<TimingV1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    candidate: Option<TimingV1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    speedup: Option<SpeedupV1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    verdict: Option<OutcomeV1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    compile: Option<CompileV1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    break_even_calls: Option<u64>,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StatusV1 {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
    TimedOut,
    Interrupted,
}

#[derive(Serialize, Deserialize)]
struct EnvV1 {
    python: String,
    #[serde(default)]
    versions: BTreeMap<String, String>,
    cpu: String,
    #[serde(default)]
    gpus: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct EquivalenceV1 {
    passed: bool,
    cases: u32,
    max_abs_error: f64,
    max_rel_error: f64,
    #[serde(default)]
    failures: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct TimingV1 {
    median_s: f64,
    iqr_s: f64,
    #[serde(default)]
    samples_s: Vec<f64>,
    loops: u64,
}

#[derive(Serialize, Deserialize)]
struct SpeedupV1 {
    median: f64,
    ci_low: f64,
    ci_high: f64,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum OutcomeV1 {
    Faster,
    Slower,
    Same,
}

#[derive(Serialize, Deserialize)]
struct CompileV1 {
    first_call_s: f64,
    recompiles: u32,
    graph_breaks: u32,
}

/// The v1 JSON text of `state`.
pub(super) fn to_json(state: &SharedState) -> String {
    let wire = StateV1 {
        v: 1,
        code: state.code.clone(),
        options: OptionsV1 {
            function: state.options.function.clone(),
            framework: state.options.framework.clone(),
            setup: state.options.setup.clone(),
        },
        results: state.results.as_ref().map(|results| ResultsV1 {
            measured_at: results.measured_at.clone(),
            function: results.function.clone(),
            framework: results.framework.clone(),
            job: job_to_wire(&results.job),
        }),
        profile: state.profile.as_ref().map(profile_to_wire),
    };
    serde_json::to_string(&wire).unwrap_or_default()
}

/// The state in a parsed v1 JSON document.
pub(super) fn from_value(value: serde_json::Value) -> Result<SharedState, ShareError> {
    let wire: StateV1 =
        serde_json::from_value(value).map_err(|error| ShareError::Invalid(error.to_string()))?;
    Ok(SharedState {
        code: wire.code,
        options: Options {
            function: wire.options.function,
            framework: wire.options.framework,
            setup: wire.options.setup,
        },
        results: wire.results.map(|results| SharedResults {
            measured_at: results.measured_at,
            function: results.function,
            framework: results.framework,
            job: job_from_wire(results.job),
        }),
        profile: wire.profile.map(profile_from_wire),
    })
}

fn env_to_wire(env: &Environment) -> EnvV1 {
    EnvV1 {
        python: env.python.clone(),
        versions: env.versions.clone(),
        cpu: env.cpu.clone(),
        gpus: env.gpus.clone(),
    }
}

fn env_from_wire(env: EnvV1) -> Environment {
    Environment {
        python: env.python,
        versions: env.versions,
        cpu: env.cpu,
        gpus: env.gpus,
    }
}

fn profile_to_wire(shared: &SharedProfile) -> ProfileV1 {
    let profile = &shared.profile;
    ProfileV1 {
        measured_at: shared.measured_at.clone(),
        function: shared.function.clone(),
        env: shared.env.as_ref().map(env_to_wire),
        calls: profile.calls,
        total_s: profile.total_s,
        jit_disabled: profile.jit_disabled.clone(),
        lines: profile
            .lines
            .iter()
            .map(|line| LineV1 {
                line: line.line,
                hits: line.hits,
                time_s: line.time_s,
                share: line.share,
            })
            .collect(),
        loop_share: profile.loop_share,
        kernel_share: profile.kernel_share,
        summary: profile.summary.clone(),
    }
}

fn profile_from_wire(wire: ProfileV1) -> SharedProfile {
    SharedProfile {
        measured_at: wire.measured_at,
        function: wire.function,
        env: wire.env.map(env_from_wire),
        profile: LineProfile {
            calls: wire.calls,
            total_s: wire.total_s,
            jit_disabled: wire.jit_disabled,
            lines: wire
                .lines
                .into_iter()
                .map(|line| LineTiming {
                    line: line.line,
                    hits: line.hits,
                    time_s: line.time_s,
                    share: line.share,
                })
                .collect(),
            loop_share: wire.loop_share,
            kernel_share: wire.kernel_share,
            summary: wire.summary,
        },
    }
}

fn job_to_wire(job: &JobResult) -> JobV1 {
    JobV1 {
        id: job.id.clone(),
        status: match job.status {
            JobStatus::Queued => StatusV1::Queued,
            JobStatus::Running => StatusV1::Running,
            JobStatus::Done => StatusV1::Done,
            JobStatus::Failed => StatusV1::Failed,
            JobStatus::Cancelled => StatusV1::Cancelled,
            JobStatus::TimedOut => StatusV1::TimedOut,
            JobStatus::Interrupted => StatusV1::Interrupted,
        },
        error: job.error.clone(),
        env: job.env.as_ref().map(env_to_wire),
        equivalence: job.equivalence.as_ref().map(|eq| EquivalenceV1 {
            passed: eq.passed,
            cases: eq.cases,
            max_abs_error: eq.max_abs_error,
            max_rel_error: eq.max_rel_error,
            failures: eq.failures.clone(),
        }),
        original: job.original.as_ref().map(timing_to_wire),
        candidate: job.candidate.as_ref().map(timing_to_wire),
        speedup: job.speedup.map(|speedup| SpeedupV1 {
            median: speedup.median,
            ci_low: speedup.ci_low,
            ci_high: speedup.ci_high,
        }),
        verdict: job.verdict.map(|outcome| match outcome {
            Outcome::Faster => OutcomeV1::Faster,
            Outcome::Slower => OutcomeV1::Slower,
            Outcome::Same => OutcomeV1::Same,
        }),
        compile: job.compile.map(|compile| CompileV1 {
            first_call_s: compile.first_call_s,
            recompiles: compile.recompiles,
            graph_breaks: compile.graph_breaks,
        }),
        break_even_calls: job.break_even_calls,
    }
}

fn job_from_wire(job: JobV1) -> JobResult {
    let status = match job.status {
        StatusV1::Queued => JobStatus::Queued,
        StatusV1::Running => JobStatus::Running,
        StatusV1::Done => JobStatus::Done,
        StatusV1::Failed => JobStatus::Failed,
        StatusV1::Cancelled => JobStatus::Cancelled,
        StatusV1::TimedOut => JobStatus::TimedOut,
        StatusV1::Interrupted => JobStatus::Interrupted,
    };
    JobResult {
        error: job.error,
        env: job.env.map(env_from_wire),
        equivalence: job.equivalence.map(|eq| Equivalence {
            passed: eq.passed,
            cases: eq.cases,
            max_abs_error: eq.max_abs_error,
            max_rel_error: eq.max_rel_error,
            failures: eq.failures,
            warnings: Vec::new(),
        }),
        original: job.original.map(timing_from_wire),
        candidate: job.candidate.map(timing_from_wire),
        speedup: job.speedup.map(|speedup| Speedup {
            median: speedup.median,
            ci_low: speedup.ci_low,
            ci_high: speedup.ci_high,
        }),
        verdict: job.verdict.map(|outcome| match outcome {
            OutcomeV1::Faster => Outcome::Faster,
            OutcomeV1::Slower => Outcome::Slower,
            OutcomeV1::Same => Outcome::Same,
        }),
        compile: job.compile.map(|compile| Compile {
            first_call_s: compile.first_call_s,
            recompiles: compile.recompiles,
            graph_breaks: compile.graph_breaks,
        }),
        break_even_calls: job.break_even_calls,
        ..JobResult::new(job.id, status)
    }
}

fn timing_to_wire(timing: &Timing) -> TimingV1 {
    TimingV1 {
        median_s: timing.median_s,
        iqr_s: timing.iqr_s,
        samples_s: timing.samples_s.clone(),
        loops: timing.loops,
    }
}

fn timing_from_wire(timing: TimingV1) -> Timing {
    Timing {
        median_s: timing.median_s,
        iqr_s: timing.iqr_s,
        samples_s: timing.samples_s,
        loops: timing.loops,
    }
}
