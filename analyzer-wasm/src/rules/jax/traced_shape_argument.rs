//! JX005: a traced argument used as a shape, size or loop bound.

use crate::model::FunctionModel;
use crate::rules::jax::{shape_uses, traced_params};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags non-static arguments of a `jax.jit` function used where a concrete integer is
    /// needed: the shape of `jnp.zeros`/`ones`/`empty`/`full`/`eye`/`arange`, `reshape`,
    /// `range(...)`, or a slice bound.
    ///
    /// ## Why is this bad?
    /// Shapes must be known when tracing: `jnp.zeros(n)` raises `TypeError` ("Shapes must be 1D
    /// sequences of concrete values of integer type"), `jnp.arange(n)` raises
    /// `ConcretizationTypeError`, `range(n)` raises `TracerIntegerConversionError` and `x[:n]`
    /// raises `IndexError` (jax 0.10).
    ///
    /// ## Example
    /// ```python
    /// @jax.jit
    /// def ramp(x, n):
    ///     return x + jnp.arange(n)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @partial(jax.jit, static_argnames=("n",))
    /// def ramp(x, n):
    ///     return x + jnp.arange(n)
    /// ```
    /// A static argument compiles once per value: keep the set of values small.
}

/// JX005
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let traced = traced_params(function);
    for range in shape_uses(function, &traced) {
        let name = checker.source_of(range).to_owned();
        checker.report(
            range,
            format!(
                "`{name}` is traced but used as a shape: mark it `static_argnames=(\"{name}\",)`"
            ),
        );
    }
}
