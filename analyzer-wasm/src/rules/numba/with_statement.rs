//! NB011: a `with` statement inside a Numba function.

use rustpython_parser::ast;

use crate::model::{numba_support, walk, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `with` statements (other than `with numba.objmode(...)`) in code compiled by Numba.
    ///
    /// ## Why is this bad?
    /// Context managers such as `open(...)` cannot be compiled: the first call raises
    /// `numba.core.errors.UnsupportedBytecodeError` ("The 'with (context manager) as (variable):'
    /// construct is not supported").
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def save(x, path):
    ///     with open(path, "w") as fh:
    ///         fh.write("done")
    ///     return x.sum()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def total(x):
    ///     return x.sum()
    ///
    /// def save(x, path):
    ///     result = total(x)
    ///     with open(path, "w") as fh:
    ///         fh.write("done")
    ///     return result
    /// ```
}

/// NB011
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let module = checker.module;
    let mut found = Vec::new();
    walk::for_each_stmt(function.syntax.body, &mut |stmt| {
        let ast::Stmt::With(with) = stmt else { return };
        if !numba_support::is_object_mode(with, module) {
            found.push(with.range);
        }
    });
    for range in found {
        checker.report(
            range,
            "`with` blocks cannot be compiled by Numba: move them to a Python wrapper",
        );
    }
}
