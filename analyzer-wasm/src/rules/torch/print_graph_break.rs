//! PT004: `print` inside a function compiled by `torch.compile`.

use crate::model::FunctionModel;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `print(...)` in code compiled by `torch.compile`.
    ///
    /// ## Why is this bad?
    /// Dynamo cannot put `print` in a graph: it breaks the graph ("Failed to trace builtin
    /// operator", torch 2.15), so the function runs as two graphs with Python in between.
    ///
    /// ## Example
    /// ```python
    /// @torch.compile
    /// def step(x):
    ///     y = torch.relu(x)
    ///     print("step done")
    ///     return y * 2
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @torch.compile
    /// def step(x):
    ///     return torch.relu(x) * 2
    /// ```
    /// Print outside the compiled function, or add `print` to
    /// `torch._dynamo.config.reorderable_logging_functions`.
}

/// PT004
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        if call.is("builtins.print") {
            checker.report(
                call.expr.range,
                "`print` breaks the graph: print outside the compiled function",
            );
        }
    }
}
