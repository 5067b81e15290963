//! JX301: a numeric argument marked static that does not need to be.

use rustpython_parser::ast;

use crate::model::{walk, Framework, FunctionModel, Kind, Param};
use crate::rules::jax::shape_uses;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags numeric parameters listed in `static_argnames`/`static_argnums` of `jax.jit` that
    /// are used neither as a shape or size nor in Python control flow: they would work traced.
    /// A `bool` flag (two values, two compiles at most) and a parameter handed on to another
    /// function (which may branch on it) are not reported.
    ///
    /// ## Why is this bad?
    /// A static argument is part of the cache key: every new value traces and compiles the
    /// function again. Measured with jax 0.10, a static `k` called with 1, 2, 3, 3 compiled 3
    /// times; the same argument traced compiled once.
    ///
    /// ## Example
    /// ```python
    /// @partial(jax.jit, static_argnames=("scale",))
    /// def scaled(x, scale):
    ///     return x * scale
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @jax.jit
    /// def scaled(x, scale):
    ///     return x * scale
    /// ```
}

/// JX301
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let Some(decorator) = function.jit_for(Framework::Jax) else {
        return;
    };
    let names = decorator.strings("static_argnames");
    let numbers = decorator.integers("static_argnums");
    for (position, param) in function.params.iter().enumerate() {
        let is_static = names.contains(&param.name) || numbers.contains(&position);
        if !is_static || param.kind != Kind::Scalar || is_flag(param) {
            continue;
        }
        // Ex) `self._condition(y, include_mean)`: the callee may branch on it, which needs it
        // static; nothing here says it does not.
        if passed_on(function, param.name) || used_in_nested_code(function, param.name) {
            continue;
        }
        let in_control_flow = function
            .branches
            .iter()
            .any(|branch| walk::mentions(branch.test, param.name));
        let in_loop_bound = function.loops.iter().any(|l| {
            l.bounds.is_some_and(|b| {
                [b.start, Some(b.stop), b.step]
                    .into_iter()
                    .flatten()
                    .any(|e| walk::mentions(e, param.name))
            })
        });
        if in_control_flow || in_loop_bound || !shape_uses(function, &[param.name]).is_empty() {
            continue;
        }
        checker.report(
            param.range,
            format!(
                "static `{}` recompiles for every new value; it works traced",
                param.name
            ),
        );
    }
}

/// Whether a parameter is a `bool` (annotated so, or defaulting to `True`/`False`): two values
/// compile at most twice.
fn is_flag(param: &Param<'_>) -> bool {
    let annotated =
        matches!(param.annotation, Some(ast::Expr::Name(name)) if name.id.as_str() == "bool");
    let defaulted = matches!(param.default, Some(ast::Expr::Constant(c)) if matches!(c.value, ast::Constant::Bool(_)));
    annotated || defaulted
}

/// Whether `name` is an argument of a call that is not the array library's (a method, a
/// function of the project).
fn passed_on(function: &FunctionModel<'_>, name: &str) -> bool {
    function.calls.iter().any(|call| {
        call.library().is_none()
            && call
                .expr
                .args
                .iter()
                .chain(call.expr.keywords.iter().map(|k| &k.value))
                .any(|arg| matches!(arg, ast::Expr::Name(n) if n.id.as_str() == name))
    })
}

/// Whether a function or lambda nested in `function` reads `name` (`jnp.zeros((num_a,))` in a
/// loop body): how it uses it is not followed here.
fn used_in_nested_code(function: &FunctionModel<'_>, name: &str) -> bool {
    let mut used = false;
    walk::for_each_stmt(function.syntax.body, &mut |stmt| {
        if let ast::Stmt::FunctionDef(nested) = stmt {
            walk::for_each_expr_in(&nested.body, &mut |expr| used |= walk::mentions(expr, name));
        }
    });
    walk::for_each_expr_in(function.syntax.body, &mut |expr| {
        if let ast::Expr::Lambda(lambda) = expr {
            used |= walk::mentions(&lambda.body, name);
        }
    });
    used
}
