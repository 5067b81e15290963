//! JAX functional updates: `x[i] = v` becomes `x = x.at[i].set(v)`, `x[i] += v` becomes
//! `x = x.at[i].add(v)`, and likewise `-=`, `*=`, `/=`, `**=`, `min=`-style calls excluded.
//!
//! Only for stores into names whose kind is a JAX array. `safe` when the array is made inside
//! the function (nobody else can see the mutation that no longer happens); `review` when it is
//! a parameter.

use rustpython_parser::ast::{self, Ranged};

use crate::model::{walk, FunctionModel, Kind};
use crate::rewrites::edit::TextEdit;
use crate::rewrites::Context;

/// The edits of a functional-update rewrite.
pub(crate) struct Updates {
    pub(crate) edits: Vec<TextEdit>,
    pub(crate) title: String,
    pub(crate) review: bool,
}

/// Rewrites every subscript store into a JAX array of the function.
pub(crate) fn rewrite(context: &Context<'_>, model: &FunctionModel<'_>) -> Option<Updates> {
    let source = context.source;
    let mut edits = Vec::new();
    let mut review = false;
    walk::for_each_stmt(model.syntax.body, &mut |stmt| {
        let (target, value, method) = match stmt {
            ast::Stmt::Assign(assign) => match assign.targets.as_slice() {
                [ast::Expr::Subscript(target)] => (target, &*assign.value, "set"),
                _ => return,
            },
            ast::Stmt::AugAssign(assign) => {
                let ast::Expr::Subscript(target) = &*assign.target else {
                    return;
                };
                let method = match assign.op {
                    ast::Operator::Add => "add",
                    ast::Operator::Sub => "subtract",
                    ast::Operator::Mult => "mul",
                    ast::Operator::Div => "divide",
                    ast::Operator::Pow => "power",
                    _ => return,
                };
                (target, &*assign.value, method)
            }
            _ => return,
        };
        let ast::Expr::Name(base) = &*target.value else {
            return;
        };
        if model.kind_of_name(base.id.as_str()) != Kind::JaxArray {
            return;
        }
        let slice = target.slice.range();
        let value_range = value.range();
        let (Some(index), Some(value_text)) = (
            source.get(slice.start().to_usize()..slice.end().to_usize()),
            source.get(value_range.start().to_usize()..value_range.end().to_usize()),
        ) else {
            return;
        };
        review |= model.param(base.id.as_str()).is_some();
        let name = base.id.as_str();
        let range = stmt.range();
        edits.push(TextEdit::replace(
            range.start().to_usize(),
            range.end().to_usize(),
            format!("{name} = {name}.at[{index}].{method}({value_text})"),
        ));
    });
    if edits.is_empty() {
        return None;
    }
    Some(Updates {
        title: format!(
            "Replace {} in-place store(s) with functional updates (x = x.at[i].set(v))",
            edits.len()
        ),
        edits,
        review,
    })
}
