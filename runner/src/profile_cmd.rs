//! `jitlens profile FILE::FUNCTION`: where the original's time goes, line by line, measured with
//! every JIT off, printed beside the source (or as the JobResult JSON).

use std::fmt::Write as _;
use std::io::Write;

use jitlens_analyzer::protocol::{JobKind, JobRequest, JobResult, JobStatus};

use crate::bench::{self, Framework, Local};
use crate::jobs::validate;

/// Arguments of `jitlens profile`.
#[derive(Debug, clap::Args)]
pub struct ProfileArgs {
    /// The function to profile, as FILE::FUNCTION.
    #[arg(value_name = "FILE::FUNCTION")]
    pub target: String,
    /// Python that defines the inputs by parameter name, e.g. "import numpy as np; x = np.random.rand(1000)".
    #[arg(long, value_name = "CODE")]
    pub setup: Option<String>,
    /// Print the JobResult as JSON.
    #[arg(long)]
    pub json: bool,
    /// Asks for a profile of the compiled function: always refused, with the reason (a line
    /// profiler sees only Python bytecode). The original is profiled with its JIT off instead.
    #[arg(long, value_enum)]
    pub framework: Option<Framework>,
    /// Where the job runs.
    #[command(flatten)]
    pub local: Local,
    /// Wall-clock limit, in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
}

/// Runs the profile; true when it finished.
pub(crate) fn run(args: &ProfileArgs) -> anyhow::Result<bool> {
    let (source, function) = bench::read_target(&args.target)?;
    let request = JobRequest {
        source,
        function,
        framework: args.framework.map(|framework| framework.name().to_owned()),
        candidate_source: None,
        setup: args.setup.clone(),
        inputs: None,
        timeout_s: args.timeout,
        rounds: None,
        threads: None,
        kind: JobKind::Profile,
        original_jit_off: false,
    };
    validate(&request).map_err(anyhow::Error::msg)?;
    let result = bench::run_here(&request, &args.local, 1)?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("the profile job gave no result"))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&result)?)?;
    } else {
        write!(out, "{}", table(&request, &result))?;
    }
    Ok(result.status == JobStatus::Done)
}

/// The profile beside the function's source lines, heaviest lines marked.
fn table(request: &JobRequest, result: &JobResult) -> String {
    let Some(profile) = result
        .profile
        .as_ref()
        .filter(|_| result.status == JobStatus::Done)
    else {
        let error = result.error.as_deref().unwrap_or("no profile");
        return format!(
            "profile of {} {:?}: {error}\n",
            request.function, result.status
        );
    };
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Line profile of {}: {} call(s), {} in the function, every JIT off",
        request.function,
        profile.calls,
        bench::duration(profile.total_s)
    );
    for removed in &profile.jit_disabled {
        let _ = writeln!(text, "  decorator removed for the profile: {removed}");
    }
    let _ = writeln!(
        text,
        "{:>6} {:>10} {:>11} {:>7}  source",
        "line", "hits", "time", "share"
    );
    let lines: Vec<&str> = request.source.lines().collect();
    for timing in &profile.lines {
        let code = usize::try_from(timing.line)
            .ok()
            .and_then(|line| lines.get(line.wrapping_sub(1)))
            .copied()
            .unwrap_or("");
        let _ = writeln!(
            text,
            "{:>6} {:>10} {:>11} {:>6.1}%  {code}",
            timing.line,
            timing.hits,
            bench::duration(timing.time_s),
            timing.share * 100.0
        );
    }
    let _ = writeln!(text, "{}", profile.summary);
    text
}
