//! JX002: in-place item assignment on a JAX array.

use rustpython_parser::ast;

use crate::model::{walk, FunctionModel, Kind};
use crate::rules::jax::traced_params;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `x[i] = v` and `x[i] += v` where `x` is a JAX array or a traced argument.
    ///
    /// ## Why is this bad?
    /// JAX arrays are immutable: the statement raises `TypeError` ("JAX arrays are immutable
    /// and do not support in-place item assignment").
    ///
    /// ## Example
    /// ```python
    /// @jax.jit
    /// def reset_first(x):
    ///     x[0] = 0.0
    ///     return x
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @jax.jit
    /// def reset_first(x):
    ///     return x.at[0].set(0.0)
    /// ```
}

/// JX002
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let traced = traced_params(function);
    let dicts = dicts_in(function.syntax.body);
    for store in &function.stores {
        // Ex) `inverse_mass_matrix = {}` on one path: a store into it is a dict insert.
        if store.base.is_some_and(|b| dicts.contains(&b)) {
            continue;
        }
        // Ex) `state["u"] = ...` on a `lax.while_loop` carry: a string key indexes a mapping
        // (a pytree dict), never an array.
        if matches!(
            &*store.target.slice,
            ast::Expr::Constant(constant) if matches!(constant.value, ast::Constant::Str(_))
        ) {
            continue;
        }
        let traced_base = store.base.is_some_and(|b| {
            traced.contains(&b)
                && matches!(function.kind_of_name(b), Kind::JaxArray | Kind::Unknown)
        });
        if store.base_kind == Kind::JaxArray || traced_base {
            let fix = if store.augmented {
                "x = x.at[i].add(v)"
            } else {
                "x = x.at[i].set(v)"
            };
            checker.report(
                store.target.range,
                format!("JAX arrays are immutable: use `{fix}`"),
            );
        }
    }
}

/// Names the body binds to a dict (`d = {}`, `d = {k: v for ...}`, `d = dict(...)`) or tests
/// with `isinstance(d, dict)`: a subscript store into one is no array update.
fn dicts_in(body: &[ast::Stmt]) -> Vec<&str> {
    let mut found = Vec::new();
    walk::for_each_stmt(body, &mut |stmt| {
        if let ast::Stmt::Assign(assign) = stmt {
            let is_dict = match &*assign.value {
                ast::Expr::Dict(_) | ast::Expr::DictComp(_) => true,
                ast::Expr::Call(call) => {
                    matches!(&*call.func, ast::Expr::Name(name) if name.id.as_str() == "dict")
                }
                _ => false,
            };
            if is_dict {
                for target in &assign.targets {
                    if let ast::Expr::Name(name) = target {
                        found.push(name.id.as_str());
                    }
                }
            }
        }
    });
    walk::for_each_expr_in(body, &mut |expr| {
        let ast::Expr::Call(call) = expr else { return };
        let is_isinstance =
            matches!(&*call.func, ast::Expr::Name(name) if name.id.as_str() == "isinstance");
        let names_dict =
            |class: &ast::Expr| matches!(class, ast::Expr::Name(n) if n.id.as_str() == "dict");
        let of_dict = match call.args.get(1) {
            Some(ast::Expr::Tuple(tuple)) => tuple.elts.iter().any(names_dict),
            Some(class) => names_dict(class),
            None => false,
        };
        if let (true, true, Some(ast::Expr::Name(name))) =
            (is_isinstance, of_dict, call.args.first())
        {
            found.push(name.id.as_str());
        }
    });
    found
}
