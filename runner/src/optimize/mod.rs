//! `jitlens optimize [TRACE]`: from a trace to proven speedups. For the functions that hold the
//! time, every rewrite jitlens offers is checked on the argument sets the trace captured and
//! timed over them (the fastest equal one is kept); a function is `verified` when it is equal
//! everywhere, faster beyond the interval and pays its compile back within the traced calls.
//! `--apply` writes the verified rewrites into the user's files, and nothing else. The result
//! (each kept rewrite with its diff) is stored with the trace, the newest run replacing the
//! older, for the playground's Workload pane (`GET /api/traces/{id}/optimize`).
//!
//! [`outcome`] judges a measured variant and projects the whole program; [`apply`] writes.

mod apply;
mod outcome;

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use jitlens_analyzer::protocol::{
    EquivalenceLine, FunctionOutcome, JobKind, JobRequest, OptimizeStatus as Status, Optimized,
    ProjectedSpeedup, Trace, TracedFunction, Variant,
};

use crate::bench::{self, Local};
use crate::replay_cmd::{self, Rewrite};
use crate::store::{traces, Store};

/// The arguments of `jitlens optimize`.
#[derive(Debug, Args)]
pub struct OptimizeArgs {
    /// The trace to optimize (default: the newest).
    trace: Option<String>,
    /// At most this many functions, by share of the traced time.
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,
    /// Only functions with at least this share of the traced time (0.02: 2%).
    #[arg(long, default_value_t = 0.02, value_name = "SHARE")]
    min_share: f64,
    /// Write the verified rewrites into the project's files (and their replay tests into its
    /// `tests/`); refused for a file edited since the trace.
    #[arg(long)]
    apply: bool,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Where to write the replay tests (default: beside the trace in the data folder).
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Interleaved timing rounds per variant.
    #[arg(long, default_value_t = 10)]
    rounds: u32,
    /// The Python that runs the jobs (default: the one the trace ran in).
    #[arg(long)]
    python: Option<PathBuf>,
    /// Where traces and results are kept.
    #[arg(long, env = "JITLENS_DATA_DIR")]
    data_dir: Option<PathBuf>,
}

/// Runs `jitlens optimize`; `Ok(true)` when some function was verified.
pub(crate) fn run(args: &OptimizeArgs) -> anyhow::Result<bool> {
    let data_dir = args
        .data_dir
        .clone()
        .unwrap_or_else(crate::server::default_data_dir);
    let store = Store::open(&data_dir)?;
    let trace = crate::trace::load(&store, args.trace.as_deref().unwrap_or("latest"))?;
    let python = match &args.python {
        Some(python) => Some(python.clone()),
        None => store
            .run_here(|connection| traces::python(connection, &trace.id))?
            .map(PathBuf::from),
    };
    let local = Local {
        python,
        data_dir: Some(data_dir.clone()),
        memory_limit_mb: None,
    };
    let replay_dir = args
        .output
        .clone()
        .unwrap_or_else(|| data_dir.join("traces").join(&trace.id).join("replay"));
    std::fs::create_dir_all(&replay_dir)
        .with_context(|| format!("could not create {}", replay_dir.display()))?;
    let chosen: Vec<&TracedFunction> = trace
        .functions
        .iter()
        .filter(|f| f.share >= args.min_share)
        .take(args.top)
        .collect();
    if args.apply {
        // Refused before minutes of measuring, and checked again before writing.
        let files: Vec<&str> = chosen.iter().map(|f| f.file.as_str()).collect();
        apply::check_unchanged(&store, &trace.id, Path::new(&trace.root), &files)?;
    }
    let mut outcomes = Vec::new();
    for function in chosen {
        eprintln!(
            "optimize: {} ({:.1}% of the time)",
            function.name,
            function.share * 100.0
        );
        let mut outcome = optimize_one(&trace, function, &local, args.rounds);
        if outcome.status == Status::Verified {
            outcome.replay_test = write_replay(&store, &trace, &outcome, &replay_dir);
        }
        outcomes.push(outcome);
    }
    let traced_of_wall = if trace.wall_s > 0.0 {
        trace.traced_s / trace.wall_s
    } else {
        1.0
    };
    let (median, ci_low, ci_high) = outcome::projected(&outcomes, traced_of_wall);
    let verified: Vec<apply::Verified> = outcomes
        .iter()
        .filter(|o| o.status == Status::Verified)
        .filter_map(|o| {
            Some(apply::Verified {
                file: o.file.clone(),
                function: o.name.clone(),
                strategy: o.rewrite.clone()?,
            })
        })
        .collect();
    let diff = if args.apply && !verified.is_empty() {
        let root = Path::new(&trace.root);
        let diff = apply::apply(&store, &trace.id, root, &verified)?;
        copy_replay_tests(&outcomes, &root.join("tests"))?;
        Some(diff)
    } else {
        None
    };
    let result = Optimized {
        trace: trace.id.clone(),
        functions: outcomes,
        projected_speedup: ProjectedSpeedup {
            median,
            ci_low,
            ci_high,
        },
        applied: diff.is_some(),
    };
    // Kept for the page's Workload pane; minutes of measuring are not lost to a store that
    // cannot be written: they are printed all the same.
    if let Err(error) = store.run_here(|connection| traces::put_optimized(connection, &result)) {
        eprintln!("warning: the result is not kept for the playground: {error:#}");
    }
    if args.json {
        println!("{}", serde_json::to_string(&result)?);
    } else {
        print!("{}", table(&result, &replay_dir));
        match &diff {
            Some(diff) => print!("{diff}"),
            None if !verified.is_empty() => {
                println!(
                    "`jitlens optimize {} --apply` writes the verified rewrites.",
                    trace.id
                );
            }
            None => (),
        }
    }
    Ok(!verified.is_empty())
}

/// Every rewrite of `function` checked and timed on the trace's inputs; the best one kept.
fn optimize_one(
    trace: &Trace,
    function: &TracedFunction,
    local: &Local,
    rounds: u32,
) -> FunctionOutcome {
    let mut outcome = FunctionOutcome {
        name: function.name.clone(),
        file: function.file.clone(),
        framework: None,
        rewrite: None,
        status: Status::NoRewrite,
        reason: None,
        speedup: None,
        equivalence: None,
        compile_s: None,
        break_even_calls: None,
        traced_calls: function.calls,
        share: function.share,
        replay_test: None,
        variants: Vec::new(),
        compiled_speedup: None,
        diff: None,
    };
    let path = Path::new(&trace.root).join(&function.file);
    let source = match std::fs::read_to_string(&path) {
        Ok(source) => source,
        Err(error) => {
            outcome.status = Status::Failed;
            outcome.reason = Some(format!("could not read {}: {error}", path.display()));
            return outcome;
        }
    };
    let report = jitlens_analyzer::analyze(&source);
    let Some(found) = report.functions.iter().find(|f| f.name == function.name) else {
        outcome.status = Status::Failed;
        outcome.reason = Some(format!(
            "`{}` is no longer in {}",
            function.name, function.file
        ));
        return outcome;
    };
    if let Some(compiled) = found.verdicts.iter().find(|v| v.compiled) {
        measure_as_written(
            &mut outcome,
            &compiled.framework,
            &source,
            trace,
            local,
            rounds,
        );
        return outcome;
    }
    if found.strategies.is_empty() {
        outcome.reason = Some(
            found
                .verdicts
                .iter()
                .find_map(|v| v.no_rewrite.clone())
                .or_else(|| found.verdicts.first().map(|v| v.summary.clone()))
                .unwrap_or_else(|| "jitlens offers no rewrite of it".to_owned()),
        );
        return outcome;
    }
    // Best first: verified (fastest wins), then slower, then not equal, then failed.
    let rank = |status: Status| match status {
        Status::Verified => 0,
        Status::Slower => 1,
        Status::NotEqual => 2,
        Status::Failed | Status::NoRewrite => 3,
    };
    let mut best: Option<(Status, f64)> = None;
    for strategy in &found.strategies {
        eprintln!(
            "optimize:   {} [{}] {}",
            strategy.id, strategy.applicability, strategy.title
        );
        let mut request = trace_job(&source, &function.name, &strategy.framework, trace, rounds);
        request.candidate_source = Some(strategy.source.clone());
        let result = match bench::run_here(&request, local, 1) {
            Ok(mut results) => results.pop(),
            Err(error) => {
                outcome.variants.push(Variant {
                    strategy: strategy.id.clone(),
                    status: Status::Failed,
                    speedup: None,
                    recompiles: None,
                    graph_breaks: None,
                });
                if best.is_none() {
                    outcome.status = Status::Failed;
                    outcome.reason = Some(format!("{error:#}"));
                }
                continue;
            }
        };
        let Some(result) = result else { continue };
        let (status, reason) = outcome::judge(&result, function.calls);
        let median = result.speedup.map(|s| s.median);
        outcome.variants.push(Variant {
            strategy: strategy.id.clone(),
            status,
            speedup: median,
            recompiles: result.compile.map(|c| c.recompiles),
            graph_breaks: result.compile.map(|c| c.graph_breaks),
        });
        let better = match best {
            None => true,
            Some((best_status, best_median)) => {
                rank(status) < rank(best_status)
                    || rank(status) == rank(best_status) && median.unwrap_or(0.0) > best_median
            }
        };
        if better {
            best = Some((status, median.unwrap_or(0.0)));
            outcome.status = status;
            outcome.reason = reason;
            outcome.framework = Some(strategy.framework.clone());
            outcome.rewrite = Some(strategy.id.clone());
            outcome.speedup = result.speedup;
            outcome.equivalence = result.equivalence.as_ref().map(|e| EquivalenceLine {
                passed: e.passed,
                cases: e.cases,
            });
            outcome.compile_s = result.compile.map(|c| c.first_call_s);
            outcome.break_even_calls = result.break_even_calls;
            outcome.diff = Some(crate::fix_cmd::unified_diff(
                &source,
                &strategy.source,
                &function.file,
            ))
            .filter(|diff| !diff.is_empty());
        }
    }
    measure_plain_decorators(&mut outcome, found, &source, trace, local, rounds);
    outcome
}

/// A benchmark of `function` on the trace's captured inputs, with `framework`'s plain decorator
/// as the candidate unless the caller sets another.
fn trace_job(
    source: &str,
    function: &str,
    framework: &str,
    trace: &Trace,
    rounds: u32,
) -> JobRequest {
    JobRequest {
        source: source.to_owned(),
        function: function.to_owned(),
        framework: Some(framework.to_owned()),
        candidate_source: None,
        setup: None,
        inputs: Some(trace.id.clone()),
        timeout_s: None,
        rounds: Some(rounds),
        threads: None,
        kind: JobKind::Benchmark,
        original_jit_off: false,
    }
}

/// A function the user compiled already: timed as written against its own Python on the
/// captured inputs, so that the projection counts it at its compiled speed.
fn measure_as_written(
    outcome: &mut FunctionOutcome,
    framework: &str,
    source: &str,
    trace: &Trace,
    local: &Local,
    rounds: u32,
) {
    eprintln!("optimize:   compiled with {framework} already: timed as written");
    outcome.framework = Some(framework.to_owned());
    let mut request = trace_job(source, &outcome.name, framework, trace, rounds);
    request.original_jit_off = true;
    let measured = match bench::run_here(&request, local, 1).map(|mut r| r.pop()) {
        Ok(Some(result)) => match outcome::judge(&result, outcome.traced_calls) {
            (Status::Failed | Status::NotEqual, why) => Err(why.unwrap_or_default()),
            _ => result.speedup.ok_or_else(|| "no timing".to_owned()),
        },
        Ok(None) => Err("the job gave no result".to_owned()),
        Err(error) => Err(format!("{error:#}")),
    };
    outcome.reason = Some(match measured {
        Ok(speedup) => {
            outcome.compiled_speedup = Some(speedup);
            format!(
                "compiled with {framework} already: {:.1}x its Python speed on the captured inputs ({:.1}x to {:.1}x), counted at that speed in the projection",
                speedup.median, speedup.ci_low, speedup.ci_high
            )
        }
        Err(why) => format!(
            "compiled with {framework} already; timing it as written failed ({why}), so it counts at its traced Python time"
        ),
    });
}

/// The plain decorator of each framework whose verdict is "harmful", timed on the same inputs
/// for reference and never kept: the measured case for the rewrite jitlens offers instead
/// (`torch.compile` on the brief's `adaptive_processing` recompiles where its branchless
/// rewrite does not).
fn measure_plain_decorators(
    outcome: &mut FunctionOutcome,
    found: &jitlens_analyzer::report::FunctionReport,
    source: &str,
    trace: &Trace,
    local: &Local,
    rounds: u32,
) {
    let harmful = found
        .verdicts
        .iter()
        .filter(|v| v.benefit == "harmful")
        .filter(|v| found.strategies.iter().any(|s| s.framework == v.framework));
    for verdict in harmful {
        let request = trace_job(source, &outcome.name, &verdict.framework, trace, rounds);
        let strategy = format!(
            "{}-plain-decorator (for reference, not offered)",
            verdict.framework
        );
        eprintln!("optimize:   {strategy}");
        let variant = match bench::run_here(&request, local, 1).map(|mut r| r.pop()) {
            Ok(Some(result)) => Variant {
                strategy,
                status: outcome::judge(&result, outcome.traced_calls).0,
                speedup: result.speedup.map(|s| s.median),
                recompiles: result.compile.map(|c| c.recompiles),
                graph_breaks: result.compile.map(|c| c.graph_breaks),
            },
            Ok(None) | Err(_) => Variant {
                strategy,
                status: Status::Failed,
                speedup: None,
                recompiles: None,
                graph_breaks: None,
            },
        };
        outcome.variants.push(variant);
    }
}

/// The replay test of a verified function, in `dir`; its path, or `None` (with why on stderr).
fn write_replay(
    store: &Store,
    trace: &Trace,
    outcome: &FunctionOutcome,
    dir: &Path,
) -> Option<String> {
    let path = Path::new(&trace.root).join(&outcome.file);
    let original = std::fs::read_to_string(path).ok()?;
    let report = jitlens_analyzer::analyze(&original);
    let strategy = report
        .functions
        .iter()
        .find(|f| f.name == outcome.name)?
        .strategies
        .iter()
        .find(|s| Some(&s.id) == outcome.rewrite.as_ref())?;
    let module = dir.join(format!("test_replay_{}.py", outcome.name.replace('.', "_")));
    let label = format!(
        "{} ({}: {})",
        strategy.id, strategy.applicability, strategy.title
    );
    let rewrite = Rewrite {
        original: &original,
        source: &strategy.source,
        label: &label,
        framework: &strategy.framework,
    };
    match replay_cmd::write(store, &trace.id, &outcome.name, &rewrite, &module) {
        Ok(_) => Some(module.display().to_string()),
        Err(error) => {
            eprintln!("optimize: no replay test for {}: {error:#}", outcome.name);
            None
        }
    }
}

/// The verified functions' replay tests (and their samples) copied into the project's tests.
fn copy_replay_tests(outcomes: &[FunctionOutcome], tests: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(tests)
        .with_context(|| format!("could not create {}", tests.display()))?;
    for module in outcomes.iter().filter_map(|o| o.replay_test.as_deref()) {
        let module = Path::new(module);
        for file in [module.to_path_buf(), module.with_extension("samples")] {
            let target = tests.join(file.file_name().context("a replay test has no name")?);
            std::fs::copy(&file, &target).with_context(|| {
                format!("could not copy {} to {}", file.display(), target.display())
            })?;
        }
    }
    Ok(())
}

/// `torch-compile slower 0.31x, 3 recompiles`.
fn variant_line(variant: &Variant) -> String {
    let mut line = format!("{} {}", variant.strategy, variant.status.as_str());
    if let Some(speedup) = variant.speedup {
        line.push_str(&format!(" {speedup:.2}x"));
    }
    line.push_str(&variant.compile_notes());
    line
}

fn table(result: &Optimized, replay_dir: &Path) -> String {
    let mut out = String::new();
    for f in &result.functions {
        let speedup = f.speedup.map_or_else(String::new, |s| {
            format!(" {:.2}x ({:.2}x to {:.2}x)", s.median, s.ci_low, s.ci_high)
        });
        let pays = f.break_even_calls.map_or_else(String::new, |calls| {
            format!(", pays back after {calls} of {} calls", f.traced_calls)
        });
        out.push_str(&format!(
            "{:<10} {} ({:.1}%){}{}{}\n",
            f.status.as_str(),
            f.name,
            f.share * 100.0,
            f.rewrite
                .as_ref()
                .map(|r| format!(" with {r}"))
                .unwrap_or_default(),
            speedup,
            pays
        ));
        if let Some(reason) = &f.reason {
            out.push_str(&format!("           {reason}\n"));
        }
        // What the other variants measured: the proof that the kept one is the best.
        if f.variants.len() > 1 {
            let tried: Vec<String> = f.variants.iter().map(variant_line).collect();
            out.push_str(&format!("           tried: {}\n", tried.join("; ")));
        }
    }
    let p = &result.projected_speedup;
    out.push_str(&format!(
        "\nprojected whole-program speedup: {:.2}x ({:.2}x to {:.2}x), from the shares of the \
         traced wall time (functions already compiled in your code count at their measured \
         compiled time)\n",
        p.median, p.ci_low, p.ci_high
    ));
    if result.functions.iter().any(|f| f.replay_test.is_some()) {
        out.push_str(&format!("replay tests: {}\n", replay_dir.display()));
    }
    out
}
