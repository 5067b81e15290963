//! JX004: boolean-mask indexing and size-less `nonzero`/`where`/`unique` under `jax.jit`.

use rustpython_parser::ast;

use crate::model::{walk, FunctionModel, Kind};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags boolean-mask indexing (`x[x > 0]`) and `jnp.nonzero`, `jnp.argwhere`,
    /// `jnp.unique` and one-argument `jnp.where` without `size=` under `jax.jit`.
    ///
    /// ## Why is this bad?
    /// XLA needs every shape at compile time. Boolean masks raise
    /// `jax.errors.NonConcreteBooleanIndexError`; the size-less functions raise
    /// `ConcretizationTypeError` ("The size argument of jnp.nonzero must be statically
    /// specified").
    ///
    /// ## Example
    /// ```python
    /// @jax.jit
    /// def positive_sum(x):
    ///     return x[x > 0].sum()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @jax.jit
    /// def positive_sum(x):
    ///     return jnp.where(x > 0, x, 0).sum()
    /// ```
    /// Or pass `size=` (and `fill_value=`) to `jnp.nonzero`.
}

/// JX004
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        let Some(qualified) = call.qualified.as_deref() else {
            continue;
        };
        let sizeless = match qualified {
            "jax.numpy.nonzero"
            | "jax.numpy.argwhere"
            | "jax.numpy.unique"
            | "jax.numpy.flatnonzero" => true,
            "jax.numpy.where" => call.expr.args.len() == 1,
            _ => false,
        };
        if sizeless && call.keyword("size").is_none() {
            checker.report(call.expr.range, format!("`{qualified}` without `size=` has a data-dependent shape and fails under `jit`"));
        }
    }
    let module = checker.module;
    let mut found = Vec::new();
    walk::for_each_expr_in(function.syntax.body, &mut |expr| {
        let ast::Expr::Subscript(subscript) = expr else {
            return;
        };
        if matches!(subscript.ctx, ast::ExprContext::Load)
            && matches!(function.kind_of(&subscript.value, module), Kind::JaxArray)
            && matches!(&*subscript.slice, ast::Expr::Compare(_))
        {
            found.push(subscript.range);
        }
    });
    for range in found {
        checker.report(
            range,
            "boolean-mask indexing needs a concrete mask: use `jnp.where`",
        );
    }
}
