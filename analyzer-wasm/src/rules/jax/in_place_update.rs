//! JX002: in-place item assignment on a JAX array.

use crate::model::{FunctionModel, Kind};
use crate::rules::jax::traced_params;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `x[i] = v` and `x[i] += v` where `x` is a JAX array or a traced argument.
    ///
    /// ## Why is this bad?
    /// JAX arrays are immutable: the statement raises `TypeError` ("JAX arrays are immutable
    /// and do not support in-place item assignment").
    ///
    /// ## Example
    /// ```python
    /// @jax.jit
    /// def reset_first(x):
    ///     x[0] = 0.0
    ///     return x
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @jax.jit
    /// def reset_first(x):
    ///     return x.at[0].set(0.0)
    /// ```
}

/// JX002
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let traced = traced_params(function);
    for store in &function.stores {
        let traced_base = store.base.is_some_and(|b| {
            traced.contains(&b)
                && matches!(function.kind_of_name(b), Kind::JaxArray | Kind::Unknown)
        });
        if store.base_kind == Kind::JaxArray || traced_base {
            let fix = if store.augmented {
                "x = x.at[i].add(v)"
            } else {
                "x = x.at[i].set(v)"
            };
            checker.report(
                store.target.range,
                format!("JAX arrays are immutable: use `{fix}`"),
            );
        }
    }
}
