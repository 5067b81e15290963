//! NB101: reading a global that changes, from a Numba function.

use std::collections::HashSet;

use rustpython_parser::ast::{self, Ranged};

use crate::model::{walk, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags reads of module-level variables that are assigned more than once or declared
    /// `global` somewhere, from code compiled by Numba.
    ///
    /// ## Why is this bad?
    /// Numba freezes the value of a global into the machine code at compile time. Later
    /// assignments are silently ignored: measured with Numba 0.68, `f()` returned 2.0 before and
    /// after the global changed from 1.0 to 100.0.
    ///
    /// ## Example
    /// ```python
    /// SCALE = 1.0
    ///
    /// @njit
    /// def scaled(x):
    ///     return x * SCALE
    ///
    /// SCALE = 100.0  # scaled() still multiplies by 1.0
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def scaled(x, scale):
    ///     return x * scale
    /// ```
}

/// NB101
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let module = checker.module;
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    walk::for_each_expr_in(function.syntax.body, &mut |expr| {
        let ast::Expr::Name(name) = expr else { return };
        let id = name.id.as_str();
        if matches!(name.ctx, ast::ExprContext::Load)
            && !function.is_local(id)
            && module.is_mutable_global(id)
            && seen.insert(id)
        {
            found.push((expr.range(), id.to_owned()));
        }
    });
    for (range, name) in found {
        checker.report(range, format!("global `{name}` is frozen into the compiled code: later changes are ignored; pass it as an argument"));
    }
}
