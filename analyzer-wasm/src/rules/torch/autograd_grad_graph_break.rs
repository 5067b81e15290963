//! PT009: `torch.autograd.grad(...)` inside `torch.compile`.

use crate::model::FunctionModel;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags calls to `torch.autograd.grad` in code compiled by `torch.compile`: Newton steps,
    /// gradient penalties and score functions that differentiate inside the function.
    ///
    /// ## Why is this bad?
    /// Dynamo breaks the graph on it: "Attempted to call `torch.autograd.grad` with config
    /// `torch._dynamo.config.trace_autograd_ops` set to False" (torch 2.15). The function then
    /// runs as pieces around an eager double backward, which holds its time anyway.
    ///
    /// ## Example
    /// ```python
    /// @torch.compile
    /// def newton_step(loss, x):
    ///     (g,) = torch.autograd.grad(loss, x, create_graph=True)
    ///     return x - g / (g.abs() + 1)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @torch.compile
    /// def update(x, g):
    ///     return x - g / (g.abs() + 1)
    ///
    /// (g,) = torch.autograd.grad(loss, x, create_graph=True)
    /// x = update(x, g)
    /// ```
}

/// PT009
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        if call.is("torch.autograd.grad") {
            checker.report(
                call.expr.range,
                "`torch.autograd.grad` breaks the graph: differentiate outside the compiled function",
            );
        }
    }
}
