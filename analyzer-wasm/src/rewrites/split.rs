//! The split strategy: when part of a function stops Numba (a list of dicts, pandas, strings,
//! printing), the numeric loop moves into a compiled kernel and the function stays a Python
//! wrapper that converts and calls it.
//!
//! The kernel is the longest run of top-level statements that Numba compiles and that holds a
//! loop. Its parameters are the names the run reads before binding them that the function
//! defined earlier; its results are the names it binds that the code after it reads
//! (`model::liveness`). A loop `for r in records:` that reads only `r["key"]` becomes a loop
//! over columns that the wrapper builds with `np.asarray([r["key"] for r in records])`.

use std::collections::HashSet;

use rustpython_parser::ast::{self, Ranged};

use crate::model::{liveness, numba_support, walk, Framework, FunctionModel, Kind, Library};
use crate::rewrites::branchless::fresh;
use crate::rewrites::edit::{self, TextEdit};
use crate::rewrites::flow;
use crate::rewrites::importer::Importer;
use crate::rewrites::{Candidate, Context};

/// A `for r in records:` loop that reads only `r["key"]`.
struct RecordsLoop<'a> {
    stmt: &'a ast::StmtFor,
    records: &'a str,
    var: &'a str,
    /// `(key as written, key value, subscript ranges)`.
    keys: Vec<(&'a str, String, Vec<ast::ExprSubscript>)>,
}

/// The split of one function, if it needs one and has a loop to move.
pub(crate) fn candidate(context: &Context<'_>, model: &FunctionModel<'_>) -> Option<Candidate> {
    let source = context.source;
    if model.syntax.is_method || model.syntax.name.contains('.') || model.is_jitted() {
        return None;
    }
    if [Library::Torch, Library::Jax, Library::TensorFlow]
        .iter()
        .any(|l| model.uses(*l))
    {
        return None;
    }
    let body = model.syntax.body;
    let records: Vec<Option<RecordsLoop<'_>>> = body
        .iter()
        .map(|stmt| records_loop(stmt, model, source))
        .collect();
    let ok: Vec<bool> = body
        .iter()
        .zip(&records)
        .map(|(stmt, records)| kernelable(context, model, stmt, records.as_ref(), false))
        .collect();
    // The longest run of compilable statements that holds a loop.
    let mut best: Option<(usize, usize)> = None;
    let mut start = 0;
    while start < body.len() {
        if !ok.get(start).copied().unwrap_or(false) {
            start += 1;
            continue;
        }
        let mut end = start;
        while ok.get(end).copied().unwrap_or(false) {
            end += 1;
        }
        let has_loop = body
            .get(start..end)?
            .iter()
            .any(|s| matches!(s, ast::Stmt::For(_) | ast::Stmt::While(_)));
        if has_loop && best.is_none_or(|(s, e)| e - s < end - start) {
            best = Some((start, end));
        }
        start = end;
    }
    let (start, end) = best?;
    let region = body.get(start..end)?;
    let before = body.get(..start)?;
    let after = body.get(end..)?;
    let records_loops: Vec<&RecordsLoop<'_>> = records.get(start..end)?.iter().flatten().collect();
    let blocked = body
        .iter()
        .zip(&ok)
        .any(|(stmt, ok)| !ok && !is_plain_return(context, model, stmt));
    if records_loops.is_empty() && !blocked {
        return None;
    }

    // Inputs and outputs from liveness.
    let mut defined: HashSet<&str> = liveness::names_bound(before);
    defined.extend(model.params.iter().map(|p| p.name));
    let mut inputs: Vec<&str> = liveness::region_inputs(region, &[])
        .into_iter()
        .filter(|n| defined.contains(n))
        .collect();
    let outputs = flow::region_outputs(region, after);
    let top_bound: HashSet<&str> = region
        .iter()
        .filter(|s| {
            !matches!(
                s,
                ast::Stmt::For(_) | ast::Stmt::While(_) | ast::Stmt::If(_)
            )
        })
        .flat_map(liveness::bound_by)
        .collect();
    for name in &outputs {
        if !top_bound.contains(name) {
            if !defined.contains(name) {
                return None;
            }
            if !inputs.contains(name) {
                inputs.push(name);
            }
        }
    }

    let mut used: HashSet<String> = names_of(model);
    let kernel_name = format!("_{}_kernel", model.syntax.name);
    if context.module.globals.contains_key(kernel_name.as_str()) || used.contains(&kernel_name) {
        return None;
    }
    let function_start = edit::line_start(
        source,
        model
            .syntax
            .decorators
            .first()
            .map_or(model.syntax.range.start(), |d| d.start())
            .to_usize()
            .min(model.syntax.range.start().to_usize()),
    );
    let mut importer = Importer::new(context.suite, source, function_start);

    // Columns for each records loop, and the edits inside the kernel's copy of the region.
    let mut region_edits = Vec::new();
    let mut conversions = String::new();
    let indent = edit::indent_at(source, region.first()?.start().to_usize()).to_owned();
    let mut kernel_params: Vec<String> = Vec::new();
    for records in &records_loops {
        let loads = region_loads(region, records.records);
        if loads != 1 {
            return None;
        }
        inputs.retain(|n| *n != records.records);
        let index = fresh(&mut used, "i");
        let mut first_column = None;
        let np = importer.module("numpy");
        for (written, value, subscripts) in &records.keys {
            let column = fresh(
                &mut used,
                &format!("{}_{}", records.records, sanitize(value)),
            );
            conversions.push_str(&format!(
                "{indent}{column} = {np}.asarray([{var}[{written}] for {var} in {records}])\n",
                var = records.var,
                records = records.records
            ));
            for subscript in subscripts {
                region_edits.push(TextEdit::replace(
                    subscript.range.start().to_usize(),
                    subscript.range.end().to_usize(),
                    format!("{column}[{index}]"),
                ));
            }
            first_column.get_or_insert(column.clone());
            kernel_params.push(column);
        }
        let first_column = first_column?;
        let header_start = records.stmt.target.start().to_usize();
        let header_end = records.stmt.iter.end().to_usize();
        region_edits.push(TextEdit::replace(
            header_start,
            header_end,
            format!("{index} in range({first_column}.shape[0])"),
        ));
    }
    kernel_params.splice(0..0, inputs.iter().map(|n| (*n).to_owned()));

    let region_start = edit::line_start(source, region.first()?.start().to_usize());
    let region_end = edit::next_line_start(source, region.last()?.end().to_usize());
    if !edit::normalize(source, &mut region_edits) {
        return None;
    }
    let mut kernel_body = edit::render(source, region_start, region_end, &region_edits);
    if !kernel_body.ends_with('\n') {
        kernel_body.push('\n');
    }
    let results = outputs.join(", ");
    if !outputs.is_empty() {
        kernel_body.push_str(&format!("{indent}return {results}\n"));
    }
    let njit = importer.name("numba", "njit");
    let params = kernel_params.join(", ");
    let kernel = format!("@{njit}(cache=True)\ndef {kernel_name}({params}):\n{kernel_body}\n\n");
    let call = format!("{kernel_name}({params})");
    let call_line = if outputs.is_empty() {
        format!("{indent}{call}\n")
    } else {
        format!("{indent}{results} = {call}\n")
    };

    let mut edits = vec![
        TextEdit::insert(function_start, kernel),
        TextEdit::replace(
            region_start,
            region_end,
            format!("{conversions}{call_line}"),
        ),
    ];
    edits.extend(importer.into_edits());
    let first_line = line_of(source, region_start);
    let last_line = line_of(source, region.last()?.end().to_usize());
    let converts = if records_loops.is_empty() {
        "keeps the rest in Python"
    } else {
        "converts the records to arrays"
    };
    Some(Candidate {
        slug: "numba-split".to_owned(),
        title: format!(
            "Split: compile lines {first_line}-{last_line} as `{kernel_name}` with @{njit}(cache=True); `{}` {converts} and calls it",
            model.syntax.name
        ),
        framework: Framework::Numba,
        review: true,
        notes: vec![format!(
            "kernel inputs: {}; results: {}",
            if kernel_params.is_empty() { "none".to_owned() } else { kernel_params.join(", ") },
            if outputs.is_empty() { "none".to_owned() } else { results }
        )],
        edits,
        checked: vec![kernel_name],
    })
}

/// A statement of a function's body that the kernel check refuses.
pub(crate) struct Refused {
    /// Its first line, 1-based.
    pub(crate) line: usize,
    /// That line's text, trimmed and cut to 60 characters.
    pub(crate) text: String,
}

/// The first statement of the body that cannot go into a Numba kernel (returns aside).
pub(crate) fn refused_statement(
    context: &Context<'_>,
    model: &FunctionModel<'_>,
) -> Option<Refused> {
    let stmt = model.syntax.body.iter().find(|stmt| {
        !kernelable(context, model, stmt, None, true) && !is_plain_return(context, model, stmt)
    })?;
    let start = stmt.range().start().to_usize();
    let line = line_of(context.source, start);
    let text: String = context
        .source
        .get(start..)?
        .lines()
        .next()?
        .trim()
        .chars()
        .take(60)
        .collect();
    Some(Refused { line, text })
}

/// Whether Numba can compile the whole function as it is: every top-level statement passes
/// the kernel check (a final `return` of numbers or arrays included) and a loop or an array
/// operation is there to compile.
pub(crate) fn compiles_whole(context: &Context<'_>, model: &FunctionModel<'_>) -> bool {
    let body = model.syntax.body;
    let numeric = model.numba_loop
        || model.loops.iter().any(|l| l.touches_arrays())
        || model.uses(Library::Numpy);
    numeric
        && model
            .params
            .iter()
            .all(|p| !matches!(p.kind, Kind::List | Kind::Dict | Kind::Str | Kind::Set))
        && body.iter().all(|stmt| {
            kernelable(context, model, stmt, None, true) || is_plain_return(context, model, stmt)
        })
}

fn line_of(source: &str, offset: usize) -> usize {
    source.get(..offset).map_or(0, |s| s.matches('\n').count()) + 1
}

fn sanitize(key: &str) -> String {
    let cleaned: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "col".to_owned()
    } else {
        cleaned
    }
}

fn names_of(model: &FunctionModel<'_>) -> HashSet<String> {
    let mut used: HashSet<String> = model.params.iter().map(|p| p.name.to_owned()).collect();
    walk::for_each_expr_in(model.syntax.body, &mut |expr| {
        if let ast::Expr::Name(n) = expr {
            used.insert(n.id.to_string());
        }
    });
    used
}

fn region_loads(region: &[ast::Stmt], name: &str) -> usize {
    let mut count = 0;
    walk::for_each_expr_in(region, &mut |expr| {
        if let ast::Expr::Name(n) = expr {
            count += usize::from(n.id.as_str() == name && matches!(n.ctx, ast::ExprContext::Load));
        }
    });
    count
}

fn str_constant(expr: &ast::Expr) -> Option<&str> {
    match expr {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Str(s) => Some(s.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// `for r in records:` where `records` is a parameter and `r` is only read as `r["key"]`.
fn records_loop<'a>(
    stmt: &'a ast::Stmt,
    model: &FunctionModel<'a>,
    source: &'a str,
) -> Option<RecordsLoop<'a>> {
    let ast::Stmt::For(for_stmt) = stmt else {
        return None;
    };
    let ast::Expr::Name(var) = &*for_stmt.target else {
        return None;
    };
    let ast::Expr::Name(records) = &*for_stmt.iter else {
        return None;
    };
    let param = model.param(records.id.as_str())?;
    if param.kind.is_array() || !for_stmt.orelse.is_empty() {
        return None;
    }
    let var_name = var.id.as_str();
    let mut keys: Vec<(&'a str, String, Vec<ast::ExprSubscript>)> = Vec::new();
    let mut subscripted = 0;
    let mut loads = 0;
    walk::for_each_expr_in(&for_stmt.body, &mut |expr| match expr {
        ast::Expr::Subscript(subscript) => {
            let ast::Expr::Name(base) = &*subscript.value else {
                return;
            };
            if base.id.as_str() != var_name {
                return;
            }
            let Some(key) = str_constant(&subscript.slice) else {
                return;
            };
            if !matches!(subscript.ctx, ast::ExprContext::Load) {
                return;
            }
            subscripted += 1;
            let range = subscript.slice.range();
            let written = source
                .get(range.start().to_usize()..range.end().to_usize())
                .unwrap_or("");
            match keys.iter_mut().find(|(_, k, _)| k == key) {
                Some((_, _, ranges)) => ranges.push(subscript.clone()),
                None => keys.push((written, key.to_owned(), vec![subscript.clone()])),
            }
        }
        ast::Expr::Name(n) if n.id.as_str() == var_name => loads += 1,
        _ => (),
    });
    if keys.is_empty()
        || loads != subscripted
        || liveness::names_bound(&for_stmt.body).contains(var_name)
    {
        return None;
    }
    Some(RecordsLoop {
        stmt: for_stmt,
        records: records.id.as_str(),
        var: var_name,
        keys,
    })
}

fn is_plain_return(context: &Context<'_>, model: &FunctionModel<'_>, stmt: &ast::Stmt) -> bool {
    match stmt {
        ast::Stmt::Return(ret) => ret
            .value
            .as_deref()
            .is_none_or(|value| expr_ok(context, model, value, None)),
        // Ex) a docstring.
        ast::Stmt::Expr(expr) => str_constant(&expr.value).is_some(),
        _ => false,
    }
}

/// Whether Numba compiles `stmt` (conservatively: numbers, arrays, NumPy and `math`).
/// `returns`: whether a `return` may stand in it (a whole function; a kernel cut out of one
/// must run to its end).
fn kernelable(
    context: &Context<'_>,
    model: &FunctionModel<'_>,
    stmt: &ast::Stmt,
    records: Option<&RecordsLoop<'_>>,
    returns: bool,
) -> bool {
    let mut ok = true;
    walk::for_each_stmt(std::slice::from_ref(stmt), &mut |s| {
        ok &= match s {
            ast::Stmt::Assign(assign) => assign.targets.iter().all(plain_target),
            ast::Stmt::AugAssign(assign) => plain_target(&assign.target),
            ast::Stmt::AnnAssign(assign) => assign.value.is_some() && plain_target(&assign.target),
            ast::Stmt::For(for_stmt) => {
                matches!(&*for_stmt.target, ast::Expr::Name(_)) && for_stmt.orelse.is_empty()
            }
            ast::Stmt::While(_)
            | ast::Stmt::If(_)
            | ast::Stmt::Pass(_)
            | ast::Stmt::Break(_)
            | ast::Stmt::Continue(_) => true,
            ast::Stmt::Return(_) => returns,
            _ => false,
        };
        for expr in walk::own_exprs(s) {
            let is_records_iter =
                records.is_some() && matches!(s, ast::Stmt::For(f) if std::ptr::eq(&*f.iter, expr));
            if !is_records_iter {
                ok &= expr_ok(context, model, expr, records);
            }
        }
    });
    ok
}

fn plain_target(target: &ast::Expr) -> bool {
    match target {
        ast::Expr::Name(_) => true,
        ast::Expr::Subscript(subscript) => matches!(&*subscript.value, ast::Expr::Name(_)),
        ast::Expr::Tuple(tuple) => tuple.elts.iter().all(|e| matches!(e, ast::Expr::Name(_))),
        _ => false,
    }
}

fn expr_ok(
    context: &Context<'_>,
    model: &FunctionModel<'_>,
    expr: &ast::Expr,
    records: Option<&RecordsLoop<'_>>,
) -> bool {
    let record_var = records.map(|r| r.var);
    let mut key_ranges = Vec::new();
    let mut ok = true;
    walk::walk_expr(expr, &mut |sub| match sub {
        ast::Expr::Subscript(subscript) => {
            if let (ast::Expr::Name(base), Some(var)) = (&*subscript.value, record_var) {
                if base.id.as_str() == var && str_constant(&subscript.slice).is_some() {
                    key_ranges.push(subscript.slice.range());
                }
            }
        }
        // Ex) `r["price"]` is a records key; any other string stops Numba.
        ast::Expr::Constant(constant)
            if matches!(
                constant.value,
                ast::Constant::Str(_) | ast::Constant::Bytes(_)
            ) && !key_ranges.contains(&constant.range) =>
        {
            ok = false;
        }
        ast::Expr::Name(name) => {
            let kind = model.kind_of_name(name.id.as_str());
            if matches!(kind, Kind::Str | Kind::Dict | Kind::Set | Kind::List)
                && Some(name.id.as_str()) != record_var
            {
                ok = false;
            }
        }
        ast::Expr::Call(call) => {
            ok &= match context.module.imports.qualified_name(&call.func) {
                // Numba's random streams are not NumPy's: a kernel drawing numbers would not
                // compute what the original did.
                Some(qualified) => {
                    !qualified.starts_with("numpy.random.")
                        && numba_support::library_call_compiles(&qualified, call)
                }
                None => match &*call.func {
                    // Ex) `d.sort(axis=0)`: Numba takes array methods without keywords.
                    ast::Expr::Attribute(attribute) => {
                        numba_support::ARRAY_MEMBERS.contains(&attribute.attr.as_str())
                            && call.keywords.is_empty()
                    }
                    // Ex) `f(x)` with `f` a numeric function of the module, compiled with it.
                    ast::Expr::Name(name) => {
                        context
                            .module
                            .function_named(&model.syntax.name, name.id.as_str())
                            .is_some_and(|helper| {
                                numba_support::helper_compiles(helper, context.module, 2)
                            })
                            && call.keywords.is_empty()
                    }
                    _ => false,
                },
            };
        }
        ast::Expr::Attribute(attribute) => {
            let resolved = context
                .module
                .imports
                .qualified_name(sub)
                .is_some_and(|q| q.starts_with("numpy.") || q.starts_with("math."));
            let attr = attribute.attr.as_str();
            ok &= resolved || numba_support::ARRAY_MEMBERS.contains(&attr);
        }
        // A kernel takes no lists, unpacking or walrus either: its wrapper keeps those.
        ast::Expr::List(_)
        | ast::Expr::ListComp(_)
        | ast::Expr::Starred(_)
        | ast::Expr::NamedExpr(_) => ok = false,
        other if numba_support::builds_python_objects(other) => ok = false,
        _ => (),
    });
    ok
}
