//! NB301: `cache=True` on a function that uses names from the user's other modules.

use std::collections::HashSet;

use rustpython_parser::ast::{self, Ranged};

use crate::model::{walk, Framework, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `@njit(cache=True)` functions that read names imported from the user's own
    /// modules (constants or other jitted functions).
    ///
    /// ## Why is this bad?
    /// The on-disk cache is keyed on this file only. When the imported module changes, Numba
    /// still loads the stale machine code: in the probe, a constant changed in the other module
    /// and a new process kept returning the old value. (Caching also fails outright for code
    /// defined in `exec` strings or some notebooks: "no locator available".) A class that is
    /// only raised (`raise ParameterError(...)`) is left alone: Numba keeps it by reference.
    ///
    /// ## Example
    /// ```python
    /// from settings import GAIN
    ///
    /// @njit(cache=True)
    /// def amplify(x):
    ///     return x * GAIN
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit(cache=True)
    /// def amplify(x, gain):
    ///     return x * gain
    /// ```
    /// Pass such values as arguments, or clear `__pycache__` when the other module changes.
}

/// NB301
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let Some(decorator) = function.jit_for(Framework::Numba) else {
        return;
    };
    if !decorator.flag("cache") {
        return;
    }
    let module = checker.module;
    // Ex) `raise ParameterError(...)`: Numba keeps the raised class by reference (its module
    // and name), not as compiled code, so an edit to it leaves nothing stale.
    let mut seen: HashSet<&str> = HashSet::new();
    walk::for_each_stmt(function.syntax.body, &mut |stmt| {
        let ast::Stmt::Raise(raise) = stmt else {
            return;
        };
        let raised = match raise.exc.as_deref() {
            Some(ast::Expr::Call(call)) => &*call.func,
            Some(other) => other,
            None => return,
        };
        if let ast::Expr::Name(name) = raised {
            seen.insert(name.id.as_str());
        }
    });
    let mut found = Vec::new();
    walk::for_each_expr_in(function.syntax.body, &mut |expr| {
        let ast::Expr::Name(name) = expr else { return };
        let id = name.id.as_str();
        // Ex) `from .utils.common import pi`, where `pi = np.pi`: nothing there to change.
        let constant = module.is_library_constant(id);
        if !function.is_local(id)
            && module.local_imports.contains(id)
            && !constant
            && seen.insert(id)
        {
            found.push((expr.range(), id.to_owned()));
        }
    });
    for (range, name) in found {
        checker.report(range, format!("`{name}` comes from another module: `cache=True` keeps stale code when that module changes"));
    }
}
