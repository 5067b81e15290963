//! NB007: a dict whose values have different types.

use std::collections::HashMap;

use rustpython_parser::ast;

use crate::model::{walk, FunctionModel, Kind};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags dicts in Numba code whose values have different kinds (a number and a string, a
    /// number and an array), in a literal or across `d[key] = value` stores.
    ///
    /// ## Why is this bad?
    /// Numba's typed dict holds one key type and one value type. Storing a second value type
    /// raises `numba.core.errors.TypingError` ("No implementation of function ... setitem") at the
    /// first call.
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def stats(x):
    ///     d = {}
    ///     d["mean"] = x.mean()
    ///     d["name"] = "x"
    ///     return d
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def stats(x):
    ///     d = {}
    ///     d["mean"] = x.mean()
    ///     return d
    /// ```
    /// Keep one value type per dict (a tuple or a structured array for records).
}

/// NB007
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let module = checker.module;
    let mut value_kinds: HashMap<&str, Kind> = HashMap::new();
    let mut found = Vec::new();
    walk::for_each_stmt(function.syntax.body, &mut |stmt| {
        let ast::Stmt::Assign(assign) = stmt else {
            return;
        };
        match (&assign.targets[..], &*assign.value) {
            // Ex) `d = {"a": 1, "b": "x"}`
            ([ast::Expr::Name(name)], ast::Expr::Dict(dict)) => {
                let kinds: Vec<Kind> = dict
                    .values
                    .iter()
                    .map(|v| function.kind_of(v, module))
                    .filter(|k| *k != Kind::Unknown)
                    .collect();
                if let Some(first) = kinds.first() {
                    if kinds.iter().any(|k| k != first) {
                        found.push(dict.range);
                    }
                    value_kinds.insert(name.id.as_str(), *first);
                }
            }
            // Ex) `d["name"] = "x"`
            ([ast::Expr::Subscript(subscript)], value) => {
                let ast::Expr::Name(base) = &*subscript.value else {
                    return;
                };
                if function.kind_of_name(base.id.as_str()) != Kind::Dict {
                    return;
                }
                let kind = function.kind_of(value, module);
                if kind == Kind::Unknown {
                    return;
                }
                match value_kinds.get(base.id.as_str()) {
                    Some(previous) if *previous != kind => found.push(assign.range),
                    Some(_) => (),
                    None => {
                        value_kinds.insert(base.id.as_str(), kind);
                    }
                }
            }
            _ => (),
        }
    });
    for range in found {
        checker.report(range, "dict values of different types cannot be compiled by Numba: typed dicts hold one value type");
    }
}
