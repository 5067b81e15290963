//! PT001: `.item()` inside a function compiled by `torch.compile`.

use crate::model::{FunctionModel, Kind};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `tensor.item()` in code compiled (or to be compiled) by `torch.compile`.
    ///
    /// ## Why is this bad?
    /// `.item()` copies a value out of the tensor into Python. Dynamo cannot trace that by
    /// default: it ends the graph, runs the rest in Python and starts a new graph after it
    /// (`torch._dynamo.utils.counters["graph_break"]` records "Unsupported Tensor.item() call with
    /// capture_scalar_outputs=False", torch 2.15). On a GPU it also synchronizes the device.
    ///
    /// A read whose numbers size a shape (a slice bound, `torch.arange(n)`, `x.view(b, n)`, a
    /// `range`) is left alone: the output's shape depends on the data by design, and no tensor
    /// can stand in for the number.
    ///
    /// ## Example
    /// ```python
    /// @torch.compile
    /// def normalize(x):
    ///     return x / x.abs().max().item()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @torch.compile
    /// def normalize(x):
    ///     return x / x.abs().max()
    /// ```
    /// Keep the value a 0-d tensor, or set `torch._dynamo.config.capture_scalar_outputs = True`.
}

/// PT001
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        if call.method == Some("item")
            && matches!(call.receiver_kind, Kind::Tensor | Kind::Unknown)
            && !function.sizing.sizes_shape(call.expr.range)
        {
            checker.report(
                call.expr.range,
                "`.item()` breaks the graph: keep the value as a 0-d tensor",
            );
        }
    }
}
