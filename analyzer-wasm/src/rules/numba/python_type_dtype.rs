//! NB014: a Python type as a dtype (`.astype(int)`, `np.zeros(n, dtype=bool)`) inside a Numba
//! function.

use rustpython_parser::ast;

use crate::model::numba_dtypes::{ignored_full_dtype, numpy_type_for, rejected_constructor_dtype};
use crate::model::{FunctionModel, Kind};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags a Python type given as a dtype in code compiled (or to be compiled) by Numba:
    /// `array.astype(int)`, `.astype(float)`, `.astype(bool)`, `.astype(complex)`, and
    /// `np.empty(n, dtype=int)`, `np.zeros_like(x, dtype=float)`, `np.arange(n, dtype=int)`
    /// and the other array constructors that reject one, and `np.full(n, 0, dtype=int)`, which
    /// ignores it.
    ///
    /// ## Why is this bad?
    /// NumPy maps the Python type to a dtype; Numba's nopython mode does not, and `@njit` fails
    /// with a `TypingError` on the call (numba 0.68: "Invalid use of BoundFunction(array.astype
    /// for array(float64, 1d, C)) with parameters (Function(<class 'int'>))"). Only `float` in
    /// `np.empty`, `np.zeros` and `np.ones`, and any type in `np.full`, compile, and `np.full`
    /// ignores it: its array is `float64` whatever the type, where NumPy's follows it. A NumPy
    /// dtype compiles everywhere.
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
        if let Some(qualified) = call.qualified.as_deref() {
            let short = || qualified.replacen("numpy.", "np.", 1);
            if let Some(numpy_type) = rejected_constructor_dtype(qualified, call.expr) {
                checker.report(
                    call.expr.range,
                    format!(
                        "Numba rejects a Python type as the dtype of `{}()`: use `{numpy_type}`",
                        short()
                    ),
                );
            } else if let Some(numpy_type) = ignored_full_dtype(qualified, call.expr) {
                checker.report(
                    call.expr.range,
                    format!("Numba ignores a Python type as the dtype of `{}()` and makes a `float64` array: use `{numpy_type}`", short()),
                );
            }
            continue;
        }
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
        let Some(numpy_type) = call
            .expr
            .args
            .first()
            .and_then(|d| numpy_type_for(d, false))
        else {
            continue;
        };
        if array {
            checker.report(
                call.expr.range,
                format!(
                    "Numba rejects a Python type as the dtype of `.astype()`: use `{numpy_type}`"
                ),
            );
        }
    }
}
