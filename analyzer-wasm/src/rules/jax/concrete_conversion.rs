//! JX003: `.item()`, `float()`, `int()` or `bool()` of a traced value.

use crate::model::{FunctionModel, Kind};
use crate::rules::jax::{reads_traced, traced_params};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `.item()`, `.tolist()`, `float(x)`, `int(x)` and `bool(x)` on traced values under
    /// `jax.jit`.
    ///
    /// ## Why is this bad?
    /// A tracer has no concrete value: these raise `jax.errors.ConcretizationTypeError` while
    /// tracing ("Abstract tracer value encountered where concrete value is expected").
    ///
    /// ## Example
    /// ```python
    /// @jax.jit
    /// def scale(x):
    ///     return x * float(x.max())
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @jax.jit
    /// def scale(x):
    ///     return x * x.max()
    /// ```
    /// Keep values as arrays; use `x.astype(jnp.float32)` for a dtype change.
}

/// JX003
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let traced = traced_params(function);
    let module = checker.module;
    for call in &function.calls {
        let method = matches!(call.method, Some("item" | "tolist"))
            && matches!(call.receiver_kind, Kind::JaxArray | Kind::Unknown)
            && call
                .receiver
                .is_some_and(|r| reads_traced(r, function, module, &traced));
        let builtin = call
            .converted_argument()
            .is_some_and(|a| reads_traced(a, function, module, &traced));
        if method || builtin {
            checker.report(call.expr.range, "a traced value has no concrete value here: ConcretizationTypeError; keep it an array");
        }
    }
}
