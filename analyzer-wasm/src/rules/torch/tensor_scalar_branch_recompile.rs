//! PT301: branching on a Python number taken out of a tensor recompiles.

use rustpython_parser::ast::{self, Ranged};

use crate::model::sizing::branches_on_sizes;
use crate::model::{walk, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags branches on Python numbers taken out of tensor data (`n = mask.sum().item()` then
    /// `if n > k:`) in code compiled by `torch.compile`.
    ///
    /// ## Why is this bad?
    /// After the `.item()` graph break, Dynamo compiles the rest of the function as a new frame
    /// and guards on that number: every new value, and every new side of the branch, compiles
    /// again (torch 2.15: 6 calls alternating between two data regimes compiled 3 frames where
    /// the branchless version below compiles 1). Past `recompile_limit` (8) the frame falls back
    /// to eager. The product brief measured this pattern 9.6x slower compiled than eager on a GPU.
    ///
    /// ## Example
    /// ```python
    /// @torch.compile
    /// def adaptive(x, threshold=0.5):
    ///     n = (x > threshold).sum().item()
    ///     if n > x.numel() * 0.3:
    ///         return torch.matmul(x, x.T).mean(dim=0)
    ///     return x.mean(dim=1)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def adaptive(x, threshold=0.5):
    ///     weight = ((x > threshold).float().mean() > 0.3).float()
    ///     expensive = torch.matmul(x, x.T).mean(dim=0)
    ///     cheap = x.mean(dim=1)
    ///     return weight * expensive + (1 - weight) * cheap
    /// ```
}

/// PT301
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for branch in &function.branches {
        if !branch.dependence.scalar_from_tensor
            || branch.dependence.tensor
            || branch.guard
            || branches_on_sizes(function, branch)
        {
            continue;
        }
        let mut names = Vec::new();
        walk::walk_expr(branch.test, &mut |expr| {
            if let ast::Expr::Name(name) = expr {
                if function.tensor_scalars.contains(name.id.as_str()) {
                    names.push(name.id.as_str());
                }
            }
        });
        let what = names.first().map_or_else(
            || "a value taken out of a tensor".to_owned(),
            |name| format!("`{name}`, taken out of a tensor"),
        );
        checker.report(
            branch.test.range(),
            format!("branch on {what}: each new value or branch side recompiles"),
        );
    }
}
