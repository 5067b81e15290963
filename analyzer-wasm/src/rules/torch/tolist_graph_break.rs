//! PT002: `.tolist()` inside a function compiled by `torch.compile`.

use crate::model::{FunctionModel, Kind};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `tensor.tolist()` in code compiled by `torch.compile`.
    ///
    /// ## Why is this bad?
    /// Converting a float tensor to Python numbers cannot be traced: Dynamo breaks the graph
    /// ("Tensor.tolist() with non-integer tensor", torch 2.15) and runs the rest in Python.
    ///
    /// A read whose numbers size a shape (a slice bound, `torch.arange(n)`, `x.view(b, n)`, a
    /// `range`) is left alone: the output's shape depends on the data by design, and no tensor
    /// can stand in for the number.
    ///
    /// ## Example
    /// ```python
    /// @torch.compile
    /// def top(x):
    ///     values = x.softmax(0).tolist()
    ///     return max(values)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @torch.compile
    /// def top(x):
    ///     return x.softmax(0).max()
    /// ```
}

/// PT002
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        if call.method == Some("tolist")
            && matches!(call.receiver_kind, Kind::Tensor | Kind::Unknown)
            && !function.sizing.sizes_shape(call.expr.range)
        {
            checker.report(
                call.expr.range,
                "`.tolist()` of a tensor breaks the graph: keep tensor operations",
            );
        }
    }
}
