//! NB003: `**kwargs` on a Numba function.

use crate::model::FunctionModel;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags a `**kwargs` parameter on a function compiled by Numba.
    ///
    /// ## Why is this bad?
    /// Numba does not support explicit `**kwargs`: the dispatcher treats it as an ordinary
    /// required argument and calls fail with `TypeError` (measured with Numba 0.68: "missing
    /// argument 'kw'").
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def scale(x, **options):
    ///     return x * 2
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def scale(x, factor=2.0):
    ///     return x * factor
    /// ```
}

/// NB003
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let Some(kwarg) = &function.syntax.args.kwarg else {
        return;
    };
    checker.report(
        kwarg.range,
        format!(
            "`**{}` is not supported by Numba: use explicit keyword parameters",
            kwarg.arg.as_str()
        ),
    );
}
