//! NB013: assigning a global inside a Numba function.

use crate::model::FunctionModel;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `global` declarations in code compiled by Numba.
    ///
    /// ## Why is this bad?
    /// Compiled code cannot store to Python globals: the first call raises
    /// `numba.core.errors.UnsupportedBytecodeError` ("Use of unsupported opcode (STORE_GLOBAL)").
    ///
    /// ## Example
    /// ```python
    /// COUNT = 0
    ///
    /// @njit
    /// def step(x):
    ///     global COUNT
    ///     COUNT = COUNT + 1
    ///     return x
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def step(x, count):
    ///     return x, count + 1
    /// ```
}

/// NB013
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for range in function.global_statements() {
        checker.report(
            range,
            "Numba cannot assign module globals: return the value instead",
        );
    }
}
