//! The vectorised alternative, for when compiling is harmful: a Python loop that counts array
//! elements one `.item()` at a time becomes one reduction over a mask.
//!
//! `for i in range(len(x)): if x[i].item() > t: count += 1` becomes
//! `count += 1 * int((x > t).sum())`: one device sync instead of one per element, and no loop
//! for a compiler to unroll or break on. The function stays uncompiled.

use rustpython_parser::ast::{self, Ranged};

use crate::model::{walk, Framework, FunctionModel, Kind};
use crate::rewrites::edit::{self, TextEdit};
use crate::rewrites::{Candidate, Context};

/// The rewrite of the first counting loop of the function, if it has one.
pub(crate) fn candidate(
    context: &Context<'_>,
    model: &FunctionModel<'_>,
    framework: Framework,
) -> Option<Candidate> {
    let wanted = match framework {
        Framework::Torch => Kind::Tensor,
        Framework::Jax => Kind::JaxArray,
        _ => return None,
    };
    model.syntax.body.iter().find_map(|stmt| {
        let ast::Stmt::For(for_stmt) = stmt else { return None };
        counting_loop(context, model, for_stmt, wanted).map(|edit| Candidate {
            slug: format!("{}-vectorize-count", framework.as_str()),
            title: format!(
                "Count with one reduction over a mask instead of a Python loop with .item() (line {})",
                line_of(context.source, stmt.start().to_usize())
            ),
            framework,
            review: true,
            notes: vec!["Not compiled: one reduction replaces the loop, with a single device sync".to_owned()],
            edits: vec![edit],
            checked: Vec::new(),
        })
    })
}

fn line_of(source: &str, offset: usize) -> usize {
    source.get(..offset).map_or(0, |s| s.matches('\n').count()) + 1
}

fn counting_loop(
    context: &Context<'_>,
    model: &FunctionModel<'_>,
    for_stmt: &ast::StmtFor,
    wanted: Kind,
) -> Option<TextEdit> {
    let source = context.source;
    let ast::Expr::Name(target) = &*for_stmt.target else {
        return None;
    };
    let var = target.id.as_str();
    if !for_stmt.orelse.is_empty() {
        return None;
    }
    // Ex) `for i in range(len(x))` (element `x[i]`) or `for v in x` (element `v`).
    let (array, indexed) = match &*for_stmt.iter {
        ast::Expr::Name(name) if model.kind_of_name(name.id.as_str()) == wanted => {
            (name.id.as_str(), false)
        }
        ast::Expr::Call(call) => {
            let ast::Expr::Name(range) = &*call.func else {
                return None;
            };
            if range.id.as_str() != "range" || call.args.len() != 1 || model.is_local("range") {
                return None;
            }
            (length_of(call.args.first()?)?, true)
        }
        _ => return None,
    };
    if model.kind_of_name(array) != wanted {
        return None;
    }
    let [ast::Stmt::If(if_stmt)] = for_stmt.body.as_slice() else {
        return None;
    };
    if !if_stmt.orelse.is_empty() {
        return None;
    }
    let [ast::Stmt::AugAssign(count)] = if_stmt.body.as_slice() else {
        return None;
    };
    let ast::Expr::Name(counter) = &*count.target else {
        return None;
    };
    if !matches!(count.op, ast::Operator::Add)
        || walk::mentions(&count.value, var)
        || walk::mentions(&count.value, counter.id.as_str())
    {
        return None;
    }
    // Each use of the element in the test becomes the whole array.
    let mut edits = Vec::new();
    let mut uses = 0;
    let mut all_uses = 0;
    walk::walk_expr(&if_stmt.test, &mut |expr| {
        if let ast::Expr::Name(n) = expr {
            all_uses += usize::from(n.id.as_str() == var);
        }
        let element = element_of(expr, var, array, indexed);
        if element
            && !edits.iter().any(|e: &TextEdit| {
                e.start <= expr.start().to_usize() && expr.end().to_usize() <= e.end
            })
        {
            edits.push(TextEdit::replace(
                expr.start().to_usize(),
                expr.end().to_usize(),
                array,
            ));
            uses += 1;
        }
    });
    if uses == 0 || uses != all_uses || walk::mentions(&if_stmt.test, counter.id.as_str()) {
        return None;
    }
    if !edit::normalize(source, &mut edits) {
        return None;
    }
    let test = if_stmt.test.range();
    let mask = edit::render(
        source,
        test.start().to_usize(),
        test.end().to_usize(),
        &edits,
    );
    let increment = source.get(count.value.start().to_usize()..count.value.end().to_usize())?;
    let indent = edit::indent_at(source, for_stmt.range.start().to_usize());
    let start = edit::line_start(source, for_stmt.range.start().to_usize());
    let end = edit::next_line_start(source, for_stmt.range.end().to_usize());
    Some(TextEdit::replace(
        start,
        end,
        format!(
            "{indent}{} += {increment} * int(({mask}).sum())\n",
            counter.id
        ),
    ))
}

/// `len(x)`, `x.shape[0]`, `x.numel()`, `x.size(0)`: the name `x`.
fn length_of(expr: &ast::Expr) -> Option<&str> {
    match expr {
        ast::Expr::Call(call) => match &*call.func {
            ast::Expr::Name(len) if len.id.as_str() == "len" => name_of(call.args.first()?),
            ast::Expr::Attribute(a) if a.attr.as_str() == "numel" || a.attr.as_str() == "size" => {
                name_of(&a.value)
            }
            _ => None,
        },
        ast::Expr::Subscript(subscript) => match &*subscript.value {
            ast::Expr::Attribute(a) if a.attr.as_str() == "shape" => name_of(&a.value),
            _ => None,
        },
        _ => None,
    }
}

fn name_of(expr: &ast::Expr) -> Option<&str> {
    match expr {
        ast::Expr::Name(n) => Some(n.id.as_str()),
        _ => None,
    }
}

/// Whether `expr` is the element, or the element's `.item()` / `float(...)`.
fn element_of(expr: &ast::Expr, var: &str, array: &str, indexed: bool) -> bool {
    let bare = |e: &ast::Expr| match e {
        ast::Expr::Subscript(s) if indexed => {
            name_of(&s.value) == Some(array) && name_of(&s.slice) == Some(var)
        }
        ast::Expr::Name(n) if !indexed => n.id.as_str() == var,
        _ => false,
    };
    match expr {
        ast::Expr::Call(call) => match &*call.func {
            ast::Expr::Attribute(a) if a.attr.as_str() == "item" && call.args.is_empty() => {
                bare(&a.value)
            }
            ast::Expr::Name(f)
                if matches!(f.id.as_str(), "float" | "int" | "bool") && call.args.len() == 1 =>
            {
                call.args.first().is_some_and(bare)
            }
            _ => false,
        },
        other => bare(other),
    }
}
