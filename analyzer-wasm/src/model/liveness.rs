//! Which names a region of statements reads from outside (its inputs) and which it binds.
//!
//! Used to decide loop-carried values (a name read before it is written in an iteration) and,
//! by rewrites, the parameters and results of a region split out into a compiled kernel.

use std::collections::HashSet;

use rustpython_parser::ast;

use crate::model::walk;

/// Names bound by a statement itself (assignment targets, loop targets, `with ... as`, imports).
pub(crate) fn bound_by(stmt: &ast::Stmt) -> Vec<&str> {
    let mut names = Vec::new();
    match stmt {
        ast::Stmt::Assign(s) => s.targets.iter().for_each(|t| add_target(&mut names, t)),
        ast::Stmt::AugAssign(s) => add_target(&mut names, &s.target),
        ast::Stmt::AnnAssign(s) => add_target(&mut names, &s.target),
        ast::Stmt::For(s) => add_target(&mut names, &s.target),
        ast::Stmt::AsyncFor(s) => add_target(&mut names, &s.target),
        ast::Stmt::With(s) => s
            .items
            .iter()
            .filter_map(|i| i.optional_vars.as_deref())
            .for_each(|t| add_target(&mut names, t)),
        ast::Stmt::FunctionDef(s) => names.push(s.name.as_str()),
        ast::Stmt::ClassDef(s) => names.push(s.name.as_str()),
        _ => (),
    }
    names
}

fn add_target<'a>(names: &mut Vec<&'a str>, target: &'a ast::Expr) {
    walk::walk_expr(target, &mut |expr| {
        if let ast::Expr::Name(name) = expr {
            if matches!(name.ctx, ast::ExprContext::Store) {
                names.push(name.id.as_str());
            }
        }
    });
}

/// Names loaded by a statement itself (not by its nested blocks). An augmented assignment to a
/// name loads that name too.
pub(crate) fn loaded_by(stmt: &ast::Stmt) -> Vec<&str> {
    let mut names = Vec::new();
    if let ast::Stmt::AugAssign(s) = stmt {
        if let ast::Expr::Name(name) = &*s.target {
            names.push(name.id.as_str());
        }
    }
    for expr in walk::own_exprs(stmt) {
        walk::walk_expr(expr, &mut |sub| {
            if let ast::Expr::Name(name) = sub {
                if matches!(name.ctx, ast::ExprContext::Load) {
                    names.push(name.id.as_str());
                }
            }
        });
    }
    names
}

/// Every name bound anywhere in the region (nested blocks included, nested scopes excluded).
pub(crate) fn names_bound(region: &[ast::Stmt]) -> HashSet<&str> {
    let mut bound = HashSet::new();
    walk::for_each_stmt(region, &mut |stmt| bound.extend(bound_by(stmt)));
    bound
}

/// The names the region reads before it binds them, in first-read order: its inputs. Branches
/// are taken as if both ran, in source order.
pub(crate) fn region_inputs<'a>(
    region: &'a [ast::Stmt],
    already_bound: &[&'a str],
) -> Vec<&'a str> {
    let mut bound: HashSet<&str> = already_bound.iter().copied().collect();
    let mut inputs = Vec::new();
    walk::for_each_stmt(region, &mut |stmt| {
        for name in loaded_by(stmt) {
            if !bound.contains(name) && !inputs.contains(&name) {
                inputs.push(name);
            }
        }
        bound.extend(bound_by(stmt));
    });
    inputs
}

#[cfg(test)]
mod tests {
    use rustpython_parser::{ast, Parse};

    use super::*;

    #[test]
    fn inputs_are_read_before_they_are_bound() {
        let suite =
            ast::Suite::parse("t = a + b\ns += t\nu = t * c\nprint(u, s)\n", "<test>").unwrap();
        assert_eq!(region_inputs(&suite[..3], &[]), ["a", "b", "s", "c"]);
        assert_eq!(region_inputs(&suite, &["a", "b", "c", "s"]), ["print"]);
        assert!(names_bound(&suite).contains("u"));
    }
}
