//! JX005: a traced argument used as a shape, size or loop bound.

use rustpython_parser::ast::{self, Ranged};

use crate::model::{walk, FunctionModel};
use crate::rules::jax::traced_params;
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

const SHAPED: &[&str] = &[
    "jax.numpy.zeros",
    "jax.numpy.ones",
    "jax.numpy.empty",
    "jax.numpy.full",
    "jax.numpy.eye",
    "jax.numpy.arange",
    "jax.numpy.linspace",
    "jax.numpy.identity",
    "jax.numpy.tri",
    "builtins.range",
    "jax.random.normal",
    "jax.random.uniform",
];

/// JX005
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let traced = traced_params(function);
    let is_traced =
        |expr: &ast::Expr| matches!(expr, ast::Expr::Name(n) if traced.contains(&n.id.as_str()));
    let mut found = Vec::new();
    for call in &function.calls {
        let shaped = call
            .qualified
            .as_deref()
            .is_some_and(|q| SHAPED.contains(&q))
            || call.method == Some("reshape");
        if !shaped {
            continue;
        }
        for arg in call.expr.args.iter().chain(call.keyword("shape")) {
            walk::walk_expr(arg, &mut |sub| {
                if is_traced(sub) {
                    found.push(sub.range());
                }
            });
        }
    }
    walk::for_each_expr_in(function.syntax.body, &mut |expr| {
        let ast::Expr::Slice(slice) = expr else {
            return;
        };
        for bound in [&slice.lower, &slice.upper, &slice.step]
            .into_iter()
            .flatten()
        {
            if is_traced(bound) {
                found.push(bound.range());
            }
        }
    });
    for range in found {
        let name = checker.source_of(range).to_owned();
        checker.report(
            range,
            format!(
                "`{name}` is traced but used as a shape: mark it `static_argnames=(\"{name}\",)`"
            ),
        );
    }
}
