//! NB012: `print(..., sep=..., end=..., file=...)` inside a Numba function.

use crate::model::FunctionModel;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `print` calls with keyword arguments in code compiled by Numba.
    ///
    /// ## Why is this bad?
    /// Numba's `print` takes positional numbers and strings only. `sep=`, `end=` or `file=` raise
    /// `numba.core.errors.UnsupportedError` ("Numba's print() function implementation does not
    /// support keyword arguments") at the first call.
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def show(a, b):
    ///     print(a, b, sep=",")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def show(a, b):
    ///     print(a, ",", b)
    /// ```
}

/// NB012
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        if call.is("builtins.print") && !call.expr.keywords.is_empty() {
            checker.report(
                call.expr.range,
                "Numba's `print` does not accept keyword arguments",
            );
        }
    }
}
