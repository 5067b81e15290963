//! PT006: a Python branch on tensor data inside `torch.compile`.

use rustpython_parser::ast::Ranged;

use crate::model::sizing::branches_on_sizes;
use crate::model::FunctionModel;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `if`, `while`, `assert` and conditional expressions whose condition depends on
    /// tensor values: a tensor itself (`if x.sum() > 0:`) or a Python number taken out of one
    /// (`n = x.sum().item()` then `if n > 10:`).
    ///
    /// ## Why is this bad?
    /// A graph cannot hold Python control flow on data. Dynamo breaks the graph at the branch
    /// ("Data-dependent branching", torch 2.15) and each side continues in its own graph, so the
    /// function never becomes one fused kernel. A branch that only raises on bad input
    /// (validation) and a branch on a number that sizes a shape (`if n > 0:` before
    /// `x[..., :n]`) are left alone: no `torch.where` replaces them.
    ///
    /// ## Example
    /// ```python
    /// @torch.compile
    /// def clip(x):
    ///     if x.max() > 1:
    ///         return x / x.max()
    ///     return x
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @torch.compile
    /// def clip(x):
    ///     m = x.max()
    ///     return torch.where(m > 1, x / m, x)
    /// ```
    /// Branchless `torch.where` computes both sides; use `torch.cond` when a side is expensive.
}

/// PT006
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for branch in &function.branches {
        // A check that raises on bad input is validation, which no `torch.where` replaces.
        if branch.guard || branches_on_sizes(function, branch) {
            continue;
        }
        let message = if branch.dependence.tensor {
            "Python branch on a tensor value breaks the graph: use `torch.where` or `torch.cond`"
        } else if branch.dependence.scalar_from_tensor {
            "Python branch on a value taken out of a tensor: data-dependent control flow splits the graph; use `torch.where`"
        } else {
            continue;
        };
        checker.report(branch.test.range(), message);
    }
}
