//! NB002: string formatting inside a Numba function.

use rustpython_parser::ast;

use crate::model::{walk, FunctionModel, Kind};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `str.format(...)` calls and `%` formatting of strings in code compiled by Numba.
    ///
    /// ## Why is this bad?
    /// Numba supports only a small part of `str`: there is no `str.format` and no `%`
    /// formatting. The first call raises `numba.core.errors.TypingError`.
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def label(x):
    ///     return "value={}".format(x)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def compute(x):
    ///     return x * 2
    ///
    /// def label(x):
    ///     return "value={}".format(compute(x))
    /// ```
}

/// NB002
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        if call.method == Some("format") && call.receiver_kind == Kind::Str {
            checker.report(call.expr.range, "`str.format` is not supported by Numba");
        }
    }
    let mut found = Vec::new();
    walk::for_each_expr_in(function.syntax.body, &mut |expr| {
        if let ast::Expr::BinOp(bin_op) = expr {
            if matches!(bin_op.op, ast::Operator::Mod)
                && function.kind_of(&bin_op.left, checker.module) == Kind::Str
            {
                found.push(bin_op.range);
            }
        }
    });
    for range in found {
        checker.report(range, "`%` string formatting is not supported by Numba");
    }
}
