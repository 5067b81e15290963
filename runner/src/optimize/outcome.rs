//! What `jitlens optimize` concludes for one function, and for the whole program (the types
//! are the wire types of `jitlens_analyzer::protocol::Optimized`).

use jitlens_analyzer::protocol::{
    FunctionOutcome, JobResult, JobStatus, OptimizeStatus as Status, Outcome, Speedup,
};

/// The status of one measured variant, and why.
pub(crate) fn judge(result: &JobResult, traced_calls: u64) -> (Status, Option<String>) {
    if result.status != JobStatus::Done {
        let why = result
            .error
            .clone()
            .unwrap_or_else(|| format!("{:?}", result.status));
        return (Status::Failed, Some(why));
    }
    let Some(equivalence) = &result.equivalence else {
        return (
            Status::Failed,
            Some("the job reported no equivalence".to_owned()),
        );
    };
    if !equivalence.passed {
        let first = equivalence.failures.first().cloned();
        return (Status::NotEqual, first);
    }
    let Some(speedup) = result.speedup else {
        return (
            Status::Failed,
            Some("the job reported no timing".to_owned()),
        );
    };
    if speedup.ci_low <= 1.0 || result.verdict != Some(Outcome::Faster) {
        return (
            Status::Slower,
            Some(format!(
                "{:.2}x (95% interval {:.2}x to {:.2}x): not faster beyond doubt",
                speedup.median, speedup.ci_low, speedup.ci_high
            )),
        );
    }
    match result.break_even_calls {
        Some(calls) if calls <= traced_calls.max(1) => (Status::Verified, None),
        Some(calls) => (
            Status::Slower,
            Some(format!(
                "the compile pays back after {calls} calls; the traced workload made {traced_calls}"
            )),
        ),
        None => (
            Status::Slower,
            Some("the compile never pays back".to_owned()),
        ),
    }
}

/// The whole program's projected speedup from the traced shares and the measured speedups
/// (Amdahl's law), with the interval the speedups' intervals give: `(median, low, high)`.
/// `traced_of_wall` is the traced time over the program's wall time: the rest (start-up,
/// imports, time outside the project's functions) does not get faster.
/// Functions compiled already count at their measured compiled time, in the program's time
/// before and after: the trace saw them at Python speed, which would flatter the rewrites.
pub(crate) fn projected(functions: &[FunctionOutcome], traced_of_wall: f64) -> (f64, f64, f64) {
    let scale = traced_of_wall.clamp(0.0, 1.0);
    let remaining = |pick: fn(&Speedup) -> f64| {
        let saved = |share: f64, speedup: &Speedup| scale * share * (1.0 - 1.0 / pick(speedup));
        let before: f64 = 1.0
            - functions
                .iter()
                .filter_map(|f| Some(saved(f.share, f.compiled_speedup.as_ref()?)))
                .sum::<f64>();
        let after = before
            - functions
                .iter()
                .filter(|f| f.status == Status::Verified)
                .filter_map(|f| Some(saved(f.share, f.speedup.as_ref()?)))
                .sum::<f64>();
        before / after.max(f64::EPSILON)
    };
    (
        remaining(|s| s.median),
        remaining(|s| s.ci_low),
        remaining(|s| s.ci_high),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verified(share: f64, median: f64) -> FunctionOutcome {
        FunctionOutcome {
            name: "f".to_owned(),
            file: "f.py".to_owned(),
            framework: Some("numba".to_owned()),
            rewrite: None,
            status: Status::Verified,
            reason: None,
            speedup: Some(Speedup {
                median,
                ci_low: median / 2.0,
                ci_high: median * 2.0,
            }),
            equivalence: None,
            compile_s: None,
            break_even_calls: None,
            traced_calls: 1,
            share,
            replay_test: None,
            variants: Vec::new(),
            compiled_speedup: None,
            diff: None,
        }
    }

    #[test]
    fn amdahl_bounds_the_whole_program() {
        // 80% of the time 100x faster: the rest caps the program at about 4.8x.
        let (median, low, high) = projected(&[verified(0.8, 100.0)], 1.0);
        assert!((median - 1.0 / (0.2 + 0.008)).abs() < 1e-9, "{median}");
        assert!(low < median && median < high);
        let mut slower = verified(0.5, 3.0);
        slower.status = Status::Slower;
        assert_eq!(projected(&[slower], 1.0).0, 1.0);
        // Half the wall time outside the traced functions halves what they can give.
        let (half, _, _) = projected(&[verified(1.0, 1e9)], 0.5);
        assert!((half - 2.0).abs() < 1e-6, "{half}");
    }

    #[test]
    fn a_function_compiled_already_counts_at_its_compiled_time() {
        // Half the traced time in a function 10x faster compiled, as the user runs it: the real
        // program is 0.55 of the traced one, and a 2x rewrite of the other half saves 0.25 of it.
        let mut compiled = verified(0.5, 1.0);
        compiled.status = Status::NoRewrite;
        compiled.speedup = None;
        compiled.compiled_speedup = Some(Speedup {
            median: 10.0,
            ci_low: 10.0,
            ci_high: 10.0,
        });
        let rewrite = verified(0.5, 2.0);
        let (median, _, _) = projected(&[compiled, rewrite.clone()], 1.0);
        assert!((median - 0.55 / 0.30).abs() < 1e-9, "{median}");
        // Counted at Python speed, the same rewrite would claim less of a larger program.
        let (flat, _, _) = projected(&[rewrite], 1.0);
        assert!((flat - 1.0 / 0.75).abs() < 1e-9, "{flat}");
    }
}
