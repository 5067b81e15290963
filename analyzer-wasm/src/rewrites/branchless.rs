//! The branchless strategy: a Python `if`/`else` on tensor data becomes `where` on a tensor
//! condition, and the `.item()` (or `float(t)`) that fed the condition is removed.
//!
//! Both branches then run on every call, each assigning renamed copies (`result_then`,
//! `result_else`), and each name the code after the branch reads is selected with
//! `torch.where` / `jnp.where` / `tf.where`. Not arithmetic blending: `w * a + (1 - w) * b`
//! turns an infinity in the unused branch into NaN. Always `review`: the branches must give
//! results of one shape (or shapes that broadcast) and be free of side effects.

use std::collections::HashSet;

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextRange;

use crate::model::{liveness, walk, Framework, FunctionModel, Kind, MUTATING_METHODS};
use crate::rewrites::edit::{self, TextEdit};
use crate::rewrites::flow;
use crate::rewrites::importer::Importer;
use crate::rewrites::Context;

/// The edits of a branchless rewrite.
pub(crate) struct Branchless {
    pub(crate) edits: Vec<TextEdit>,
    pub(crate) title: String,
    pub(crate) notes: Vec<String>,
}

/// Rewrites the first top-level `if` on tensor data that can be made branchless.
pub(crate) fn rewrite(
    context: &Context<'_>,
    model: &FunctionModel<'_>,
    framework: Framework,
    importer: &mut Importer,
) -> Option<Branchless> {
    if framework == Framework::Numba || !model.uses(framework.library()) {
        return None;
    }
    let body = model.syntax.body;
    body.iter().enumerate().find_map(|(position, stmt)| {
        let ast::Stmt::If(if_stmt) = stmt else {
            return None;
        };
        one_branch(context, model, framework, importer, position, if_stmt)
    })
}

fn one_branch(
    context: &Context<'_>,
    model: &FunctionModel<'_>,
    framework: Framework,
    importer: &mut Importer,
    position: usize,
    if_stmt: &ast::StmtIf,
) -> Option<Branchless> {
    let source = context.source;
    let branch = model
        .branches
        .iter()
        .find(|b| std::ptr::eq(b.test, &*if_stmt.test))?;
    if !(branch.dependence.tensor || branch.dependence.scalar_from_tensor) {
        return None;
    }
    // Ex) `elif`: a nested `if` as the whole `else` block.
    if matches!(if_stmt.orelse.as_slice(), [ast::Stmt::If(_)]) {
        return None;
    }
    let header_line = edit::line_start(source, if_stmt.range.start().to_usize());
    let first = if_stmt.body.first()?;
    if edit::line_start(source, first.start().to_usize()) == header_line {
        return None;
    }
    for stmt in if_stmt.body.iter().chain(&if_stmt.orelse) {
        if !is_pure_assignment(stmt, model) {
            return None;
        }
    }
    if has_bool_logic(&if_stmt.test) {
        return None;
    }

    let body = model.syntax.body;
    let before = body.get(..position)?;
    let after = body.get(position + 1..).unwrap_or(&[]);
    let mut edits = Vec::new();
    let mut cond_edits = strip_extractions(&if_stmt.test, model, context);
    let converted = convert_scalars(context, model, before, if_stmt, &mut edits)?;
    if converted == 0 && cond_edits.is_empty() && !branch.dependence.tensor {
        return None;
    }
    let test_range = if_stmt.test.range();
    if !edit::normalize(source, &mut cond_edits) {
        return None;
    }
    let cond_text = edit::render(
        source,
        test_range.start().to_usize(),
        test_range.end().to_usize(),
        &cond_edits,
    );

    // Names the branches assign and the code after reads.
    let then_names = assigned(&if_stmt.body);
    let else_names = assigned(&if_stmt.orelse);
    let read_after = flow::names_loaded(after);
    let mut bound_before: HashSet<&str> = liveness::names_bound(before);
    bound_before.extend(model.params.iter().map(|p| p.name));
    let mut outputs = Vec::new();
    for name in then_names.iter().chain(&else_names) {
        if outputs.contains(name) || !read_after.contains(name) {
            continue;
        }
        let both = then_names.contains(name) && else_names.contains(name);
        if !both && !bound_before.contains(name) {
            return None;
        }
        outputs.push(*name);
    }
    if outputs.is_empty() {
        return None;
    }

    let mut used = all_names(model);
    let cond_name = fresh(&mut used, "take_then");
    let then_map: Vec<(&str, String)> = then_names
        .iter()
        .map(|n| (*n, fresh(&mut used, &format!("{n}_then"))))
        .collect();
    let else_map: Vec<(&str, String)> = else_names
        .iter()
        .map(|n| (*n, fresh(&mut used, &format!("{n}_else"))))
        .collect();

    let indent = edit::indent_at(source, header_line).to_owned();
    let body_indent = edit::indent_at(source, first.start().to_usize()).len();
    let width = body_indent.saturating_sub(indent.len());
    let mut text = format!("{indent}{cond_name} = {cond_text}\n");
    let then_start = edit::next_line_start(source, test_range.end().to_usize());
    text.push_str(&render_block(
        source,
        &if_stmt.body,
        then_start,
        &then_map,
        width,
    )?);
    if let Some(else_first) = if_stmt.orelse.first() {
        let body_end = if_stmt.body.last()?.end().to_usize();
        let else_line = edit::line_start(source, else_first.start().to_usize());
        let else_keyword = source.get(body_end..else_line)?.rfind("else")? + body_end;
        let else_start = edit::next_line_start(source, else_keyword);
        text.push_str(&render_block(
            source,
            &if_stmt.orelse,
            else_start,
            &else_map,
            width,
        )?);
    }
    let where_fn = match framework {
        Framework::Torch => importer.name("torch", "where"),
        Framework::Jax => importer.name("jax.numpy", "where"),
        _ => importer.name("tensorflow", "where"),
    };
    for name in &outputs {
        let pick = |map: &[(&str, String)]| {
            map.iter()
                .find(|(n, _)| n == name)
                .map_or((*name).to_owned(), |(_, r)| r.clone())
        };
        text.push_str(&format!(
            "{indent}{name} = {where_fn}({cond_name}, {}, {})\n",
            pick(&then_map),
            pick(&else_map)
        ));
    }
    let end = edit::next_line_start(source, if_stmt.range.end().to_usize());
    edits.push(TextEdit::replace(header_line, end, text));

    let line = source
        .get(..header_line)
        .map_or(0, |s| s.matches('\n').count())
        + 1;
    let mut notes = vec![format!(
        "Both branches now run on every call; {where_fn} needs their results to have one shape (or to broadcast) and one dtype."
    )];
    if let Some(square) = transposed_param(model, if_stmt) {
        notes.push(format!("shapes must match: holds for square {square}"));
    }
    let removed = if converted > 0 || !cond_edits.is_empty() {
        ", .item() removed"
    } else {
        ""
    };
    Some(Branchless {
        edits,
        title: format!("Replace the Python branch at line {line} with {where_fn} on a tensor condition{removed} (shapes must match)"),
        notes,
    })
}

/// `name = <expression>` with no call that has side effects or leaves the tensor world.
fn is_pure_assignment(stmt: &ast::Stmt, model: &FunctionModel<'_>) -> bool {
    let ast::Stmt::Assign(assign) = stmt else {
        return false;
    };
    if !matches!(assign.targets.as_slice(), [ast::Expr::Name(_)]) {
        return false;
    }
    let mut pure = true;
    walk::walk_expr(&assign.value, &mut |expr| match expr {
        ast::Expr::Call(call) => {
            if let ast::Expr::Attribute(attribute) = &*call.func {
                let method = attribute.attr.as_str();
                if MUTATING_METHODS.contains(&method)
                    || matches!(method, "item" | "tolist" | "numpy")
                    || method.ends_with('_')
                {
                    pure = false;
                }
            }
            if let ast::Expr::Name(name) = &*call.func {
                if matches!(
                    name.id.as_str(),
                    "print" | "float" | "int" | "bool" | "input" | "open"
                ) && !model.is_local(name.id.as_str())
                {
                    pure = false;
                }
            }
        }
        ast::Expr::NamedExpr(_)
        | ast::Expr::Yield(_)
        | ast::Expr::YieldFrom(_)
        | ast::Expr::Await(_)
        | ast::Expr::Lambda(_) => pure = false,
        _ => (),
    });
    pure
}

fn has_bool_logic(test: &ast::Expr) -> bool {
    let mut found = false;
    walk::walk_expr(test, &mut |expr| match expr {
        ast::Expr::BoolOp(_) | ast::Expr::IfExp(_) => found = true,
        ast::Expr::UnaryOp(unary) if matches!(unary.op, ast::UnaryOp::Not) => found = true,
        ast::Expr::Compare(compare) if compare.ops.len() > 1 => found = true,
        _ => (),
    });
    found
}

/// Whether `expr` takes a Python value out of array data; returns the array expression.
fn extraction<'e>(
    expr: &'e ast::Expr,
    model: &FunctionModel<'_>,
    context: &Context<'_>,
) -> Option<&'e ast::Expr> {
    let ast::Expr::Call(call) = expr else {
        return None;
    };
    if let ast::Expr::Attribute(attribute) = &*call.func {
        if attribute.attr.as_str() == "item" && call.args.is_empty() && call.keywords.is_empty() {
            return Some(&attribute.value);
        }
    }
    let qualified = context.module.imports.qualified_name(&call.func)?;
    if matches!(
        qualified.as_str(),
        "builtins.float" | "builtins.int" | "builtins.bool"
    ) && call.args.len() == 1
    {
        let arg = call.args.first()?;
        if model.kind_of(arg, context.module).is_array() {
            return Some(arg);
        }
    }
    None
}

/// Edits that strip every extraction inside `expr` (outermost ones).
fn strip_extractions(
    expr: &ast::Expr,
    model: &FunctionModel<'_>,
    context: &Context<'_>,
) -> Vec<TextEdit> {
    let mut edits: Vec<TextEdit> = Vec::new();
    walk::walk_expr(expr, &mut |sub| {
        let Some(inner) = extraction(sub, model, context) else {
            return;
        };
        let outer = sub.range();
        if edits
            .iter()
            .any(|e| e.start <= outer.start().to_usize() && outer.end().to_usize() <= e.end)
        {
            return;
        }
        let inner_text = context
            .source
            .get(inner.start().to_usize()..inner.end().to_usize())
            .unwrap_or("");
        edits.push(TextEdit::replace(
            outer.start().to_usize(),
            outer.end().to_usize(),
            format!("({inner_text})"),
        ));
    });
    edits
}

/// Makes the tensor-derived Python scalars that `test` reads into tensors, by removing the
/// extraction in their single definition (recursively through plain arithmetic). Returns how
/// many definitions changed; `None` when a name cannot be converted.
fn convert_scalars(
    context: &Context<'_>,
    model: &FunctionModel<'_>,
    before: &[ast::Stmt],
    if_stmt: &ast::StmtIf,
    edits: &mut Vec<TextEdit>,
) -> Option<usize> {
    let test = &*if_stmt.test;
    let mut pending: Vec<&str> = names_in(test)
        .into_iter()
        .filter(|n| model.tensor_scalars.contains(n))
        .collect();
    let mut converted: Vec<(&str, TextRange)> = Vec::new();
    while let Some(name) = pending.pop() {
        if converted.iter().any(|(n, _)| *n == name) {
            continue;
        }
        if binding_count(model.syntax.body, name) != 1 {
            return None;
        }
        let assign = before.iter().find_map(|stmt| match stmt {
            ast::Stmt::Assign(a) if matches!(a.targets.as_slice(), [ast::Expr::Name(n)] if n.id.as_str() == name) => Some(a),
            _ => None,
        })?;
        let value = &*assign.value;
        match extraction(value, model, context) {
            Some(inner) => {
                let inner_text = context
                    .source
                    .get(inner.start().to_usize()..inner.end().to_usize())?;
                edits.push(TextEdit::replace(
                    value.start().to_usize(),
                    value.end().to_usize(),
                    inner_text.to_owned(),
                ));
            }
            None => {
                let mut inner_edits = strip_extractions(value, model, context);
                if !inner_edits.is_empty() {
                    if !edit::normalize(context.source, &mut inner_edits) {
                        return None;
                    }
                    edits.extend(inner_edits);
                }
                pending.extend(
                    names_in(value)
                        .into_iter()
                        .filter(|n| model.tensor_scalars.contains(n)),
                );
            }
        }
        converted.push((name, value.range()));
    }
    // Each converted name may be read only by the branch (where it now is a 0-d tensor in
    // tensor arithmetic) or by another converted definition.
    let test_range = if_stmt.range;
    for (name, _) in &converted {
        let mut ok = true;
        walk::for_each_expr_in(model.syntax.body, &mut |expr| {
            if let ast::Expr::Name(n) = expr {
                if n.id.as_str() == *name && matches!(n.ctx, ast::ExprContext::Load) {
                    let inside = |range: TextRange| range.contains_range(n.range);
                    ok &= inside(test_range) || converted.iter().any(|(_, r)| inside(*r));
                }
            }
        });
        if !ok {
            return None;
        }
    }
    Some(converted.len())
}

fn names_in(expr: &ast::Expr) -> Vec<&str> {
    let mut names = Vec::new();
    walk::walk_expr(expr, &mut |sub| {
        if let ast::Expr::Name(n) = sub {
            names.push(n.id.as_str());
        }
    });
    names
}

fn binding_count(body: &[ast::Stmt], name: &str) -> usize {
    let mut count = 0;
    walk::for_each_stmt(body, &mut |stmt| {
        count += liveness::bound_by(stmt)
            .iter()
            .filter(|n| **n == name)
            .count()
    });
    count
}

/// The names a block of plain assignments binds, in order.
fn assigned(block: &[ast::Stmt]) -> Vec<&str> {
    let mut names = Vec::new();
    for stmt in block {
        for name in liveness::bound_by(stmt) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

fn all_names<'a>(model: &FunctionModel<'a>) -> HashSet<String> {
    let mut used: HashSet<String> = model.params.iter().map(|p| p.name.to_owned()).collect();
    walk::for_each_expr_in(model.syntax.body, &mut |expr| {
        if let ast::Expr::Name(n) = expr {
            used.insert(n.id.to_string());
        }
    });
    used
}

/// `base`, or `base_2`, `base_3`, ... whichever is free; marks it used.
pub(crate) fn fresh(used: &mut HashSet<String>, base: &str) -> String {
    let mut candidate = base.to_owned();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{base}_{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// The block's text with each name renamed from its first assignment on, dedented by `width`.
fn render_block(
    source: &str,
    block: &[ast::Stmt],
    start: usize,
    renames: &[(&str, String)],
    width: usize,
) -> Option<String> {
    let end = edit::next_line_start(source, block.last()?.end().to_usize());
    let mut assigned_so_far: HashSet<&str> = HashSet::new();
    let mut edits = Vec::new();
    for stmt in block {
        let ast::Stmt::Assign(assign) = stmt else {
            return None;
        };
        walk::walk_expr(&assign.value, &mut |expr| {
            if let ast::Expr::Name(n) = expr {
                if assigned_so_far.contains(n.id.as_str()) {
                    if let Some((_, new)) = renames.iter().find(|(old, _)| *old == n.id.as_str()) {
                        edits.push(TextEdit::replace(
                            n.range.start().to_usize(),
                            n.range.end().to_usize(),
                            new.clone(),
                        ));
                    }
                }
            }
        });
        for target in &assign.targets {
            if let ast::Expr::Name(n) = target {
                let (_, new) = renames.iter().find(|(old, _)| *old == n.id.as_str())?;
                edits.push(TextEdit::replace(
                    n.range.start().to_usize(),
                    n.range.end().to_usize(),
                    new.clone(),
                ));
                assigned_so_far.insert(n.id.as_str());
            }
        }
    }
    if !edit::normalize(source, &mut edits) {
        return None;
    }
    Some(edit::dedent(
        &edit::render(source, start, end, &edits),
        width,
    ))
}

/// A parameter whose transpose a branch uses (`x.T`): then square inputs make shapes agree.
fn transposed_param<'a>(model: &FunctionModel<'a>, if_stmt: &ast::StmtIf) -> Option<&'a str> {
    let mut found = None;
    walk::for_each_expr_in(&if_stmt.body, &mut |expr| {
        if let ast::Expr::Attribute(attribute) = expr {
            if matches!(attribute.attr.as_str(), "T" | "mT") {
                if let ast::Expr::Name(n) = &*attribute.value {
                    if let Some(param) = model
                        .params
                        .iter()
                        .find(|p| p.name == n.id.as_str() && p.kind != Kind::Scalar)
                    {
                        found = Some(param.name);
                    }
                }
            }
        }
    });
    found
}
