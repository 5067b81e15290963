//! Code that runs only eagerly, never under `torch.compile`: what a function guards with
//! `is_compiling()`.
//!
//! - `if not is_compiling(): ...` (also inside an `and` chain, or next to
//!   `torch.jit.is_scripting() or`): the body.
//! - `if is_compiling(): ... else: ...`: the `else` block.
//! - `if is_compiling(): return ...`: every statement after it in the same block.
//! - `if verbose:` on a parameter that defaults to `False`: the body.
//!
//! A graph break or a recompile there is not one: Dynamo never traces it.

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextRange;

use crate::model::imports::last_segment;
use crate::model::walk;
use crate::model::ModuleModel;

/// The ranges of `body` that run only when not compiling, or only when a flag that is off by
/// default (`verbose=False`) is turned on: Dynamo specialises on the flag's value, so the default
/// call traces none of it.
pub(crate) fn eager_only_regions(
    body: &[ast::Stmt],
    module: &ModuleModel<'_>,
    off_flags: &[&str],
) -> Vec<TextRange> {
    let mut regions = Vec::new();
    collect(body, module, off_flags, &mut regions);
    regions
}

fn collect(
    body: &[ast::Stmt],
    module: &ModuleModel<'_>,
    off_flags: &[&str],
    regions: &mut Vec<TextRange>,
) {
    for (position, stmt) in body.iter().enumerate() {
        if let ast::Stmt::If(if_stmt) = stmt {
            let off_flag = matches!(&*if_stmt.test, ast::Expr::Name(name) if off_flags.contains(&name.id.as_str()));
            if runs_only_eagerly(&if_stmt.test, module) || off_flag {
                regions.extend(span(&if_stmt.body));
            } else if is_compiling(&if_stmt.test, module) {
                regions.extend(span(&if_stmt.orelse));
                let leaves = matches!(
                    if_stmt.body.last(),
                    Some(ast::Stmt::Return(_) | ast::Stmt::Raise(_))
                );
                if leaves && if_stmt.orelse.is_empty() {
                    regions.extend(span(&body[position + 1..]));
                }
            }
        }
        for block in walk::child_blocks(stmt) {
            collect(block, module, off_flags, regions);
        }
    }
}

/// The range from the first statement of a block to the end of its last.
fn span(block: &[ast::Stmt]) -> Option<TextRange> {
    let first = block.first()?;
    let last = block.last()?;
    Some(TextRange::new(first.start(), last.end()))
}

/// `not is_compiling()`, an `and` chain holding it, or an `or` of it with TorchScript checks.
fn runs_only_eagerly(test: &ast::Expr, module: &ModuleModel<'_>) -> bool {
    match test {
        ast::Expr::UnaryOp(unary) if matches!(unary.op, ast::UnaryOp::Not) => {
            is_compiling(&unary.operand, module)
        }
        ast::Expr::BoolOp(bool_op) => match bool_op.op {
            ast::BoolOp::And => bool_op.values.iter().any(|v| runs_only_eagerly(v, module)),
            ast::BoolOp::Or => {
                bool_op.values.iter().any(|v| runs_only_eagerly(v, module))
                    && bool_op
                        .values
                        .iter()
                        .all(|v| runs_only_eagerly(v, module) || is_torchscript_check(v, module))
            }
        },
        _ => false,
    }
}

/// A call of `is_compiling()` (`torch.compiler`, `torch._dynamo`, or a project's own wrapper of
/// that name).
fn is_compiling(expr: &ast::Expr, module: &ModuleModel<'_>) -> bool {
    let ast::Expr::Call(call) = expr else {
        return false;
    };
    let name = match module.imports.qualified_name(&call.func) {
        Some(qualified) => last_segment(&qualified).to_owned(),
        None => match &*call.func {
            ast::Expr::Name(name) => name.id.to_string(),
            ast::Expr::Attribute(attribute) => attribute.attr.to_string(),
            _ => return false,
        },
    };
    matches!(
        name.as_str(),
        "is_compiling" | "is_dynamo_compiling" | "is_exporting"
    )
}

/// `torch.jit.is_scripting()` or `torch.jit.is_tracing()`: false under `torch.compile`.
fn is_torchscript_check(expr: &ast::Expr, module: &ModuleModel<'_>) -> bool {
    let ast::Expr::Call(call) = expr else {
        return false;
    };
    matches!(
        module.imports.qualified_name(&call.func).as_deref(),
        Some("torch.jit.is_scripting" | "torch.jit.is_tracing")
    )
}
