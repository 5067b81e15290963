//! NB004: a class defined inside a Numba function.

use rustpython_parser::ast;

use crate::model::{walk, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `class` statements inside a function compiled by Numba.
    ///
    /// ## Why is this bad?
    /// Numba cannot compile class creation: the first call raises
    /// `numba.core.errors.UnsupportedBytecodeError` ("Use of unsupported opcode
    /// (LOAD_BUILD_CLASS)").
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def f(x):
    ///     class Point:
    ///         pass
    ///     return x
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @jitclass([("x", float64)])
    /// class Point:
    ///     def __init__(self, x):
    ///         self.x = x
    /// ```
    /// Define classes at module level (as `@jitclass` when the compiled code needs them).
}

/// NB004
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let mut found = Vec::new();
    walk::for_each_stmt(function.syntax.body, &mut |stmt| {
        if let ast::Stmt::ClassDef(class) = stmt {
            found.push((class.range, class.name.to_string()));
        }
    });
    for (range, name) in found {
        checker.report(
            range,
            format!("class `{name}` defined inside a Numba function cannot be compiled"),
        );
    }
}
