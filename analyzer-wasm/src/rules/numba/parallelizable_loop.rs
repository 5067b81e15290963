//! NB205: a `range` loop whose iterations are independent.

use crate::model::{Framework, FunctionModel, LoopIter};
use crate::rules::numba::interpreted_array_loop;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Finds outermost unit-step `range` loops in Numba code whose iterations are independent: every
    /// array write is indexed by the loop variable, arrays written are read only at the same
    /// index, scalars carried across iterations are plain `+=`/`-=`/`*=`/`/=` reductions, and
    /// there is no `break`, `return`, `raise`, `assert` or container mutation.
    ///
    /// ## Why is this bad?
    /// It is not bad: such a loop can run on every core. `for i in prange(n)` with
    /// `@njit(parallel=True)` splits it across threads (Numba's documentation measures about 5x on
    /// its examples). Reductions in parallel change the order of floating-point additions, so
    /// results may differ in the last bits.
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def scale(x, out):
    ///     for i in range(x.shape[0]):
    ///         out[i] = 2.0 * x[i]
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit(parallel=True)
    /// def scale(x, out):
    ///     for i in prange(x.shape[0]):
    ///         out[i] = 2.0 * x[i]
    /// ```
}

/// NB205
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    // A kernel that compiled code calls runs inside its caller's loops: threads belong there.
    if checker
        .module
        .called_from_compiled
        .contains(function.syntax.name.as_str())
    {
        return;
    }
    for loop_ in parallelizable(function) {
        // Outside compiled code, `prange` is advice only where `@njit` takes the loop as it is
        // (the loop NB401 reports): threads do not help a loop that does not compile, nor one
        // whose iterations are already NumPy kernels.
        if !function.is_compiled()
            && !interpreted_array_loop::compiles(function, loop_, checker.module)
        {
            continue;
        }
        // A compiled kernel that reduces two or more arrays into a scalar (a distance between
        // two vectors) is called per pair by other code; threads belong in the caller's loop.
        let writes = loop_.accesses.iter().any(|a| a.write);
        let array_inputs = function.params.iter().filter(|p| p.kind.is_array()).count();
        if function.is_compiled() && !writes && array_inputs >= 2 {
            continue;
        }
        // A compiled kernel whose author did not ask for `parallel=True` is, on real code,
        // nearly always called from loops elsewhere that hold the parallelism.
        let parallel = function
            .jit_for(Framework::Numba)
            .is_some_and(|d| d.flag("parallel"));
        if function.is_compiled() && !parallel {
            continue;
        }
        // Numba runs only the outermost `prange` in parallel: with one already there, another
        // loop's `prange` would serialise it or do nothing.
        if function.loops.iter().any(|l| l.iter == LoopIter::Prange) {
            continue;
        }
        checker.report(
            loop_.header,
            "iterations are independent: `prange` with `parallel=True` can run them on all cores",
        );
    }
}

/// The loops NB205 proposes for `prange`.
pub(crate) fn parallelizable<'f, 'a>(
    function: &'f FunctionModel<'a>,
) -> impl Iterator<Item = &'f crate::model::LoopModel<'a>> {
    function.loops.iter().filter(|l| {
        l.iter == LoopIter::Range
            && l.bounds.is_some_and(|b| b.unit_step())
            && l.depth == 1
            && l.is_independent()
            && l.touches_arrays()
            && (l.accesses.iter().any(|a| a.write) || !l.reductions.is_empty())
    })
}
