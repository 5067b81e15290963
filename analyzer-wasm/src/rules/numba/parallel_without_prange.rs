//! NB204: `parallel=True` with nothing Numba can parallelize.

use crate::model::{Framework, FunctionModel, LoopIter};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `@njit(parallel=True)` on a function with no `prange` loop and no whole-array
    /// expression.
    ///
    /// ## Why is this bad?
    /// Plain `range` loops are never parallelized. Numba compiles the parallel pipeline for
    /// nothing and warns (`NumbaPerformanceWarning`: "The keyword argument 'parallel=True' was
    /// specified but no transformation for parallel execution was possible").
    ///
    /// ## Example
    /// ```python
    /// @njit(parallel=True)
    /// def total(x):
    ///     s = 0.0
    ///     for i in range(x.shape[0]):
    ///         s += x[i]
    ///     return s
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit(parallel=True)
    /// def total(x):
    ///     s = 0.0
    ///     for i in prange(x.shape[0]):
    ///         s += x[i]
    ///     return s
    /// ```
}

/// NB204
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let Some(decorator) = function.jit_for(Framework::Numba) else {
        return;
    };
    if !decorator.flag("parallel") {
        return;
    }
    let has_prange = function.loops.iter().any(|l| l.iter == LoopIter::Prange);
    let has_array_expressions =
        function.ops.elementwise + function.ops.reductions + function.ops.kernels > 0;
    if !has_prange && !has_array_expressions {
        checker.report(
            decorator.range,
            "`parallel=True` has nothing to parallelize: no `prange` loop and no array expression",
        );
    }
}
