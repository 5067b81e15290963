//! PT007: an operation whose output shape depends on tensor data.

use rustpython_parser::ast;

use crate::model::{walk, FunctionModel, Kind};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `torch.nonzero`, `torch.masked_select`, `torch.argwhere` and boolean-mask indexing
    /// (`x[x > 0]`) in code compiled by `torch.compile`.
    ///
    /// ## Why is this bad?
    /// The size of the result depends on the data, which a static graph cannot express. Dynamo
    /// breaks the graph ("Dynamic shape operator", torch 2.15) unless
    /// `torch._dynamo.config.capture_dynamic_output_shape_ops = True`.
    ///
    /// ## Example
    /// ```python
    /// @torch.compile
    /// def positive_sum(x):
    ///     return x[x > 0].sum()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @torch.compile
    /// def positive_sum(x):
    ///     return torch.where(x > 0, x, 0).sum()
    /// ```
}

/// PT007
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        let short = call.short_name();
        let torch_call = call
            .qualified
            .as_deref()
            .is_some_and(|q| q.starts_with("torch."))
            || (call.method.is_some() && matches!(call.receiver_kind, Kind::Tensor));
        if torch_call && matches!(short, "nonzero" | "masked_select" | "argwhere") {
            checker.report(
                call.expr.range,
                format!("`{short}` has a data-dependent output shape: it breaks the graph"),
            );
        }
    }
    let module = checker.module;
    let mut found = Vec::new();
    walk::for_each_expr_in(function.syntax.body, &mut |expr| {
        let ast::Expr::Subscript(subscript) = expr else {
            return;
        };
        if !matches!(subscript.ctx, ast::ExprContext::Load) {
            return;
        }
        if function.kind_of(&subscript.value, module) == Kind::Tensor
            && matches!(&*subscript.slice, ast::Expr::Compare(_))
        {
            found.push(subscript.range);
        }
    });
    for range in found {
        checker.report(
            range,
            "boolean-mask indexing has a data-dependent output shape: use `torch.where`",
        );
    }
}
