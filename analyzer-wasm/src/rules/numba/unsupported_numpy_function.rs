//! NB009: a NumPy function (or keyword) Numba does not implement.

use crate::model::{numba_support, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags NumPy functions that Numba does not implement (`np.einsum`, `np.pad`,
    /// `np.vectorize`, `np.apply_along_axis`, `np.random.default_rng`, file I/O such as
    /// `np.loadtxt`), and supported functions called with keywords Numba rejects (`keepdims=`,
    /// `order=`, `return_counts=`).
    ///
    /// ## Why is this bad?
    /// The first call raises `numba.core.errors.TypingError` ("Use of unsupported NumPy function
    /// 'numpy.einsum'", or "No implementation of function ... found for signature" for keywords).
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def contract(a, b):
    ///     return np.einsum("ij,jk->ik", a, b)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def contract(a, b):
    ///     return np.dot(a, b)
    /// ```
    /// Pass a `np.random.Generator` in as an argument instead of creating one inside.
}

/// NB009
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        let Some(qualified) = &call.qualified else {
            continue;
        };
        if !qualified.starts_with("numpy.") {
            continue;
        }
        if numba_support::UNSUPPORTED_NUMPY.contains(&qualified.as_str()) {
            checker.report(
                call.expr.range,
                format!("`{qualified}` is not supported by Numba"),
            );
            continue;
        }
        if let Some(keyword) = numba_support::UNSUPPORTED_NUMPY_KEYWORDS
            .iter()
            .find(|k| call.keyword(k).is_some())
        {
            checker.report(
                call.expr.range,
                format!("`{qualified}` with `{keyword}=` is not supported by Numba"),
            );
        }
    }
}
