//! GEN404: NumPy code that is already vectorized.

use crate::model::{FunctionModel, Library};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Finds NumPy functions made only of whole-array expressions: a chain of four or more
    /// elementwise operations and no Python loops. A couple of operations, reductions and sorts
    /// are not worth a word: `parallel=True` has no chain to fuse there.
    ///
    /// ## Why is this bad?
    /// Each NumPy call already runs a compiled loop; `@njit` only saves the temporaries between
    /// them. Measured on this project's machines: 21 ms with NumPy against 13 ms with `@njit`
    /// for 1e6 elements (about 1.6x); Numba's documentation shows no gain on a similar case.
    /// `parallel=True` is where the gain is (about 5x in Numba's documentation).
    ///
    /// ## Example
    /// ```python
    /// def identity(x):
    ///     return np.cos(x) ** 2 + np.sin(x) ** 2
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit(parallel=True)
    /// def identity(x):
    ///     return np.cos(x) ** 2 + np.sin(x) ** 2
    /// ```
    /// Or leave it as NumPy: the gain is small.
}

/// GEN404
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    // Only where `@njit` takes the function as it is (`np.einsum`, `keepdims=` do not compile).
    let compiles = function.body_blocker.is_none();
    if is_vectorized_numpy(function) && !function.is_compiled() && compiles {
        checker.report(checker.header(function), "already vectorized NumPy: `@njit` gains little (about 1.6x); `parallel=True` gains more");
    }
}

/// Whether the function is whole-array NumPy code.
pub(crate) fn is_vectorized_numpy(function: &FunctionModel<'_>) -> bool {
    let only_numpy = function.uses(Library::Numpy)
        && ![Library::Torch, Library::Jax, Library::TensorFlow]
            .iter()
            .any(|l| function.uses(*l));
    only_numpy
        && function.loops.is_empty()
        && function.ops.elementwise >= 4
        && function.ops.kernels == 0
}
