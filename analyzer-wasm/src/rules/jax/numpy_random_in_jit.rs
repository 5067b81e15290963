//! JX101: NumPy's global random generator inside `jax.jit`.

use crate::model::FunctionModel;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `np.random.*` calls inside a function compiled by `jax.jit`.
    ///
    /// ## Why is this bad?
    /// NumPy runs only while JAX traces the function: the random numbers become constants in
    /// the compiled code, so every call returns the same "random" values (measured: two calls
    /// of a jitted `x + np.random.rand()` gave identical results).
    ///
    /// ## Example
    /// ```python
    /// @jax.jit
    /// def noisy(x):
    ///     return x + np.random.normal(size=x.shape)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @jax.jit
    /// def noisy(x, key):
    ///     return x + jax.random.normal(key, x.shape)
    ///
    /// key, subkey = jax.random.split(key)
    /// noisy(x, subkey)
    /// ```
}

/// JX101
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        if call
            .qualified
            .as_deref()
            .is_some_and(|q| q.starts_with("numpy.random.") || q.starts_with("random."))
        {
            checker.report(call.expr.range, "NumPy's random numbers are drawn once while tracing and then frozen: use `jax.random` with a key");
        }
    }
}
