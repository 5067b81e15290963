//! NB102: `str()` of a float inside a Numba function.

use rustpython_parser::ast;

use crate::model::{FunctionModel, Kind};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `str(x)` in Numba code where `x` is a float: a float literal, a `float(...)` call, a
    /// parameter annotated `float`, or an element of a NumPy array.
    ///
    /// ## Why is this bad?
    /// Numba implements `str()` for integers only, yet a float compiles without error and
    /// returns the text `'<object type:float64>'` (measured with Numba 0.68): a silently wrong
    /// result.
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def label(a):
    ///     return "mean " + str(a.mean())
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def label(a):
    ///     return "mean " + str(mean(a))
    /// ```
    /// Convert to text in the Python wrapper.
}

/// NB102
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let module = checker.module;
    for call in &function.calls {
        if !call.is("builtins.str") {
            continue;
        }
        let Some(arg) = call.expr.args.first() else {
            continue;
        };
        let float = match arg {
            ast::Expr::Constant(c) => matches!(c.value, ast::Constant::Float(_)),
            ast::Expr::Call(inner) => module.imports.qualified_name(&inner.func).as_deref() == Some("builtins.float"),
            ast::Expr::Name(name) => function.param(name.id.as_str()).is_some_and(|p| {
                p.annotation.and_then(|a| module.imports.qualified_name(a)).as_deref() == Some("builtins.float")
                    || matches!(p.default, Some(ast::Expr::Constant(c)) if matches!(c.value, ast::Constant::Float(_)))
            }),
            other => function.kind_of(other, module) == Kind::NdArray,
        };
        if float {
            checker.report(
                call.expr.range,
                "Numba's `str()` of a float returns '<object type:float64>' instead of the number",
            );
        }
    }
}
