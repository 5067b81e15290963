//! JX001: Python control flow on a traced value inside `jax.jit`.

use rustpython_parser::ast::{self, Ranged};

use crate::model::{eager, walk, FunctionModel, Kind, ModuleModel};
use crate::rules::jax::{reads_traced, traced_params};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `if`, `while`, `assert` and conditional expressions whose condition depends on a
    /// traced value (a non-static argument or an array computed from one) under `jax.jit`.
    ///
    /// ## Why is this bad?
    /// Under `jit` arguments are abstract tracers with no value. Converting one to a Python
    /// bool raises `jax.errors.TracerBoolConversionError` while tracing (jax 0.10). A name the
    /// same `and` chain tests with `isinstance` first (`isinstance(tol, float) and tol == 0`)
    /// is a Python value there.
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
        // Ex) `True if not_jax_tracer(i) and i < n else False`: false under `jit`, so the rest
        // of the test runs only on concrete values.
        if eager::decided_under_jax_jit(branch.test, module)
            || tests_an_option(branch.test, function, &traced)
        {
            continue;
        }
        if test_reads_traced(branch.test, function, module, &traced) {
            checker.report(branch.test.range(), "Python control flow on a traced value raises TracerBoolConversionError: use `jnp.where` or `lax.cond`");
        }
    }
}

/// Whether the branch test `test` reads a tracer.
fn test_reads_traced(
    test: &ast::Expr,
    function: &FunctionModel<'_>,
    module: &ModuleModel<'_>,
    traced: &[&str],
) -> bool {
    match test {
        // Ex) `(isinstance(rtol, float) and rtol == 0) or not npi.issubdtype(x.dtype, ...)`:
        // each side of an `or` is a test of its own.
        ast::Expr::BoolOp(bool_op) if matches!(bool_op.op, ast::BoolOp::Or) => bool_op
            .values
            .iter()
            .any(|operand| test_reads_traced(operand, function, module, traced)),
        ast::Expr::UnaryOp(unary) if matches!(unary.op, ast::UnaryOp::Not) => {
            test_reads_traced(&unary.operand, function, module, traced)
        }
        // Ex) `isinstance(rtol, float) and rtol == 0`: past the test, `rtol` is a Python number,
        // and an operand that reads it reads no tracer.
        ast::Expr::BoolOp(bool_op) if !python_numbers_in(test).is_empty() => {
            let numbers = python_numbers_in(test);
            bool_op.values.iter().any(|operand| {
                !numbers.iter().any(|name| walk::mentions(operand, name))
                    && test_reads_traced(operand, function, module, traced)
            })
        }
        // A NumPy value (`np.prod(x.shape) > 1`) is concrete under `jit`: only JAX arrays and
        // traced parameters are tracers.
        test => jax_valued(test, function, module) || reads_traced(test, function, module, traced),
    }
}

/// Whether `test` is `option` or `not option` for a parameter with a literal default that is
/// not traced (`if bias:` of `bias=True`), before any rebinding of it: a Python value there,
/// whatever the name is bound to further down (`bias = jnp.asarray(bias)`).
fn tests_an_option(test: &ast::Expr, function: &FunctionModel<'_>, traced: &[&str]) -> bool {
    let test = match test {
        ast::Expr::UnaryOp(unary) if matches!(unary.op, ast::UnaryOp::Not) => &*unary.operand,
        other => other,
    };
    let ast::Expr::Name(name) = test else {
        return false;
    };
    let id = name.id.as_str();
    let option = function
        .params
        .iter()
        .any(|p| p.name == id && matches!(p.default, Some(ast::Expr::Constant(_))));
    let mut rebound_before = false;
    walk::for_each_stmt(function.syntax.body, &mut |stmt| {
        if let ast::Stmt::Assign(assign) = stmt {
            let binds = assign
                .targets
                .iter()
                .any(|t| matches!(t, ast::Expr::Name(n) if n.id.as_str() == id));
            rebound_before |= binds && assign.range.start() < name.range.start();
        }
    });
    option && !traced.contains(&id) && !rebound_before
}

/// Whether `test` (or an operand of its `and`/`or`) is a JAX array.
fn jax_valued(test: &ast::Expr, function: &FunctionModel<'_>, module: &ModuleModel<'_>) -> bool {
    let jax = |expr: &ast::Expr| function.kind_of(expr, module) == Kind::JaxArray;
    match test {
        ast::Expr::BoolOp(bool_op) => jax(test) || bool_op.values.iter().any(jax),
        other => jax(other),
    }
}

/// The names an `and` chain tests with `isinstance(name, ...)`: Python values in the rest of it.
fn python_numbers_in(test: &ast::Expr) -> Vec<&str> {
    let ast::Expr::BoolOp(bool_op) = test else {
        return Vec::new();
    };
    if !matches!(bool_op.op, ast::BoolOp::And) {
        return Vec::new();
    }
    bool_op
        .values
        .iter()
        .filter_map(|value| {
            let ast::Expr::Call(call) = value else {
                return None;
            };
            let is_isinstance =
                matches!(&*call.func, ast::Expr::Name(name) if name.id.as_str() == "isinstance");
            match call.args.first() {
                Some(ast::Expr::Name(name)) if is_isinstance => Some(name.id.as_str()),
                _ => None,
            }
        })
        .collect()
}
