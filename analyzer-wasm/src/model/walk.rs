//! Generic traversal of expressions and statements: the children of a node, in source order.
//!
//! Function and class bodies nested inside a function are not entered by [`for_each_stmt`]: they
//! are separate scopes with their own model.

use rustpython_parser::ast;

/// Calls `f` on each direct sub-expression of `expr`, in source order.
pub(crate) fn for_each_child<'a>(expr: &'a ast::Expr, mut f: impl FnMut(&'a ast::Expr)) {
    match expr {
        ast::Expr::BoolOp(e) => e.values.iter().for_each(f),
        ast::Expr::NamedExpr(e) => {
            f(&e.value);
            f(&e.target);
        }
        ast::Expr::BinOp(e) => {
            f(&e.left);
            f(&e.right);
        }
        ast::Expr::UnaryOp(e) => f(&e.operand),
        // Ex) `lambda x: x + 1`: a separate scope, only its defaults are evaluated here.
        ast::Expr::Lambda(_) => (),
        ast::Expr::IfExp(e) => {
            f(&e.test);
            f(&e.body);
            f(&e.orelse);
        }
        ast::Expr::Dict(e) => {
            for (key, value) in e.keys.iter().zip(&e.values) {
                if let Some(key) = key {
                    f(key);
                }
                f(value);
            }
        }
        ast::Expr::Set(e) => e.elts.iter().for_each(f),
        ast::Expr::ListComp(e) => {
            generators(&e.generators, &mut f);
            f(&e.elt);
        }
        ast::Expr::SetComp(e) => {
            generators(&e.generators, &mut f);
            f(&e.elt);
        }
        ast::Expr::DictComp(e) => {
            generators(&e.generators, &mut f);
            f(&e.key);
            f(&e.value);
        }
        ast::Expr::GeneratorExp(e) => {
            generators(&e.generators, &mut f);
            f(&e.elt);
        }
        ast::Expr::Await(e) => f(&e.value),
        ast::Expr::Yield(e) => {
            if let Some(value) = &e.value {
                f(value);
            }
        }
        ast::Expr::YieldFrom(e) => f(&e.value),
        ast::Expr::Compare(e) => {
            f(&e.left);
            e.comparators.iter().for_each(f);
        }
        ast::Expr::Call(e) => {
            f(&e.func);
            e.args.iter().for_each(&mut f);
            e.keywords.iter().for_each(|keyword| f(&keyword.value));
        }
        ast::Expr::FormattedValue(e) => {
            f(&e.value);
            if let Some(spec) = &e.format_spec {
                f(spec);
            }
        }
        ast::Expr::JoinedStr(e) => e.values.iter().for_each(f),
        ast::Expr::Constant(_) | ast::Expr::Name(_) => (),
        ast::Expr::Attribute(e) => f(&e.value),
        ast::Expr::Subscript(e) => {
            f(&e.value);
            f(&e.slice);
        }
        ast::Expr::Starred(e) => f(&e.value),
        ast::Expr::List(e) => e.elts.iter().for_each(f),
        ast::Expr::Tuple(e) => e.elts.iter().for_each(f),
        ast::Expr::Slice(e) => {
            for part in [&e.lower, &e.upper, &e.step].into_iter().flatten() {
                f(part);
            }
        }
    }
}

fn generators<'a>(generators: &'a [ast::Comprehension], f: &mut impl FnMut(&'a ast::Expr)) {
    for generator in generators {
        f(&generator.iter);
        f(&generator.target);
        generator.ifs.iter().for_each(&mut *f);
    }
}

/// Calls `f` on `expr` and every expression below it, parents before children.
pub(crate) fn walk_expr<'a>(expr: &'a ast::Expr, f: &mut impl FnMut(&'a ast::Expr)) {
    f(expr);
    for_each_child(expr, |child| walk_expr(child, f));
}

/// Like [`walk_expr`], but does not enter the parts of `expr` that test a value's identity or
/// type (`x is None`, `isinstance(x, tuple)`, `callable(f)`): what they answer is known without
/// reading the value, so the values they name do not make the test depend on data.
pub(crate) fn walk_value_reads<'a>(expr: &'a ast::Expr, f: &mut impl FnMut(&'a ast::Expr)) {
    match expr {
        ast::Expr::Compare(compare)
            if compare
                .ops
                .iter()
                .all(|op| matches!(op, ast::CmpOp::Is | ast::CmpOp::IsNot)) => {}
        ast::Expr::Call(call)
            if matches!(&*call.func, ast::Expr::Name(name)
                if matches!(name.id.as_str(), "isinstance" | "issubclass" | "callable" | "type")) =>
            {}
        _ => {
            f(expr);
            for_each_child(expr, |child| walk_value_reads(child, f));
        }
    }
}

/// Whether the name `name` is read or written anywhere in `expr`.
pub(crate) fn mentions(expr: &ast::Expr, name: &str) -> bool {
    let mut found = false;
    walk_expr(expr, &mut |sub| {
        if let ast::Expr::Name(n) = sub {
            found |= n.id.as_str() == name;
        }
    });
    found
}

/// Calls `f` on each statement of `body` and of the blocks nested in it (loops, branches, `with`,
/// `try`), parents before children, without entering nested functions or classes.
pub(crate) fn for_each_stmt<'a>(body: &'a [ast::Stmt], f: &mut impl FnMut(&'a ast::Stmt)) {
    for stmt in body {
        f(stmt);
        for block in child_blocks(stmt) {
            for_each_stmt(block, f);
        }
    }
}

/// The index expressions of a subscript's slice: the elements of `x[i, j]`, or the one of
/// `x[i]`.
pub(crate) fn indices(slice: &ast::Expr) -> &[ast::Expr] {
    match slice {
        ast::Expr::Tuple(tuple) => &tuple.elts,
        single => std::slice::from_ref(single),
    }
}

/// Whether an index adds an axis: `None` or `np.newaxis` (`x[:, None]`).
pub(crate) fn is_new_axis(index: &ast::Expr) -> bool {
    match index {
        ast::Expr::Constant(constant) => matches!(constant.value, ast::Constant::None),
        ast::Expr::Attribute(attribute) => attribute.attr.as_str() == "newaxis",
        _ => false,
    }
}

/// The statement blocks directly inside `stmt` (empty for simple statements and for nested
/// function or class definitions).
pub(crate) fn child_blocks(stmt: &ast::Stmt) -> Vec<&[ast::Stmt]> {
    match stmt {
        ast::Stmt::For(s) => vec![&s.body, &s.orelse],
        ast::Stmt::AsyncFor(s) => vec![&s.body, &s.orelse],
        ast::Stmt::While(s) => vec![&s.body, &s.orelse],
        ast::Stmt::If(s) => vec![&s.body, &s.orelse],
        ast::Stmt::With(s) => vec![&s.body],
        ast::Stmt::AsyncWith(s) => vec![&s.body],
        ast::Stmt::Try(s) => {
            let mut blocks: Vec<&[ast::Stmt]> = vec![&s.body, &s.orelse, &s.finalbody];
            blocks.extend(s.handlers.iter().map(|handler| match handler {
                ast::ExceptHandler::ExceptHandler(h) => h.body.as_slice(),
            }));
            blocks
        }
        ast::Stmt::TryStar(s) => {
            let mut blocks: Vec<&[ast::Stmt]> = vec![&s.body, &s.orelse, &s.finalbody];
            blocks.extend(s.handlers.iter().map(|handler| match handler {
                ast::ExceptHandler::ExceptHandler(h) => h.body.as_slice(),
            }));
            blocks
        }
        ast::Stmt::Match(s) => s.cases.iter().map(|case| case.body.as_slice()).collect(),
        _ => Vec::new(),
    }
}

/// The expressions evaluated by `stmt` itself (not those of nested blocks).
pub(crate) fn own_exprs(stmt: &ast::Stmt) -> Vec<&ast::Expr> {
    match stmt {
        ast::Stmt::Return(s) => s.value.as_deref().into_iter().collect(),
        ast::Stmt::Delete(s) => s.targets.iter().collect(),
        ast::Stmt::Assign(s) => std::iter::once(&*s.value).chain(&s.targets).collect(),
        ast::Stmt::AugAssign(s) => vec![&s.value, &s.target],
        ast::Stmt::AnnAssign(s) => s.value.as_deref().into_iter().chain([&*s.target]).collect(),
        ast::Stmt::For(s) => vec![&s.iter, &s.target],
        ast::Stmt::AsyncFor(s) => vec![&s.iter, &s.target],
        ast::Stmt::While(s) => vec![&s.test],
        ast::Stmt::If(s) => vec![&s.test],
        ast::Stmt::With(s) => s
            .items
            .iter()
            .flat_map(|item| {
                std::iter::once(&item.context_expr).chain(item.optional_vars.as_deref())
            })
            .collect(),
        ast::Stmt::AsyncWith(s) => s
            .items
            .iter()
            .flat_map(|item| {
                std::iter::once(&item.context_expr).chain(item.optional_vars.as_deref())
            })
            .collect(),
        ast::Stmt::Match(s) => vec![&s.subject],
        ast::Stmt::Raise(s) => s
            .exc
            .as_deref()
            .into_iter()
            .chain(s.cause.as_deref())
            .collect(),
        ast::Stmt::Assert(s) => std::iter::once(&*s.test).chain(s.msg.as_deref()).collect(),
        ast::Stmt::Expr(s) => vec![&s.value],
        ast::Stmt::Try(s) => handler_types(&s.handlers),
        ast::Stmt::TryStar(s) => handler_types(&s.handlers),
        _ => Vec::new(),
    }
}

fn handler_types(handlers: &[ast::ExceptHandler]) -> Vec<&ast::Expr> {
    handlers
        .iter()
        .filter_map(|handler| match handler {
            ast::ExceptHandler::ExceptHandler(h) => h.type_.as_deref(),
        })
        .collect()
}

/// Calls `f` on every expression evaluated in `body`, nested blocks included, nested scopes
/// excluded.
pub(crate) fn for_each_expr_in<'a>(body: &'a [ast::Stmt], f: &mut impl FnMut(&'a ast::Expr)) {
    for_each_stmt(body, &mut |stmt| {
        for expr in own_exprs(stmt) {
            walk_expr(expr, f);
        }
    });
}
