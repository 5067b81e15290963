//! NB006: an f-string with a format spec inside a Numba function.

use rustpython_parser::ast;

use crate::model::{walk, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags f-string fields with a format spec (`f"{x:.2f}"`) in code compiled by Numba.
    ///
    /// ## Why is this bad?
    /// The first call raises `numba.core.errors.UnsupportedBytecodeError` ("format spec in
    /// f-strings not supported yet"). Plain fields (`f"{n}"` with an int or str) compile.
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def report(x):
    ///     return f"{x:.2f}"
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def report(x):
    ///     return f"{kernel(x):.2f}"
    /// ```
    /// Format in the Python wrapper.
}

/// NB006
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let mut found = Vec::new();
    walk::for_each_expr_in(function.syntax.body, &mut |expr| {
        if let ast::Expr::FormattedValue(value) = expr {
            if value.format_spec.is_some() {
                found.push(value.range);
            }
        }
    });
    for range in found {
        checker.report(
            range,
            "format specs in f-strings are not supported by Numba",
        );
    }
}
