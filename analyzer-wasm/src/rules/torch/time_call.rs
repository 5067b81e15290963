//! PT008: `time.time()` and friends inside `torch.compile`.

use crate::model::FunctionModel;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags calls to `time.time`, `time.perf_counter`, `time.monotonic` and `time.process_time`
    /// in code compiled by `torch.compile`.
    ///
    /// ## Why is this bad?
    /// Dynamo breaks the graph on them ("Call to a time function", torch 2.15), and a timer
    /// inside a compiled region does not measure the kernels anyway.
    ///
    /// ## Example
    /// ```python
    /// @torch.compile
    /// def step(x):
    ///     start = time.perf_counter()
    ///     y = x.sin()
    ///     return y, time.perf_counter() - start
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// start = time.perf_counter()
    /// y = step(x)
    /// elapsed = time.perf_counter() - start
    /// ```
}

/// PT008
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        if let Some(
            q @ ("time.time"
            | "time.perf_counter"
            | "time.monotonic"
            | "time.process_time"
            | "time.time_ns"
            | "time.perf_counter_ns"),
        ) = call.qualified.as_deref()
        {
            checker.report(
                call.expr.range,
                format!("`{q}()` breaks the graph: time outside the compiled function"),
            );
        }
    }
}
