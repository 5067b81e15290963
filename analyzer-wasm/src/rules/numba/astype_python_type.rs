//! NB014: `.astype(int)` (a Python type as the dtype) inside a Numba function.

use rustpython_parser::ast;

use crate::model::{FunctionModel, Kind};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `array.astype(int)`, `.astype(float)`, `.astype(bool)` and `.astype(complex)` in
    /// code compiled (or to be compiled) by Numba.
    ///
    /// ## Why is this bad?
    /// NumPy maps the Python type to a dtype; Numba's nopython mode does not, and `@njit` fails
    /// with a `TypingError` on the call (numba 0.68: "Invalid use of BoundFunction(array.astype
    /// for array(float64, 1d, C)) with parameters (Function(<class 'int'>))"). A NumPy dtype
    /// compiles.
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def counts(weights, n):
    ///     return (weights * n).astype(int)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def counts(weights, n):
    ///     return (weights * n).astype(np.int64)
    /// ```
}

/// NB014
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let module = checker.module;
    for call in &function.calls {
        if call.method != Some("astype") {
            continue;
        }
        // A computed receiver (`(w * n).astype(int)`) is an array in numeric code.
        let array = call.receiver.is_some_and(|receiver| match receiver {
            ast::Expr::Name(_) | ast::Expr::Attribute(_) => {
                function.kind_of(receiver, module) == Kind::NdArray
            }
            _ => true,
        });
        let Some(dtype) = call.expr.args.first() else {
            continue;
        };
        let python_type = match module.imports.qualified_name(dtype).as_deref() {
            Some("builtins.int") => "np.int64",
            Some("builtins.float") => "np.float64",
            Some("builtins.bool") => "np.bool_",
            Some("builtins.complex") => "np.complex128",
            _ => continue,
        };
        if array {
            checker.report(
                call.expr.range,
                format!(
                    "Numba rejects a Python type as the dtype of `.astype()`: use `{python_type}`"
                ),
            );
        }
    }
}
