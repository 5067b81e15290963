//! The functions `torch.compile` reaches in a project that defines `nn.Module` classes.
//!
//! What such a project compiles is its models and losses: `torch.compile(model)` traces
//! `forward`, the methods it calls and the functions they call. A module-level function that no
//! method of its module calls is a utility of its own (a metric, a transform, a data or training
//! driver): compiled, if ever, by a user's choice and not through a model, so a graph break in
//! it decides nothing. A project without models is different: its functions are what a user
//! compiles, each on its own.

use std::collections::HashSet;

use rustpython_parser::ast;

use crate::model::function::FunctionSyntax;
use crate::model::{walk, ModuleModel};
use crate::project::TorchModels;

/// The qualified names of the functions of the module that a compiled model may run: the
/// methods of its model classes (a base from `torch.nn`, or a model of the project's), the
/// functions nested in them, and the module's functions they call, transitively.
pub(crate) fn reached_functions(
    suite: &[ast::Stmt],
    module: &ModuleModel<'_>,
    models: &TorchModels,
) -> HashSet<String> {
    let mut classes = HashSet::new();
    model_classes(suite, "", models, &mut classes);
    let functions = &module.functions;
    // The last names of the functions a call by name may reach: resolving a name allocates.
    let callable: HashSet<&str> = functions
        .iter()
        .filter(|f| !f.is_method)
        .map(|f| f.name.rsplit('.').next().unwrap_or(&f.name))
        .collect();
    let mut reached: HashSet<String> = HashSet::new();
    let mut work: Vec<&FunctionSyntax<'_>> = functions
        .iter()
        .filter(|f| {
            f.is_method
                && f.name
                    .rsplit_once('.')
                    .is_some_and(|(class, _)| classes.contains(class))
        })
        .collect();
    while let Some(function) = work.pop() {
        if !reached.insert(function.name.clone()) {
            continue;
        }
        let nested = format!("{}.", function.name);
        work.extend(
            functions
                .iter()
                .filter(|f| !f.is_method && f.name.starts_with(&nested)),
        );
        walk::for_each_expr_in(function.body, &mut |expr| {
            let ast::Expr::Call(call) = expr else { return };
            let ast::Expr::Name(name) = &*call.func else {
                return;
            };
            if !callable.contains(name.id.as_str()) {
                return;
            }
            if let Some(callee) = module.function_named(&function.name, name.id.as_str()) {
                if !reached.contains(&callee.name) {
                    work.push(callee);
                }
            }
        });
    }
    reached
}

/// Adds the qualified name (`Outer.Inner`, `make.Local`) of every model class in `body`.
fn model_classes(
    body: &[ast::Stmt],
    prefix: &str,
    models: &TorchModels,
    acc: &mut HashSet<String>,
) {
    for stmt in body {
        match stmt {
            ast::Stmt::ClassDef(class) => {
                let name = format!("{prefix}{}", class.name);
                let is_a_model = class.bases.iter().any(|base| {
                    let base = match base {
                        // Ex) `class Box(Generic[T], nn.Module)`.
                        ast::Expr::Subscript(subscript) => &*subscript.value,
                        other => other,
                    };
                    dotted(base).is_some_and(|base| models.is_model_base(&base))
                });
                if is_a_model {
                    acc.insert(name.clone());
                }
                model_classes(&class.body, &format!("{name}."), models, acc);
            }
            ast::Stmt::FunctionDef(def) => {
                model_classes(&def.body, &format!("{prefix}{}.", def.name), models, acc);
            }
            ast::Stmt::AsyncFunctionDef(def) => {
                model_classes(&def.body, &format!("{prefix}{}.", def.name), models, acc);
            }
            other => {
                for block in walk::child_blocks(other) {
                    model_classes(block, prefix, models, acc);
                }
            }
        }
    }
}

/// A base as written: `nn.Module`, `Base`.
fn dotted(base: &ast::Expr) -> Option<String> {
    match base {
        ast::Expr::Name(name) => Some(name.id.to_string()),
        ast::Expr::Attribute(attribute) => {
            dotted(&attribute.value).map(|value| format!("{value}.{}", attribute.attr))
        }
        _ => None,
    }
}
