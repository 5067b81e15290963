//! NB005: a generator expression inside a Numba function.

use rustpython_parser::ast;

use crate::model::{walk, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags generator expressions such as `sum(v * v for v in x)` in code compiled by Numba.
    ///
    /// ## Why is this bad?
    /// A generator expression is a closure that yields; Numba rejects it at the first call with
    /// `numba.core.errors.UnsupportedError` ("The use of yield in a closure is unsupported").
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def energy(x):
    ///     return sum(v * v for v in x)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def energy(x):
    ///     total = 0.0
    ///     for v in x:
    ///         total += v * v
    ///     return total
    /// ```
}

/// NB005
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let mut found = Vec::new();
    walk::for_each_expr_in(function.syntax.body, &mut |expr| {
        if let ast::Expr::GeneratorExp(generator) = expr {
            found.push(generator.range);
        }
    });
    for range in found {
        checker.report(
            range,
            "generator expressions are not supported by Numba: use a loop",
        );
    }
}
