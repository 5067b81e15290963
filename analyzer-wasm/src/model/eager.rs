//! Code that runs only eagerly, never under `torch.compile`: what a function guards with
//! `is_compiling()`.
//!
//! A condition's value under `torch.compile` is known when it is built from `is_compiling()`
//! (true), `torch.jit.is_scripting()`/`is_tracing()` (false), `not`, `and`, `or`, and names
//! bound once to such a condition (`compiling = torch.compiler.is_compiling()`,
//! `in_place = not is_compiling() and ...`). Then:
//!
//! - `if COND:` with COND false under compile: the body runs only eagerly;
//! - with COND true: the `else` block does, and when the body returns or raises, every
//!   statement after the `if` in the same block;
//! - `if verbose:` on a parameter that defaults to `False`: the body.
//!
//! The test itself is in the regions too when its value under compile is known: it branches on
//! nothing that varies.
//!
//! A graph break or a recompile there is not one: Dynamo never traces it.

use std::collections::HashMap;

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextRange;

use crate::model::imports::last_segment;
use crate::model::walk;
use crate::model::ModuleModel;

/// The ranges of `body` that run only when not compiling, or only when a flag that is off by
/// default (`verbose=False`) is turned on (Dynamo specialises on the flag's value, so the default
/// call traces none of it), and the tests whose value under compile is fixed.
pub(crate) fn eager_only_regions(
    body: &[ast::Stmt],
    module: &ModuleModel<'_>,
    off_flags: &[&str],
) -> Vec<TextRange> {
    let mut guards = CompileGuards {
        module,
        names: HashMap::new(),
    };
    guards.bind_names(body);
    let mut regions = Vec::new();
    guards.collect(body, off_flags, &mut regions);
    regions
}

/// What the function's conditions are under `torch.compile`.
struct CompileGuards<'m, 'a> {
    module: &'m ModuleModel<'a>,
    /// Names bound to a condition whose value under compile is known; `None` where one name is
    /// bound more than once to different or unknown values.
    names: HashMap<String, Option<bool>>,
}

impl CompileGuards<'_, '_> {
    /// Records every name bound by a plain assignment to a known condition, in source order.
    fn bind_names(&mut self, body: &[ast::Stmt]) {
        for stmt in body {
            if let ast::Stmt::Assign(assign) = stmt {
                let value = self.under_compile(&assign.value);
                for target in &assign.targets {
                    if let ast::Expr::Name(name) = target {
                        let entry = self.names.entry(name.id.to_string());
                        match entry {
                            std::collections::hash_map::Entry::Vacant(vacant) => {
                                vacant.insert(value);
                            }
                            std::collections::hash_map::Entry::Occupied(mut occupied) => {
                                if *occupied.get() != value {
                                    occupied.insert(None);
                                }
                            }
                        }
                    }
                }
            }
            for block in walk::child_blocks(stmt) {
                self.bind_names(block);
            }
        }
    }

    fn collect(&self, body: &[ast::Stmt], off_flags: &[&str], regions: &mut Vec<TextRange>) {
        for (position, stmt) in body.iter().enumerate() {
            if let ast::Stmt::If(if_stmt) = stmt {
                let off_flag = matches!(&*if_stmt.test, ast::Expr::Name(name) if off_flags.contains(&name.id.as_str()));
                let value = self.under_compile(&if_stmt.test);
                if value.is_some() {
                    // A test fixed under compile is no data-dependent branch.
                    regions.push(if_stmt.test.range());
                }
                match value {
                    Some(false) => regions.extend(span(&if_stmt.body)),
                    _ if off_flag => regions.extend(span(&if_stmt.body)),
                    Some(true) => {
                        regions.extend(span(&if_stmt.orelse));
                        let leaves = matches!(
                            if_stmt.body.last(),
                            Some(ast::Stmt::Return(_) | ast::Stmt::Raise(_))
                        );
                        if leaves && if_stmt.orelse.is_empty() {
                            regions.extend(span(&body[position + 1..]));
                        }
                    }
                    None => (),
                }
            }
            for block in walk::child_blocks(stmt) {
                self.collect(block, off_flags, regions);
            }
        }
    }

    /// The value of a condition under `torch.compile`, when the code says it.
    fn under_compile(&self, test: &ast::Expr) -> Option<bool> {
        match test {
            ast::Expr::UnaryOp(unary) if matches!(unary.op, ast::UnaryOp::Not) => {
                self.under_compile(&unary.operand).map(|value| !value)
            }
            ast::Expr::BoolOp(bool_op) => {
                let values: Vec<Option<bool>> = bool_op
                    .values
                    .iter()
                    .map(|v| self.under_compile(v))
                    .collect();
                let (decides, other) = match bool_op.op {
                    ast::BoolOp::And => (false, true),
                    ast::BoolOp::Or => (true, false),
                };
                if values.contains(&Some(decides)) {
                    Some(decides)
                } else if values.iter().all(|v| *v == Some(other)) {
                    Some(other)
                } else {
                    None
                }
            }
            ast::Expr::Name(name) => self.names.get(name.id.as_str()).copied().flatten(),
            ast::Expr::Call(call) if self.is_compiling(call) => Some(true),
            ast::Expr::Call(call) if self.is_torchscript_check(call) => Some(false),
            _ => None,
        }
    }

    /// A call of `is_compiling()` (`torch.compiler`, `torch._dynamo`, or a project's own
    /// wrapper of that name).
    fn is_compiling(&self, call: &ast::ExprCall) -> bool {
        let name = match self.module.imports.qualified_name(&call.func) {
            Some(qualified) => last_segment(&qualified).to_owned(),
            None => match &*call.func {
                ast::Expr::Name(name) => name.id.to_string(),
                ast::Expr::Attribute(attribute) => attribute.attr.to_string(),
                _ => return false,
            },
        };
        matches!(
            name.as_str(),
            "is_compiling" | "is_dynamo_compiling" | "is_exporting"
        )
    }

    /// `torch.jit.is_scripting()` or `torch.jit.is_tracing()`: false under `torch.compile`.
    fn is_torchscript_check(&self, call: &ast::ExprCall) -> bool {
        matches!(
            self.module.imports.qualified_name(&call.func).as_deref(),
            Some("torch.jit.is_scripting" | "torch.jit.is_tracing")
        )
    }
}

/// The range from the first statement of a block to the end of its last.
fn span(block: &[ast::Stmt]) -> Option<TextRange> {
    let first = block.first()?;
    let last = block.last()?;
    Some(TextRange::new(first.start(), last.end()))
}
