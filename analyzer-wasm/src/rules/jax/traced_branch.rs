//! JX001: Python control flow on a traced value inside `jax.jit`.

use rustpython_parser::ast::Ranged;

use crate::model::FunctionModel;
use crate::rules::jax::{reads_traced, traced_params};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `if`, `while`, `assert` and conditional expressions whose condition depends on a
    /// traced value (a non-static argument or an array computed from one) under `jax.jit`.
    ///
    /// ## Why is this bad?
    /// Under `jit` arguments are abstract tracers with no value. Converting one to a Python
    /// bool raises `jax.errors.TracerBoolConversionError` while tracing (jax 0.10).
    ///
    /// ## Example
    /// ```python
    /// @jax.jit
    /// def relu_if(x, flag):
    ///     if flag > 0:
    ///         return jnp.maximum(x, 0)
    ///     return x
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @jax.jit
    /// def relu_if(x, flag):
    ///     return jnp.where(flag > 0, jnp.maximum(x, 0), x)
    /// ```
    /// Or `jax.lax.cond`, `jax.lax.while_loop`, or `static_argnames=("flag",)` when the value is
    /// a configuration constant.
}

/// JX001
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let traced = traced_params(function);
    let module = checker.module;
    for branch in &function.branches {
        if branch.dependence.tensor || reads_traced(branch.test, function, module, &traced) {
            checker.report(branch.test.range(), "Python control flow on a traced value raises TracerBoolConversionError: use `jnp.where` or `lax.cond`");
        }
    }
}
