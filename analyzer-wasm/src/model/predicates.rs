//! The module's own predicates on types and shapes: functions every `return` of which gives a
//! value known without reading array data (`return jnp.ndim(x) > 0`, `return isinstance(x, int)
//! and x == 0` under an `isinstance` test). A branch on their result is static under every JIT.

use std::collections::HashSet;

use rustpython_parser::ast;

use crate::model::imports::last_segment;
use crate::model::ops::is_static_query;
use crate::model::walk;
use crate::model::{FunctionSyntax, Imports};

/// Builtins that answer from a value's type or length, known while tracing: a Python value
/// even of a tracer (`callable(x)`, `isinstance(x, float)`, `len(xs)`).
pub(crate) const STATIC_BUILTINS: &[&str] =
    &["isinstance", "issubclass", "callable", "hasattr", "len"];

/// The names of the module-level functions (no methods) that are static predicates.
pub(crate) fn static_predicates(
    functions: &[FunctionSyntax<'_>],
    imports: &Imports,
) -> HashSet<String> {
    functions
        .iter()
        .filter(|function| !function.is_method && !function.name.contains('.'))
        .filter(|function| returns_only_static(function.body, imports))
        .map(|function| function.name.clone())
        .collect()
}

/// Whether `body` returns at least once and every `return` gives a static value. The names an
/// enclosing `if isinstance(name, <Python type>)` tests are Python values in its body.
fn returns_only_static(body: &[ast::Stmt], imports: &Imports) -> bool {
    let mut returns = 0;
    let all_static = block_is_static(body, imports, &mut Vec::new(), &mut returns);
    all_static && returns > 0
}

fn block_is_static<'a>(
    body: &'a [ast::Stmt],
    imports: &Imports,
    python_values: &mut Vec<&'a str>,
    returns: &mut usize,
) -> bool {
    body.iter().all(|stmt| match stmt {
        ast::Stmt::Return(ret) => {
            *returns += 1;
            ret.value
                .as_deref()
                .is_some_and(|value| is_static(value, imports, python_values))
        }
        ast::Stmt::If(if_stmt) => {
            let narrowed = isinstance_of_python_type(&if_stmt.test);
            let before = python_values.len();
            python_values.extend(narrowed);
            let body_static = block_is_static(&if_stmt.body, imports, python_values, returns);
            python_values.truncate(before);
            body_static && block_is_static(&if_stmt.orelse, imports, python_values, returns)
        }
        // A predicate is a few tests and returns; anything else (a loop, an assignment) is
        // computation this does not follow.
        ast::Stmt::Expr(expr) => matches!(&*expr.value, ast::Expr::Constant(_)),
        ast::Stmt::Pass(_) => true,
        _ => false,
    })
}

/// `isinstance(name, int)`, `isinstance(name, (int, float))`: the name, when every type is a
/// Python scalar or container type.
fn isinstance_of_python_type(test: &ast::Expr) -> Option<&str> {
    let ast::Expr::Call(call) = test else {
        return None;
    };
    let (ast::Expr::Name(func), [ast::Expr::Name(name), types]) =
        (&*call.func, call.args.as_slice())
    else {
        return None;
    };
    if func.id.as_str() != "isinstance" {
        return None;
    }
    let python_type = |expr: &ast::Expr| {
        matches!(expr, ast::Expr::Name(t) if matches!(
            t.id.as_str(),
            "int" | "float" | "bool" | "complex" | "str" | "slice" | "tuple" | "list" | "dict"
        ))
    };
    let all_python = match types {
        ast::Expr::Tuple(tuple) => tuple.elts.iter().all(python_type),
        other => python_type(other),
    };
    all_python.then_some(name.id.as_str())
}

/// Whether `expr` is known without reading array data.
fn is_static(expr: &ast::Expr, imports: &Imports, python_values: &[&str]) -> bool {
    match expr {
        ast::Expr::Constant(_) => true,
        // Ex) `x.dtype == bool`: a Python type is a Python value.
        ast::Expr::Name(name) => {
            python_values.contains(&name.id.as_str())
                || matches!(
                    name.id.as_str(),
                    "bool" | "int" | "float" | "complex" | "str"
                )
        }
        ast::Expr::Attribute(attribute) => {
            matches!(attribute.attr.as_str(), "shape" | "ndim" | "dtype" | "size")
        }
        ast::Expr::Subscript(subscript) => is_static(&subscript.value, imports, python_values),
        ast::Expr::UnaryOp(unary) => is_static(&unary.operand, imports, python_values),
        ast::Expr::BoolOp(bool_op) => bool_op
            .values
            .iter()
            .all(|value| is_static(value, imports, python_values)),
        ast::Expr::Compare(compare) => {
            compare
                .ops
                .iter()
                .all(|op| matches!(op, ast::CmpOp::Is | ast::CmpOp::IsNot))
                || (is_static(&compare.left, imports, python_values)
                    && compare
                        .comparators
                        .iter()
                        .all(|c| is_static(c, imports, python_values)))
        }
        ast::Expr::Call(call) => {
            let name = match imports.qualified_name(&call.func) {
                Some(qualified) => last_segment(&qualified).to_owned(),
                None => match &*call.func {
                    ast::Expr::Name(name) => name.id.to_string(),
                    ast::Expr::Attribute(attribute) => attribute.attr.to_string(),
                    _ => return false,
                },
            };
            STATIC_BUILTINS.contains(&name.as_str()) || is_static_query(&name)
        }
        _ => {
            let mut all = true;
            walk::for_each_child(expr, |child| {
                all &= is_static(child, imports, python_values)
            });
            all && matches!(expr, ast::Expr::Tuple(_))
        }
    }
}

#[cfg(test)]
mod tests {
    use rustpython_parser::{ast, Parse};

    use crate::model::ModuleModel;

    fn predicates(source: &str) -> Vec<String> {
        let suite = ast::Suite::parse(source, "<test>").unwrap();
        let module = ModuleModel::build(&suite);
        let mut names: Vec<String> = module.static_predicates.iter().cloned().collect();
        names.sort();
        names
    }

    #[test]
    fn functions_that_return_type_and_shape_tests_are_static_predicates() {
        let source = "\
import jax.numpy as jnp


def _is_batched(arg):
    if isinstance(arg, slice) or arg is None:
        return False
    return jnp.ndim(arg) > 0


def is_identically_zero(x):
    '''Exactly the number zero.'''
    if isinstance(x, (int, float)):
        return x == 0
    else:
        return False


def positive(x):
    return jnp.all(x > 0)


def first(x):
    y = x[0]
    return y.ndim > 0
";
        assert_eq!(predicates(source), ["_is_batched", "is_identically_zero"]);
    }
}
