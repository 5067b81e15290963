//! Loops: nesting, what they iterate over, the subscripts they read and write, and whether their
//! iterations are independent (the legality test for `prange`).

use std::collections::{HashMap, HashSet};

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextRange;

use crate::model::function::FunctionModel;
use crate::model::kind::Kind;
use crate::model::{liveness, ranks, walk, ModuleModel, MUTATING_METHODS};

/// What a loop iterates over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoopIter {
    /// `for i in range(...)`.
    Range,
    /// `for i in prange(...)` (Numba).
    Prange,
    /// `for i in tf.range(...)`: a graph loop in TensorFlow.
    TensorRange,
    /// `for v in <array>`: iterates over array rows or elements.
    Array,
    /// Anything else iterable.
    Other,
    /// A `while` loop.
    While,
}

/// One subscript access inside a loop body: `a[i, j]` read or written.
#[derive(Debug, Clone)]
pub(crate) struct Access<'a> {
    /// The subscripted name.
    pub(crate) base: &'a str,
    /// Its kind.
    pub(crate) base_kind: Kind,
    /// The index expressions, one per dimension.
    pub(crate) indices: Vec<&'a ast::Expr>,
    /// Whether it is written (`a[i] = v`, `a[i] += v`).
    pub(crate) write: bool,
    /// Whether it is part of a statement that copies a whole row or slab, and nothing else:
    /// `out[i] = X[i:i + w].ravel()`, `targets[i] = X[i + w]` of a 2-D `X`.
    pub(crate) row_copy: bool,
    /// Where it is.
    pub(crate) range: TextRange,
}

/// How an index relates to a loop variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Index {
    /// `i + offset` for the loop variable `i`.
    Var(i64),
    /// A constant.
    Const,
    /// A slice such as `:` or `a:b`.
    Slice,
    /// Something else that does not involve the loop variable.
    Other,
    /// Something else that involves the loop variable (`i * 2`, `idx[i]`).
    Mixed,
}

/// Why the iterations of a loop are not independent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hazard<'a> {
    /// An array is read at another iteration's index than it is written (`a[i] = a[i-1] + x`).
    CarriedArray(&'a str, TextRange),
    /// A write whose index does not follow the loop variable (`y[i % 4] += x[i]`, `y[0] = v`).
    UnindexedWrite(&'a str, TextRange),
    /// A scalar read in an iteration before that iteration assigns it (not a plain reduction).
    CarriedScalar(&'a str),
    /// A container mutated (`out.append(v)`).
    ContainerMutation(TextRange),
    /// An array passed to a function that writes into its arguments, or that jitlens cannot
    /// see (`tau_rand_int(rng_state)` advancing a shared RNG state).
    CallMayWrite(&'a str, TextRange),
}

/// The bounds of `range(stop)`, `range(start, stop)` or `range(start, stop, step)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RangeBounds<'a> {
    /// The first value; `None` for 0.
    pub(crate) start: Option<&'a ast::Expr>,
    /// The end (excluded).
    pub(crate) stop: &'a ast::Expr,
    /// The step; `None` for 1.
    pub(crate) step: Option<&'a ast::Expr>,
}

impl RangeBounds<'_> {
    /// Whether the step is 1 (absent or the literal `1`).
    pub(crate) fn unit_step(&self) -> bool {
        match self.step {
            None => true,
            Some(ast::Expr::Constant(c)) => c.value.clone().int().is_some_and(|i| i == 1.into()),
            Some(_) => false,
        }
    }
}

/// The bounds of a `range`-like call's arguments.
fn bounds(iter: &ast::Expr) -> Option<RangeBounds<'_>> {
    let ast::Expr::Call(call) = iter else {
        return None;
    };
    match &call.args[..] {
        [stop] => Some(RangeBounds {
            start: None,
            stop,
            step: None,
        }),
        [start, stop] => Some(RangeBounds {
            start: Some(start),
            stop,
            step: None,
        }),
        [start, stop, step] => Some(RangeBounds {
            start: Some(start),
            stop,
            step: Some(step),
        }),
        _ => None,
    }
}

/// One loop.
#[derive(Debug, Clone)]
pub(crate) struct LoopModel<'a> {
    /// The `for` or `while` statement.
    pub(crate) stmt: &'a ast::Stmt,
    /// `for i in range(n)` up to the colon; the `while` test for while loops.
    pub(crate) header: TextRange,
    /// The loop variable, when it is a plain name.
    pub(crate) var: Option<&'a str>,
    /// What it iterates over.
    pub(crate) iter: LoopIter,
    /// `start`, `stop` and `step` of a `range`/`prange`/`tf.range` loop.
    pub(crate) bounds: Option<RangeBounds<'a>>,
    /// 1 for an outermost loop.
    pub(crate) depth: usize,
    /// The index of the enclosing loop in [`FunctionModel::loops`].
    pub(crate) parent: Option<usize>,
    /// Subscript reads and writes in the body, nested loops included.
    pub(crate) accesses: Vec<Access<'a>>,
    /// `break`, `return`, `raise` and `assert` in the body (nested loops' `break` excluded).
    pub(crate) exits: Vec<TextRange>,
    /// Supported reductions: `s += x[i]` on a name read nowhere else in the body.
    pub(crate) reductions: Vec<&'a str>,
    /// The first reason the iterations are not independent.
    pub(crate) hazard: Option<Hazard<'a>>,
    /// Whether every iteration of its nest runs NumPy on whole arrays
    /// ([`loop_work::runs_whole_array_work`](crate::model::loop_work::runs_whole_array_work)),
    /// set once the function's model is built.
    pub(crate) whole_array_work: bool,
}

impl LoopModel<'_> {
    /// Whether the loop walks an array or its body reads or writes array elements. A body that
    /// only takes slices (`X[:, j] -= ...`) or copies whole rows (`out[i] = X[i:i + w]`) does
    /// whole-array work per iteration: few iterations, each already in a library kernel.
    pub(crate) fn touches_arrays(&self) -> bool {
        self.iter == LoopIter::Array
            || self.accesses.iter().any(|a| {
                a.base_kind.is_array()
                    && !a.row_copy
                    && !a.indices.iter().any(|i| takes_whole_axes(i))
            })
    }

    /// Whether `range`/`prange` loop iterations can run in parallel: no hazard and no early exit.
    pub(crate) fn is_independent(&self) -> bool {
        self.hazard.is_none() && self.exits.is_empty() && self.var.is_some()
    }
}

/// Whether an index keeps or adds whole axes rather than picking an element: a slice, `...`,
/// `None` or `np.newaxis`.
fn takes_whole_axes(index: &ast::Expr) -> bool {
    walk::is_new_axis(index)
        || matches!(index, ast::Expr::Slice(_))
        || matches!(index, ast::Expr::Constant(c) if matches!(c.value, ast::Constant::Ellipsis))
}

/// How `expr` indexes relative to the loop variable `var`.
pub(crate) fn index_pattern(expr: &ast::Expr, var: &str) -> Index {
    match expr {
        ast::Expr::Name(name) if name.id.as_str() == var => Index::Var(0),
        ast::Expr::Constant(_) => Index::Const,
        ast::Expr::UnaryOp(u) if matches!(&*u.operand, ast::Expr::Constant(_)) => Index::Const,
        ast::Expr::Slice(_) => Index::Slice,
        ast::Expr::BinOp(bin_op) => {
            let offset = match (&*bin_op.left, &*bin_op.right) {
                (ast::Expr::Name(name), ast::Expr::Constant(c)) if name.id.as_str() == var => {
                    c.value.clone().int().and_then(|i| i64::try_from(i).ok())
                }
                (ast::Expr::Constant(c), ast::Expr::Name(name))
                    if name.id.as_str() == var && matches!(bin_op.op, ast::Operator::Add) =>
                {
                    c.value.clone().int().and_then(|i| i64::try_from(i).ok())
                }
                _ => None,
            };
            match (offset, bin_op.op) {
                (Some(k), ast::Operator::Add) => Index::Var(k),
                (Some(k), ast::Operator::Sub) => Index::Var(-k),
                _ if walk::mentions(expr, var) => Index::Mixed,
                _ => Index::Other,
            }
        }
        _ if walk::mentions(expr, var) => Index::Mixed,
        _ => Index::Other,
    }
}

/// Collects the loops of a function, outer loops first.
pub(crate) fn collect<'a>(
    model: &FunctionModel<'a>,
    module: &ModuleModel<'a>,
) -> Vec<LoopModel<'a>> {
    let mut loops = Vec::new();
    let ranks = ranks::ranks(model.syntax.body);
    collect_in(
        &mut loops,
        model.syntax.body,
        None,
        0,
        model,
        module,
        &ranks,
    );
    loops
}

fn collect_in<'a>(
    acc: &mut Vec<LoopModel<'a>>,
    body: &'a [ast::Stmt],
    parent: Option<usize>,
    depth: usize,
    model: &FunctionModel<'a>,
    module: &ModuleModel<'a>,
    ranks: &HashMap<&str, usize>,
) {
    for stmt in body {
        let (header, var, iter, range_bounds, loop_body): (
            TextRange,
            Option<&str>,
            LoopIter,
            Option<RangeBounds<'_>>,
            &[ast::Stmt],
        ) = match stmt {
            ast::Stmt::For(for_stmt) => {
                let var = match &*for_stmt.target {
                    ast::Expr::Name(name) => Some(name.id.as_str()),
                    _ => None,
                };
                let iter = classify_iter(&for_stmt.iter, model, module);
                let range_bounds = match iter {
                    LoopIter::Range | LoopIter::Prange | LoopIter::TensorRange => {
                        bounds(&for_stmt.iter)
                    }
                    _ => None,
                };
                (
                    TextRange::new(for_stmt.range.start(), for_stmt.iter.end()),
                    var,
                    iter,
                    range_bounds,
                    &for_stmt.body,
                )
            }
            ast::Stmt::While(while_stmt) => (
                TextRange::new(while_stmt.range.start(), while_stmt.test.end()),
                None,
                LoopIter::While,
                None,
                &while_stmt.body,
            ),
            other => {
                for block in walk::child_blocks(other) {
                    collect_in(acc, block, parent, depth, model, module, ranks);
                }
                continue;
            }
        };
        let accesses = accesses(loop_body, model, ranks);
        let exits = exits(loop_body);
        let (reductions, carried) = scalars(loop_body, var);
        let mut this = LoopModel {
            stmt,
            header,
            var,
            iter,
            bounds: range_bounds,
            depth: depth + 1,
            parent,
            accesses,
            exits,
            reductions,
            hazard: None,
            whole_array_work: false,
        };
        this.hazard =
            hazard(&this, carried, loop_body).or_else(|| call_hazard(loop_body, model, module));
        let index = acc.len();
        acc.push(this);
        collect_in(acc, loop_body, Some(index), depth + 1, model, module, ranks);
    }
}

fn classify_iter<'a>(
    iter: &'a ast::Expr,
    model: &FunctionModel<'a>,
    module: &ModuleModel<'a>,
) -> LoopIter {
    if let ast::Expr::Call(call) = iter {
        match module.imports.qualified_name(&call.func).as_deref() {
            Some("builtins.range") => return LoopIter::Range,
            // `pndindex` is `prange` over every index of a shape.
            Some("numba.prange" | "numba.pndindex") => return LoopIter::Prange,
            Some("tensorflow.range") => return LoopIter::TensorRange,
            // `enumerate(x)`, `zip(x, y)`: over arrays when every collection is one.
            Some("builtins.enumerate" | "builtins.zip") => {
                let over_arrays = !call.args.is_empty()
                    && call
                        .args
                        .iter()
                        .all(|arg| classify_iter(arg, model, module) == LoopIter::Array);
                return if over_arrays {
                    LoopIter::Array
                } else {
                    LoopIter::Other
                };
            }
            _ => (),
        }
    }
    // Ex) `for field in descr:` over an unannotated parameter: its kind is only assumed from
    // the library the function uses, too weak to call the loop array work.
    if let ast::Expr::Name(name) = iter {
        if model
            .param(name.id.as_str())
            .is_some_and(|p| p.annotation.is_none() && p.default.is_none())
        {
            return LoopIter::Other;
        }
    }
    if model.kind_of(iter, module).is_array() {
        LoopIter::Array
    } else {
        LoopIter::Other
    }
}

fn accesses<'a>(
    body: &'a [ast::Stmt],
    model: &FunctionModel<'a>,
    ranks: &HashMap<&str, usize>,
) -> Vec<Access<'a>> {
    let mut found = Vec::new();
    walk::for_each_stmt(body, &mut |stmt| {
        let augmented = matches!(stmt, ast::Stmt::AugAssign(_));
        let row_copy = copies_rows(stmt, ranks);
        for expr in walk::own_exprs(stmt) {
            walk::walk_expr(expr, &mut |sub| {
                let ast::Expr::Subscript(subscript) = sub else {
                    return;
                };
                let ast::Expr::Name(base) = &*subscript.value else {
                    return;
                };
                let indices: Vec<&ast::Expr> = walk::indices(&subscript.slice).iter().collect();
                let write = matches!(subscript.ctx, ast::ExprContext::Store);
                let access = Access {
                    base: base.id.as_str(),
                    base_kind: model.kind_of_name(base.id.as_str()),
                    indices,
                    write,
                    row_copy,
                    range: subscript.range,
                };
                // Ex) `a[i] += v` reads `a[i]` as well.
                if write && augmented {
                    found.push(Access {
                        write: false,
                        ..access.clone()
                    });
                }
                found.push(access);
            });
        }
    });
    found
}

/// Whether `stmt` only copies a row or slab: `out[i] = X[a:b]` (optionally `.ravel()`,
/// `.copy()`, `.flatten()`, `.reshape(...)`), where one side takes fewer indices than its
/// array's visible rank or a slice. Per iteration that is one memory-bound copy, which
/// compiling the loop does not speed up.
fn copies_rows(stmt: &ast::Stmt, ranks: &HashMap<&str, usize>) -> bool {
    let ast::Stmt::Assign(assign) = stmt else {
        return false;
    };
    let [ast::Expr::Subscript(target)] = assign.targets.as_slice() else {
        return false;
    };
    let mut value = &*assign.value;
    while let ast::Expr::Call(call) = value {
        match &*call.func {
            ast::Expr::Attribute(attribute)
                if matches!(
                    attribute.attr.as_str(),
                    "ravel" | "copy" | "flatten" | "reshape"
                ) =>
            {
                value = &attribute.value;
            }
            _ => return false,
        }
    }
    let ast::Expr::Subscript(source) = value else {
        return false;
    };
    let takes_rows = |subscript: &ast::ExprSubscript| {
        let ast::Expr::Name(base) = &*subscript.value else {
            return false;
        };
        let indices = walk::indices(&subscript.slice);
        let sliced = indices.iter().any(|e| matches!(e, ast::Expr::Slice(_)));
        sliced
            || ranks
                .get(base.id.as_str())
                .is_some_and(|rank| indices.len() < *rank)
    };
    takes_rows(target) || takes_rows(source)
}

fn exits(body: &[ast::Stmt]) -> Vec<TextRange> {
    let mut found = Vec::new();
    exits_in(&mut found, body, false);
    found
}

fn exits_in(acc: &mut Vec<TextRange>, body: &[ast::Stmt], nested_loop: bool) {
    for stmt in body {
        match stmt {
            ast::Stmt::Break(s) if !nested_loop => acc.push(s.range),
            ast::Stmt::Return(s) => acc.push(s.range),
            ast::Stmt::Raise(s) => acc.push(s.range),
            ast::Stmt::Assert(s) => acc.push(s.range),
            ast::Stmt::For(_) | ast::Stmt::While(_) | ast::Stmt::AsyncFor(_) => {
                for block in walk::child_blocks(stmt) {
                    exits_in(acc, block, true);
                }
            }
            other => {
                for block in walk::child_blocks(other) {
                    exits_in(acc, block, nested_loop);
                }
            }
        }
    }
}

/// Splits the names read before they are assigned in an iteration into supported reductions
/// (`s += expr` with `s` read nowhere else) and carried values.
fn scalars<'a>(body: &'a [ast::Stmt], var: Option<&'a str>) -> (Vec<&'a str>, Vec<&'a str>) {
    let assigned = liveness::names_bound(body);
    let inputs = liveness::region_inputs(body, var.as_slice());
    let mut reduction_candidates: HashSet<&str> = HashSet::new();
    let mut other_reads: HashSet<&str> = HashSet::new();
    walk::for_each_stmt(body, &mut |stmt| {
        if let ast::Stmt::AugAssign(aug) = stmt {
            if let ast::Expr::Name(name) = &*aug.target {
                let supported = matches!(
                    aug.op,
                    ast::Operator::Add
                        | ast::Operator::Sub
                        | ast::Operator::Mult
                        | ast::Operator::Div
                );
                if supported {
                    reduction_candidates.insert(name.id.as_str());
                } else {
                    other_reads.insert(name.id.as_str());
                }
                walk::walk_expr(&aug.value, &mut |sub| {
                    if let ast::Expr::Name(n) = sub {
                        other_reads.insert(n.id.as_str());
                    }
                });
                return;
            }
        }
        for name in liveness::loaded_by(stmt) {
            other_reads.insert(name);
        }
        // A plain assignment to a reduction variable makes it an ordinary carried value.
        for name in liveness::bound_by(stmt) {
            if !matches!(stmt, ast::Stmt::AugAssign(_)) {
                other_reads.insert(name);
            }
        }
    });
    let mut reductions = Vec::new();
    let mut carried = Vec::new();
    for name in inputs {
        if !assigned.contains(name) {
            continue;
        }
        if reduction_candidates.contains(name) && !other_reads.contains(name) {
            reductions.push(name);
        } else {
            carried.push(name);
        }
    }
    (reductions, carried)
}

fn hazard<'a>(
    this: &LoopModel<'a>,
    carried: Vec<&'a str>,
    body: &'a [ast::Stmt],
) -> Option<Hazard<'a>> {
    if let Some(name) = carried.first() {
        return Some(Hazard::CarriedScalar(name));
    }
    let var = this.var?;
    let locally_bound = liveness::names_bound(body);
    for write in this.accesses.iter().filter(|a| a.write) {
        // Ex) `tmp = np.empty(3); tmp[0] = ...`: an array made in the iteration is private to it.
        if locally_bound.contains(write.base) {
            continue;
        }
        let patterns: Vec<Index> = write
            .indices
            .iter()
            .map(|i| index_pattern(i, var))
            .collect();
        let Some(position) = patterns.iter().position(|p| *p == Index::Var(0)) else {
            return Some(Hazard::UnindexedWrite(write.base, write.range));
        };
        for read in this
            .accesses
            .iter()
            .filter(|a| !a.write && a.base == write.base)
        {
            let same = read
                .indices
                .get(position)
                .is_some_and(|i| index_pattern(i, var) == Index::Var(0));
            if !same && !reads_own_write(read, &this.accesses, var) {
                return Some(Hazard::CarriedArray(write.base, read.range));
            }
        }
    }
    let mut mutation = None;
    walk::for_each_expr_in(body, &mut |expr| {
        if let ast::Expr::Call(call) = expr {
            if let ast::Expr::Attribute(attribute) = &*call.func {
                if MUTATING_METHODS.contains(&attribute.attr.as_str())
                    && matches!(&*attribute.value, ast::Expr::Name(n) if !locally_bound.contains(n.id.as_str()))
                    && mutation.is_none()
                {
                    mutation = Some(Hazard::ContainerMutation(call.range));
                }
            }
        }
    });
    mutation
}

/// Whether `read` reads back what the iteration wrote before it: the same array at the same
/// indices as an earlier write whose indices hold the loop variable (`d[i, j] = f(x[i], x[j])`
/// then `d[j, i] = d[i, j]`), not another iteration's element.
fn reads_own_write(read: &Access<'_>, accesses: &[Access<'_>], var: &str) -> bool {
    accesses.iter().any(|write| {
        write.write
            && write.base == read.base
            && write.range.start() < read.range.start()
            && write.indices.len() == read.indices.len()
            && write
                .indices
                .iter()
                .any(|index| index_pattern(index, var) == Index::Var(0))
            && write
                .indices
                .iter()
                .zip(&read.indices)
                .all(|(w, r)| same_index(w, r))
    })
}

/// Whether two index expressions are the same: names, literals and arithmetic on them.
fn same_index(left: &ast::Expr, right: &ast::Expr) -> bool {
    match (left, right) {
        (ast::Expr::Name(l), ast::Expr::Name(r)) => l.id == r.id,
        (ast::Expr::Constant(l), ast::Expr::Constant(r)) => l.value == r.value,
        (ast::Expr::BinOp(l), ast::Expr::BinOp(r)) => {
            l.op == r.op && same_index(&l.left, &r.left) && same_index(&l.right, &r.right)
        }
        (ast::Expr::UnaryOp(l), ast::Expr::UnaryOp(r)) => {
            l.op == r.op && same_index(&l.operand, &r.operand)
        }
        _ => false,
    }
}

/// The first call in the loop body that passes an array to a function that may write into it:
/// a function of the module that stores into or mutates its parameters, or one whose body
/// jitlens cannot see. Library functions and array methods are taken as pure.
fn call_hazard<'a>(
    body: &'a [ast::Stmt],
    model: &FunctionModel<'a>,
    module: &ModuleModel<'a>,
) -> Option<Hazard<'a>> {
    let mut found = None;
    walk::for_each_expr_in(body, &mut |expr| {
        let ast::Expr::Call(call) = expr else { return };
        let ast::Expr::Name(callee) = &*call.func else {
            return;
        };
        if found.is_some() || module.imports.qualified_name(&call.func).is_some() {
            return;
        }
        let writes = match module.function_named(&model.syntax.name, callee.id.as_str()) {
            Some(helper) => writes_parameters(helper.body),
            None => true,
        };
        if !writes {
            return;
        }
        for arg in &call.args {
            if let ast::Expr::Name(name) = arg {
                // An array, or a value of unknown kind (a state array passed along): not a
                // number, which the callee could not change.
                if !matches!(
                    model.kind_of_name(name.id.as_str()),
                    Kind::Scalar | Kind::Str
                ) {
                    found = Some(Hazard::CallMayWrite(name.id.as_str(), call.range));
                    return;
                }
            }
        }
    });
    found
}

/// Whether a body stores through a subscript or calls a mutating method on a name it does not
/// bind itself (a parameter or a global).
fn writes_parameters(body: &[ast::Stmt]) -> bool {
    let bound = liveness::names_bound(body);
    let outer =
        |expr: &ast::Expr| matches!(expr, ast::Expr::Name(n) if !bound.contains(n.id.as_str()));
    let mut writes = false;
    walk::for_each_stmt(body, &mut |stmt| {
        let targets: Vec<&ast::Expr> = match stmt {
            ast::Stmt::Assign(assign) => assign.targets.iter().collect(),
            ast::Stmt::AugAssign(assign) => vec![&*assign.target],
            _ => Vec::new(),
        };
        for target in targets {
            if let ast::Expr::Subscript(subscript) = target {
                writes |= outer(&subscript.value);
            }
        }
    });
    walk::for_each_expr_in(body, &mut |expr| {
        if let ast::Expr::Call(call) = expr {
            if let ast::Expr::Attribute(attribute) = &*call.func {
                writes |=
                    MUTATING_METHODS.contains(&attribute.attr.as_str()) && outer(&attribute.value);
            }
        }
    });
    writes
}

#[cfg(test)]
mod tests {
    use rustpython_parser::{ast, Parse};

    use super::*;
    use crate::model::{functions, FunctionModel, ModuleModel};

    fn loops_of(source: &str, check: impl FnOnce(&[LoopModel<'_>])) {
        let suite = ast::Suite::parse(source, "<test>").unwrap();
        let module = ModuleModel::build(&suite);
        let model = FunctionModel::build(functions(&suite)[0].clone(), &module);
        check(&model.loops);
    }

    #[test]
    fn nesting_and_independent_elementwise_loop() {
        let source = "import numpy as np\ndef f(a, b):\n    out = np.empty_like(a)\n    for i in range(a.shape[0]):\n        for j in range(a.shape[1]):\n            out[i, j] = a[i, j] * b[i, j]\n    return out\n";
        loops_of(source, |loops| {
            assert_eq!(loops.len(), 2);
            assert_eq!(
                (loops[0].depth, loops[1].depth, loops[1].parent),
                (1, 2, Some(0))
            );
            assert_eq!(loops[0].iter, LoopIter::Range);
            let bounds = loops[0].bounds.unwrap();
            assert!(bounds.start.is_none() && bounds.unit_step());
            assert!(loops[0].is_independent());
            assert!(loops[0].touches_arrays());
        });
    }

    #[test]
    fn prefix_sum_carries_a_dependency() {
        let source = "import numpy as np\ndef f(x):\n    a = np.zeros_like(x)\n    for i in range(1, x.shape[0]):\n        a[i] = a[i - 1] + x[i]\n    return a\n";
        loops_of(source, |loops| {
            assert!(matches!(
                loops[0].hazard,
                Some(Hazard::CarriedArray("a", _))
            ));
        });
    }

    #[test]
    fn reading_back_the_iterations_own_write_is_no_dependency() {
        // A symmetric distance matrix filled above the diagonal and mirrored.
        let mirrored = "import numpy as np\ndef f(x):\n    n = x.shape[0]\n    d = np.zeros((n, n))\n    for i in range(n):\n        for j in range(i + 1, n):\n            d[i, j] = abs(x[i] - x[j])\n            d[j, i] = d[i, j]\n    return d\n";
        loops_of(mirrored, |loops| assert_eq!(loops[0].hazard, None));
        // Reading the mirrored element before it is written reads another iteration's.
        let before = "import numpy as np\ndef f(x, d):\n    n = x.shape[0]\n    for i in range(n):\n        for j in range(n):\n            d[j, i] = d[i, j] + x[i]\n    return d\n";
        loops_of(before, |loops| {
            assert!(matches!(
                loops[0].hazard,
                Some(Hazard::CarriedArray("d", _))
            ))
        });
    }

    #[test]
    fn reductions_scalars_and_unindexed_writes() {
        let source = "def f(x, y):\n    s = 0.0\n    for i in range(len(x)):\n        s += x[i]\n    t = 0.0\n    for i in range(len(x)):\n        t = t * 0.5 + x[i]\n    for i in range(len(x)):\n        y[i % 4] += x[i]\n    for i in range(len(x)):\n        if x[i] < 0:\n            break\n";
        loops_of(source, |loops| {
            assert_eq!(loops[0].reductions, ["s"]);
            assert!(loops[0].is_independent());
            assert_eq!(loops[1].hazard, Some(Hazard::CarriedScalar("t")));
            assert!(matches!(
                loops[2].hazard,
                Some(Hazard::UnindexedWrite("y", _))
            ));
            assert!(!loops[3].is_independent());
        });
    }
}
