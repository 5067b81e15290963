//! NB008: a list whose elements have different types.

use std::collections::HashMap;

use rustpython_parser::ast;

use crate::model::{walk, FunctionModel, Kind};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags lists in Numba code that mix element kinds: a literal such as `[1, "a"]`, or an
    /// `append` of a value of another kind than the list's first elements, where the code
    /// spells the kinds (literals).
    ///
    /// ## Why is this bad?
    /// Numba lists are homogeneous. Appending a string to a list of numbers raises
    /// `numba.core.errors.TypingError` ("Invalid use of BoundFunction(list.append ...)") at the first
    /// call. (Numbers of different types, such as `[1, 2.5]`, are unified to float64 since 0.68.)
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def collect(x):
    ///     out = [0.0]
    ///     out.append("done")
    ///     return out
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def collect(x):
    ///     out = [0.0]
    ///     out.append(x.sum())
    ///     return out
    /// ```
}

/// NB008
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let mut element_kinds: HashMap<&str, Kind> = HashMap::new();
    let mut found = Vec::new();
    walk::for_each_stmt(function.syntax.body, &mut |stmt| {
        if let ast::Stmt::Assign(assign) = stmt {
            if let ([ast::Expr::Name(name)], ast::Expr::List(list)) =
                (&assign.targets[..], &*assign.value)
            {
                let kinds: Vec<Kind> = list
                    .elts
                    .iter()
                    .map(literal_kind)
                    .filter(|k| *k != Kind::Unknown)
                    .collect();
                if let Some(first) = kinds.first() {
                    if kinds.iter().any(|k| k != first) {
                        found.push(list.range);
                    }
                    element_kinds.insert(name.id.as_str(), *first);
                }
            }
        }
    });
    for call in &function.calls {
        if call.method != Some("append") {
            continue;
        }
        let Some(ast::Expr::Name(base)) = call.receiver else {
            continue;
        };
        let (Some(previous), Some(value)) =
            (element_kinds.get(base.id.as_str()), call.expr.args.first())
        else {
            continue;
        };
        let kind = literal_kind(value);
        if kind != Kind::Unknown && kind != *previous {
            found.push(call.expr.range);
        }
    }
    for range in found {
        checker.report(
            range,
            "list elements of different types cannot be compiled by Numba: lists are homogeneous",
        );
    }
}

/// The kind of a list element where the code spells it: a literal number or string, an
/// f-string, a list, tuple, dict or set display. A computed element is unknown: on real code the
/// kinds guessed for them (`minbin + nbins` of int arguments, `counts[parents[b]]` of an int
/// array, `[min_n]` of an `f8` argument) were numbers, which Numba unifies (0 of 4 such
/// findings right).
fn literal_kind(expr: &ast::Expr) -> Kind {
    match expr {
        ast::Expr::Constant(constant) => match constant.value {
            ast::Constant::Str(_) => Kind::Str,
            ast::Constant::Int(_)
            | ast::Constant::Float(_)
            | ast::Constant::Complex { .. }
            | ast::Constant::Bool(_) => Kind::Scalar,
            _ => Kind::Unknown,
        },
        ast::Expr::UnaryOp(unary) => match literal_kind(&unary.operand) {
            Kind::Scalar => Kind::Scalar,
            _ => Kind::Unknown,
        },
        ast::Expr::JoinedStr(_) => Kind::Str,
        ast::Expr::List(_) | ast::Expr::ListComp(_) => Kind::List,
        ast::Expr::Tuple(_) => Kind::Tuple,
        ast::Expr::Dict(_) => Kind::Dict,
        ast::Expr::Set(_) => Kind::Set,
        _ => Kind::Unknown,
    }
}
