//! NB203: `break`, `return`, `raise` or `assert` inside a `prange` loop.

use crate::model::{Framework, FunctionModel, LoopIter};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `break`, `return`, `raise` and `assert` inside a `prange` loop.
    ///
    /// ## Why is this bad?
    /// A parallel loop must have one entry and one exit. Numba warns
    /// (`NumbaPerformanceWarning`: "prange or pndindex loop will not be executed in parallel due
    /// to there being more than one entry to or exit from the loop") and runs it serially.
    ///
    /// ## Example
    /// ```python
    /// @njit(parallel=True)
    /// def scale(x):
    ///     out = np.empty_like(x)
    ///     for i in prange(x.shape[0]):
    ///         assert x[i] >= 0
    ///         out[i] = np.sqrt(x[i])
    ///     return out
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit(parallel=True)
    /// def scale(x):
    ///     if (x < 0).any():
    ///         raise ValueError("negative input")
    ///     out = np.empty_like(x)
    ///     for i in prange(x.shape[0]):
    ///         out[i] = np.sqrt(x[i])
    ///     return out
    /// ```
}

/// NB203
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    // Compiled without `parallel=True`, `prange` is `range`: the loop is serial by design and
    // its early exit (a sortedness check's `return False`) is its point.
    let serial = function
        .jit_for(Framework::Numba)
        .is_some_and(|d| !d.flag("parallel"));
    if serial {
        return;
    }
    for loop_ in function.loops.iter().filter(|l| l.iter == LoopIter::Prange) {
        for range in &loop_.exits {
            checker.report(
                *range,
                "an early exit makes Numba run this `prange` loop serially",
            );
        }
    }
}
