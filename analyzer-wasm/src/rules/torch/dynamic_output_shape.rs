//! PT007: an operation whose output shape depends on tensor data.

use rustpython_parser::ast::{self, Ranged};

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
    /// `torch._dynamo.config.capture_dynamic_output_shape_ops = True`. A masked selection that
    /// is then reduced has a branchless form of fixed shape; one that is kept (a ragged set of
    /// matches) has none, and the finding says only that it breaks the graph.
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
    let mut masks = None;
    let mut found = Vec::new();
    let mut reduced = Vec::new();
    walk::for_each_expr_in(function.syntax.body, &mut |expr| {
        if let Some(masked) = reduced_operand(expr) {
            reduced.push(masked.range());
        }
        let ast::Expr::Subscript(subscript) = expr else {
            return;
        };
        if !matches!(subscript.ctx, ast::ExprContext::Load) {
            return;
        }
        let is_mask = match &*subscript.slice {
            ast::Expr::Compare(_) => true,
            // Ex) `small = diff < width` above, then `diff[small]`.
            ast::Expr::Name(name) => masks
                .get_or_insert_with(|| mask_names(function.syntax.body))
                .contains(&name.id.as_str()),
            _ => false,
        };
        if function.kind_of(&subscript.value, module) == Kind::Tensor && is_mask {
            found.push(subscript.range);
        }
    });
    for range in found {
        // Only a masked selection that is reduced (after elementwise work, perhaps) has a
        // `torch.where` form of fixed shape; a kept selection is ragged by design.
        let message = if reduced.iter().any(|operand| operand.contains_range(range)) {
            "boolean-mask indexing has a data-dependent output shape: reduce over `torch.where(mask, x, ...)` instead"
        } else {
            "boolean-mask indexing has a data-dependent output shape: it breaks the graph"
        };
        checker.report(range, message);
    }
}

/// Names the body binds only to comparisons (`small = diff < width`): boolean masks.
fn mask_names(body: &[ast::Stmt]) -> Vec<&str> {
    let mut compared = Vec::new();
    let mut other = Vec::new();
    walk::for_each_stmt(body, &mut |stmt| {
        let ast::Stmt::Assign(assign) = stmt else {
            return;
        };
        for target in &assign.targets {
            if let ast::Expr::Name(name) = target {
                let list = if matches!(&*assign.value, ast::Expr::Compare(_)) {
                    &mut compared
                } else {
                    &mut other
                };
                list.push(name.id.as_str());
            }
        }
    });
    compared.retain(|name| !other.contains(name));
    compared
}

/// The operand of a reduction (`x[m].sum()`, `torch.mean(x[m])`), which a masked `torch.where`
/// can replace.
fn reduced_operand(expr: &ast::Expr) -> Option<&ast::Expr> {
    let ast::Expr::Call(call) = expr else {
        return None;
    };
    let ast::Expr::Attribute(attribute) = &*call.func else {
        return None;
    };
    if !matches!(
        attribute.attr.as_str(),
        "sum" | "mean" | "amax" | "amin" | "max" | "min" | "prod" | "count_nonzero"
    ) {
        return None;
    }
    match &*attribute.value {
        // Ex) `torch.sum(x[m])`: the reduction's first argument.
        ast::Expr::Name(_) | ast::Expr::Attribute(_) => call.args.first(),
        // Ex) `x[m].sum()`: the value the method is called on.
        receiver => Some(receiver),
    }
}
