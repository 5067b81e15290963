//! What a function's calls into its own class say about compiling it: a method that runs a
//! Python loop of array calls is unrolled into the caller's graph when the caller is compiled.

use std::collections::HashSet;

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextRange;

use crate::model::{walk, Framework, FunctionModel, Library, ModuleModel};

/// The first method of the function's own class that it calls on every path
/// (`f = self.forward(emissions=emissions)` at the top of its body) whose body loops in Python
/// over an array's length, calling the framework's library in the loop (an HMM's forward pass
/// over the time steps). Compiling the caller traces that loop too: unrolled once per step,
/// and again for each new length.
pub(crate) fn looping_method<'f>(
    function: &'f FunctionModel<'_>,
    module: &ModuleModel<'_>,
    framework: Framework,
) -> Option<&'f str> {
    if !function.syntax.is_method {
        return None;
    }
    let (class, _) = function.syntax.name.rsplit_once('.')?;
    let library = framework.library();
    let unconditional: Vec<TextRange> = function
        .syntax
        .body
        .iter()
        .filter(|stmt| {
            matches!(
                stmt,
                ast::Stmt::Assign(_)
                    | ast::Stmt::AnnAssign(_)
                    | ast::Stmt::Expr(_)
                    | ast::Stmt::Return(_)
            )
        })
        .map(Ranged::range)
        .collect();
    function.calls.iter().find_map(|call| {
        if !unconditional
            .iter()
            .any(|range| range.contains_range(call.expr.range))
        {
            return None;
        }
        let ast::Expr::Attribute(attribute) = &*call.expr.func else {
            return None;
        };
        let from_self =
            matches!(&*attribute.value, ast::Expr::Name(name) if name.id.as_str() == "self");
        if !from_self {
            return None;
        }
        let method = attribute.attr.as_str();
        let qualified = format!("{class}.{method}");
        let callee = module
            .functions
            .iter()
            .find(|f| f.is_method && f.name == qualified)?;
        let itself = std::ptr::eq(callee.body, function.syntax.body);
        (!itself && loops_over_library_calls(callee.body, module, library)).then_some(method)
    })
}

/// Whether `body` holds a `for ... in range(n)` loop, `n` an array's length (`x.shape[1]`,
/// `len(x)`, or a name bound to one), whose body calls `library`. A loop over a count the
/// caller configures (`range(self.k)` erosion steps) runs as often for every input.
fn loops_over_library_calls(
    body: &[ast::Stmt],
    module: &ModuleModel<'_>,
    library: Library,
) -> bool {
    let lengths = lengths(body);
    let mut found = false;
    walk::for_each_stmt(body, &mut |stmt| {
        let ast::Stmt::For(for_stmt) = stmt else {
            return;
        };
        let ast::Expr::Call(range) = &*for_stmt.iter else {
            return;
        };
        let over_a_length = matches!(&*range.func, ast::Expr::Name(name) if name.id.as_str() == "range")
            && range.args.iter().any(|arg| is_a_length(arg, &lengths));
        if !over_a_length || found {
            return;
        }
        walk::for_each_expr_in(&for_stmt.body, &mut |expr| {
            if let ast::Expr::Call(call) = expr {
                found |= module
                    .imports
                    .qualified_name(&call.func)
                    .is_some_and(|q| Library::of(&q) == Some(library));
            }
        });
    });
    found
}

/// The names that `body` binds to array lengths: `l = x.shape[1]`, `n, l, _ = x.shape`.
fn lengths(body: &[ast::Stmt]) -> HashSet<&str> {
    let mut names = HashSet::new();
    walk::for_each_stmt(body, &mut |stmt| {
        let ast::Stmt::Assign(assign) = stmt else {
            return;
        };
        let [target] = assign.targets.as_slice() else {
            return;
        };
        match (target, &*assign.value) {
            (ast::Expr::Name(name), value) if is_a_length(value, &HashSet::new()) => {
                names.insert(name.id.as_str());
            }
            (ast::Expr::Tuple(tuple), ast::Expr::Attribute(attribute))
                if attribute.attr.as_str() == "shape" =>
            {
                names.extend(tuple.elts.iter().filter_map(|elt| match elt {
                    ast::Expr::Name(name) => Some(name.id.as_str()),
                    _ => None,
                }));
            }
            _ => (),
        }
    });
    names
}

/// Whether `expr` reads an array's length: `x.shape[1]`, `x.size(0)`, `len(x)`, or a name in
/// `lengths`.
fn is_a_length(expr: &ast::Expr, lengths: &HashSet<&str>) -> bool {
    match expr {
        ast::Expr::Name(name) => lengths.contains(name.id.as_str()),
        ast::Expr::Subscript(subscript) => {
            matches!(&*subscript.value, ast::Expr::Attribute(a) if a.attr.as_str() == "shape")
        }
        ast::Expr::Call(call) => match &*call.func {
            ast::Expr::Name(name) => name.id.as_str() == "len",
            ast::Expr::Attribute(attribute) => attribute.attr.as_str() == "size",
            _ => false,
        },
        ast::Expr::BinOp(bin_op) => {
            is_a_length(&bin_op.left, lengths) || is_a_length(&bin_op.right, lengths)
        }
        _ => false,
    }
}
