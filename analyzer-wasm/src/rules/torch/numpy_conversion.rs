//! PT003: `.numpy()` inside a function compiled by `torch.compile`.

use crate::model::{FunctionModel, Kind};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `tensor.numpy()` in code compiled by `torch.compile`.
    ///
    /// ## Why is this bad?
    /// Dynamo traces the NumPy code that follows through `torch._numpy`, but only the parts it
    /// models: any other ndarray method or NumPy function breaks the graph (torch 2.15:
    /// `.tobytes()` gives "Unsupported ndarray method call", `np.frompyfunc` "attempted to trace
    /// numpy function unsupported by PyTorch"). On a GPU `.numpy()` also forces a
    /// device-to-host copy.
    ///
    /// ## Example
    /// ```python
    /// @torch.compile
    /// def checksum(x):
    ///     return len(x.numpy().tobytes())
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @torch.compile
    /// def checksum(x):
    ///     return x.numel() * x.element_size()
    /// ```
    /// Stay in tensor operations inside the compiled function.
}

/// PT003
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        if call.method == Some("numpy")
            && call.expr.args.is_empty()
            && matches!(call.receiver_kind, Kind::Tensor | Kind::Unknown)
        {
            checker.report(
                call.expr.range,
                "`.numpy()` leaves tensor code: NumPy calls Dynamo does not model break the graph",
            );
        }
    }
}
