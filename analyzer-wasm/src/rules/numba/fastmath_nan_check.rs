//! NB201: `fastmath=True` on code that tests for NaN or infinity.

use rustpython_parser::ast;

use crate::model::{Framework, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `fastmath=True` on a Numba function that reads NaN or infinity: `np.isnan`,
    /// `np.isinf`, `np.isfinite`, `math.isnan`, `x != x`, `np.nan`, `np.inf`, `float("nan")`.
    ///
    /// ## Why is this bad?
    /// `fastmath` lets LLVM assume that no value is NaN or infinite (`nnan`, `ninf`). Checks are
    /// folded away and results change silently: measured with Numba 0.68, `np.isnan(np.nan)`
    /// returns `False` under `fastmath=True`.
    ///
    /// ## Example
    /// ```python
    /// @njit(fastmath=True)
    /// def nan_count(x):
    ///     n = 0
    ///     for v in x:
    ///         if np.isnan(v):
    ///             n += 1
    ///     return n
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit(fastmath={"reassoc", "contract"})
    /// def nan_count(x):
    ///     ...
    /// ```
    /// Use only the flags that keep NaN and infinity semantics, or none.
}

/// NB201
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let Some(decorator) = function.jit_for(Framework::Numba) else {
        return;
    };
    if !assumes_no_nan(decorator.option("fastmath")) {
        return;
    }
    for range in function.nan_checks(checker.module) {
        checker.report(range, "`fastmath` assumes no NaN or infinity: this check is folded away and gives wrong results");
    }
}

/// Whether a `fastmath=` option lets LLVM assume no NaN or infinity: `True`, or a set of flags
/// with `nnan`, `ninf` or `fast` in it. `{"contract"}` or `{"reassoc"}` keep the checks.
fn assumes_no_nan(option: Option<&ast::Expr>) -> bool {
    match option {
        Some(ast::Expr::Constant(constant)) => matches!(constant.value, ast::Constant::Bool(true)),
        Some(ast::Expr::Set(set)) => set.elts.iter().any(|flag| {
            matches!(flag, ast::Expr::Constant(c)
                if matches!(&c.value, ast::Constant::Str(s) if matches!(s.as_str(), "nnan" | "ninf" | "fast")))
        }),
        _ => false,
    }
}
