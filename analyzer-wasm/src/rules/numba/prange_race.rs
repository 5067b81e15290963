//! NB202: a `prange` loop whose iterations depend on each other.

use crate::model::loops::Hazard;
use crate::model::{FunctionModel, LoopIter};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `prange` loops whose iterations are not independent: an array read at another
    /// iteration's index than it is written (`a[i] = a[i - 1] + x[i]`), a write not indexed by the
    /// loop variable (`y[i % 4] += x[i]`), a scalar carried from one iteration to the next that is
    /// not a plain `+=`/`-=`/`*=`/`/=` reduction, or a list mutated in the loop.
    ///
    /// ## Why is this bad?
    /// Numba does not check: it splits the range across threads and the result depends on
    /// timing. A prefix sum under `prange` returned wrong values in the probe; list appends in
    /// `prange` crash ("Mutating a list is not threadsafe").
    ///
    /// ## Example
    /// ```python
    /// @njit(parallel=True)
    /// def prefix(x):
    ///     a = np.zeros_like(x)
    ///     for i in prange(1, x.shape[0]):
    ///         a[i] = a[i - 1] + x[i]
    ///     return a
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def prefix(x):
    ///     a = np.zeros_like(x)
    ///     for i in range(1, x.shape[0]):
    ///         a[i] = a[i - 1] + x[i]
    ///     return a
    /// ```
}

/// NB202
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for loop_ in function.loops.iter().filter(|l| l.iter == LoopIter::Prange) {
        let Some(hazard) = loop_.hazard else { continue };
        let (range, message) = match hazard {
            Hazard::CarriedArray(base, range) => (range, format!("`{base}` is read at another iteration's index than it is written: a race under `prange`")),
            Hazard::UnindexedWrite(base, range) => (range, format!("write to `{base}` is not indexed by the loop variable: iterations race under `prange`")),
            Hazard::CarriedScalar(name) => (loop_.header, format!("`{name}` is carried from one iteration to the next: a race under `prange`")),
            Hazard::ContainerMutation(range) => (range, "mutating a container in a `prange` loop is not thread-safe".to_owned()),
        };
        checker.report(range, message);
    }
}
