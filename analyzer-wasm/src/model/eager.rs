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
//! - `if verbose:` on a parameter that defaults to `False`, and `if debug:` or `if self.debug:`
//!   on a debugging switch (its name says `debug` or `verbose`): the body.
//!
//! The same holds under `jax.jit` for what a function runs only on concrete values, behind a
//! test that asks whether a value is a tracer (`if not_jax_tracer(x):`).
//!
//! The test itself is in the regions too when its value under compile is known: it branches on
//! nothing that varies.
//!
//! A graph break or a recompile there is not one: Dynamo never traces it.

use std::collections::{HashMap, HashSet};

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextRange;

use crate::model::function::compile_disabled;
use crate::model::walk;
use crate::model::{FunctionSyntax, ModuleModel};

/// Which JIT's guards a [`CompileGuards`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Jit {
    /// `torch.compile`: `is_compiling()`, `torch.jit.is_scripting()`.
    Torch,
    /// `jax.jit`: tests that ask whether a value is a tracer.
    Jax,
}

/// The ranges of `body` that run only when not compiling, or only when a flag that is off by
/// default (`verbose=False`) is turned on (Dynamo specialises on the flag's value, so the default
/// call traces none of it), and the tests whose value under compile is fixed.
pub(crate) fn eager_only_regions(
    body: &[ast::Stmt],
    module: &ModuleModel<'_>,
    off_flags: &[&str],
) -> Vec<TextRange> {
    let mut guards = CompileGuards::new(module, Jit::Torch);
    // Names matter only as `is_compiling()` flags, which only torch code has.
    if module.imports.imports_module("torch") {
        guards.bind_names(body);
    }
    let mut regions = Vec::new();
    guards.collect(body, off_flags, &mut regions);
    regions
}

/// Whether a word names a debugging switch (`debug`, `verbose`, `DEBUG_MODE`): code behind one
/// is off in the runs a user times and compiles.
pub(crate) fn names_debug_switch(word: &str) -> bool {
    let word = word.to_ascii_lowercase();
    word.contains("debug") || word.contains("verbose")
}

/// `if debug:` or `if self.verbose:`: a test of a debugging switch alone. Dynamo specialises on
/// the switch's value, so with it off (as it is in the runs that matter) the body is never
/// traced.
fn is_debug_switch(test: &ast::Expr) -> bool {
    match test {
        ast::Expr::Name(name) => names_debug_switch(&name.id),
        ast::Expr::Attribute(attribute) => {
            matches!(&*attribute.value, ast::Expr::Name(owner) if owner.id.as_str() == "self")
                && names_debug_switch(&attribute.attr)
        }
        _ => false,
    }
}

/// The ranges of `body` that run only on values that are not JAX tracers, behind a test that
/// asks (`if not_jax_tracer(x):`), and the tests whose value under `jax.jit` is known.
pub(crate) fn concrete_only_regions(
    body: &[ast::Stmt],
    module: &ModuleModel<'_>,
) -> Vec<TextRange> {
    let guards = CompileGuards::new(module, Jit::Jax);
    let mut regions = Vec::new();
    guards.collect(body, &[], &mut regions);
    regions
}

/// Whether the value of `test` under `jax.jit` is known from the code (it asks whether a value
/// is a tracer): a branch on it branches on nothing traced.
pub(crate) fn decided_under_jax_jit(test: &ast::Expr, module: &ModuleModel<'_>) -> bool {
    let guards = CompileGuards::new(module, Jit::Jax);
    guards.under_compile(test).is_some()
}

/// Where the module calls its private functions (`_name`): a function every call of which (at
/// least one) runs only eagerly, or only under `torch.compile`. A public function may be called
/// from anywhere, so it is in neither.
#[derive(Debug, Default)]
pub(crate) struct CallContexts {
    /// Called only in eager-only regions of their callers, or from callers `torch.compile`
    /// never takes (`@torch.compiler.disable`).
    pub(crate) eager_only: HashSet<String>,
    /// Called only where `is_compiling()` is true: traced by the caller's compilation.
    pub(crate) compile_only: HashSet<String>,
    /// A caller of each private function called by another function of the module (by name,
    /// or as `self._method(...)`): compiling the caller inlines it.
    pub(crate) callers: HashMap<String, String>,
}

/// The [`CallContexts`] of a module's functions.
pub(crate) fn call_contexts(
    functions: &[FunctionSyntax<'_>],
    module: &ModuleModel<'_>,
) -> CallContexts {
    // Callee name -> every call so far eager; and each call's (caller, in a compiled region).
    let mut eager_calls: HashMap<String, bool> = HashMap::new();
    let mut compiled_calls: HashMap<String, Vec<(String, bool)>> = HashMap::new();
    let mut callers: HashMap<String, String> = HashMap::new();
    // Only torch and JAX read the contexts: other modules skip the walk.
    if !["torch", "jax"]
        .iter()
        .any(|m| module.imports.imports_module(m))
    {
        return CallContexts::default();
    }
    let names: HashSet<&str> = functions.iter().map(|f| f.name.as_str()).collect();
    for function in functions {
        let disabled = compile_disabled(function.decorators, module);
        let mut guards = CompileGuards::new(module, Jit::Torch);
        guards.bind_names(function.body);
        let mut eager = Vec::new();
        let mut compiled = Vec::new();
        if !disabled {
            guards.collect(function.body, &[], &mut eager);
            guards.collect_compiled(function.body, &mut compiled);
        }
        let class = function
            .is_method
            .then(|| function.name.rsplit_once('.').map(|(class, _)| class))
            .flatten();
        walk::for_each_expr_in(function.body, &mut |expr| {
            let ast::Expr::Call(call) = expr else { return };
            // Ex) `self._project(x)` in a method of the same class.
            if let (ast::Expr::Attribute(attribute), Some(class)) = (&*call.func, class) {
                let private = attribute.attr.starts_with('_') && !attribute.attr.starts_with("__");
                let on_self =
                    matches!(&*attribute.value, ast::Expr::Name(n) if n.id.as_str() == "self");
                if !(private && on_self) {
                    return;
                }
                let method = format!("{class}.{}", attribute.attr);
                if method != function.name && names.contains(method.as_str()) {
                    callers
                        .entry(method)
                        .or_insert_with(|| function.name.clone());
                }
                return;
            }
            let ast::Expr::Name(name) = &*call.func else {
                return;
            };
            if !name.id.starts_with('_') {
                return;
            }
            let Some(callee) = module.function_named(&function.name, name.id.as_str()) else {
                return;
            };
            if callee.name != function.name {
                callers
                    .entry(callee.name.clone())
                    .or_insert_with(|| function.name.clone());
            }
            let in_eager = disabled || eager.iter().any(|r| r.contains_range(call.range));
            let in_compiled = compiled.iter().any(|r| r.contains_range(call.range));
            *eager_calls.entry(callee.name.clone()).or_insert(true) &= in_eager;
            compiled_calls
                .entry(callee.name.clone())
                .or_default()
                .push((function.name.clone(), in_compiled));
        });
    }
    let mut contexts = CallContexts {
        eager_only: eager_calls
            .into_iter()
            .filter_map(|(name, eager)| eager.then_some(name))
            .collect(),
        compile_only: HashSet::new(),
        callers,
    };
    // Compiled only: every call is in a compiled region, or in a function compiled only itself.
    loop {
        let before = contexts.compile_only.len();
        for (callee, calls) in &compiled_calls {
            let only = calls
                .iter()
                .all(|(caller, compiled)| *compiled || contexts.compile_only.contains(caller));
            if only && !contexts.eager_only.contains(callee) {
                contexts.compile_only.insert(callee.clone());
            }
        }
        if contexts.compile_only.len() == before {
            return contexts;
        }
    }
}

/// What the function's conditions are under `torch.compile` and when running eagerly.
struct CompileGuards<'m, 'a> {
    module: &'m ModuleModel<'a>,
    /// The JIT whose guards are read: `is_compiling()` for torch, tracer tests for JAX.
    jit: Jit,
    /// Names bound to a condition whose value is known in some mode; unknown in both where one
    /// name is bound more than once to different values.
    names: HashMap<String, Known>,
}

/// The value of a condition under `torch.compile` and when running eagerly, where the code
/// says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Known {
    compiled: Option<bool>,
    eager: Option<bool>,
}

impl Known {
    fn not(self) -> Self {
        Self {
            compiled: self.compiled.map(|v| !v),
            eager: self.eager.map(|v| !v),
        }
    }
}

/// `and` (`decides` false) or `or` (`decides` true) of values known or not.
fn combine(values: &[Option<bool>], decides: bool) -> Option<bool> {
    if values.contains(&Some(decides)) {
        Some(decides)
    } else if values.iter().all(|v| *v == Some(!decides)) {
        Some(!decides)
    } else {
        None
    }
}

impl<'m, 'a> CompileGuards<'m, 'a> {
    fn new(module: &'m ModuleModel<'a>, jit: Jit) -> Self {
        Self {
            module,
            jit,
            names: HashMap::new(),
        }
    }

    /// Records every name bound by a plain assignment to a known condition, in source order.
    fn bind_names(&mut self, body: &[ast::Stmt]) {
        for stmt in body {
            if let ast::Stmt::Assign(assign) = stmt {
                let value = self.value(&assign.value);
                for target in &assign.targets {
                    if let ast::Expr::Name(name) = target {
                        let entry = self.names.entry(name.id.to_string()).or_insert(value);
                        if *entry != value {
                            *entry = Known::default();
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
                let off_flag = matches!(&*if_stmt.test, ast::Expr::Name(name) if off_flags.contains(&name.id.as_str()))
                    || is_debug_switch(&if_stmt.test);
                let value = self.under_compile(&if_stmt.test);
                if value.is_some() {
                    // A test fixed under compile is no data-dependent branch.
                    regions.push(if_stmt.test.range());
                }
                if off_flag {
                    regions.extend(span(&if_stmt.body));
                } else if let Some(value) = value {
                    untaken(body, position, if_stmt, value, regions);
                }
            }
            for block in walk::child_blocks(stmt) {
                self.collect(block, off_flags, regions);
            }
        }
    }

    /// The ranges of `body` that run only under `torch.compile`: the body of `if COND:` where
    /// COND is false whenever the code runs eagerly, its `else` where COND is true then, and
    /// what follows such an `if COND:` that returns or raises.
    fn collect_compiled(&self, body: &[ast::Stmt], regions: &mut Vec<TextRange>) {
        for (position, stmt) in body.iter().enumerate() {
            if let ast::Stmt::If(if_stmt) = stmt {
                if let Some(value) = self.value(&if_stmt.test).eager {
                    untaken(body, position, if_stmt, value, regions);
                }
            }
            for block in walk::child_blocks(stmt) {
                self.collect_compiled(block, regions);
            }
        }
    }

    /// The value of a condition under `torch.compile`, when the code says it.
    fn under_compile(&self, test: &ast::Expr) -> Option<bool> {
        self.value(test).compiled
    }

    /// The value of a condition under compile and eagerly.
    fn value(&self, test: &ast::Expr) -> Known {
        match test {
            ast::Expr::UnaryOp(unary) if matches!(unary.op, ast::UnaryOp::Not) => {
                self.value(&unary.operand).not()
            }
            ast::Expr::BoolOp(bool_op) => {
                let values: Vec<Known> = bool_op.values.iter().map(|v| self.value(v)).collect();
                let decides = matches!(bool_op.op, ast::BoolOp::Or);
                let compiled: Vec<Option<bool>> = values.iter().map(|v| v.compiled).collect();
                let eager: Vec<Option<bool>> = values.iter().map(|v| v.eager).collect();
                Known {
                    compiled: combine(&compiled, decides),
                    eager: combine(&eager, decides),
                }
            }
            ast::Expr::Name(name) => self
                .names
                .get(name.id.as_str())
                .copied()
                .unwrap_or_default(),
            ast::Expr::Call(call) if self.jit == Jit::Torch && self.is_compiling(call) => Known {
                compiled: Some(true),
                eager: Some(false),
            },
            // False under compile; eagerly it may be a TorchScript run.
            ast::Expr::Call(call) if self.jit == Jit::Torch && self.is_torchscript_check(call) => {
                Known {
                    compiled: Some(false),
                    eager: None,
                }
            }
            // Ex) `if not_jax_tracer(x):` (NumPyro), `isinstance(x, jax.core.Tracer)`: under
            // `jax.jit` the value is a tracer, so the test is known there.
            ast::Expr::Call(call) if self.jit == Jit::Jax => Known {
                compiled: tests_for_tracer(call),
                eager: None,
            },
            _ => Known::default(),
        }
    }

    /// A call of `is_compiling()` (`torch.compiler`, `torch._dynamo`, or a project's own
    /// wrapper of that name).
    fn is_compiling(&self, call: &ast::ExprCall) -> bool {
        matches!(
            self.module.imports.called_name(&call.func).as_deref(),
            Some("is_compiling" | "is_dynamo_compiling" | "is_exporting")
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

/// Whether a call asks if a value is a JAX tracer (`Some(true)` for `is_tracer(x)` and
/// `isinstance(x, Tracer)`, `Some(false)` for `not_jax_tracer(x)`), by its name; `None` for any
/// other call.
fn tests_for_tracer(call: &ast::ExprCall) -> Option<bool> {
    let name = match &*call.func {
        ast::Expr::Name(name) => name.id.as_str(),
        ast::Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return None,
    };
    if name == "isinstance" {
        let names_tracer = |class: &ast::Expr| match class {
            ast::Expr::Name(name) => name.id.as_str() == "Tracer",
            ast::Expr::Attribute(attribute) => attribute.attr.as_str() == "Tracer",
            _ => false,
        };
        let tracer = match call.args.get(1) {
            Some(ast::Expr::Tuple(tuple)) => tuple.elts.iter().any(names_tracer),
            Some(class) => names_tracer(class),
            None => false,
        };
        return tracer.then_some(true);
    }
    let lower = name.to_ascii_lowercase();
    if !lower.contains("tracer") {
        return None;
    }
    Some(!lower.starts_with("not_"))
}

/// What an `if` (at `position` in `body`) whose test is `value` never runs: its body when the
/// test is false; its `else` when it is true, and the rest of the block when the body then
/// returns or raises.
fn untaken(
    body: &[ast::Stmt],
    position: usize,
    if_stmt: &ast::StmtIf,
    value: bool,
    regions: &mut Vec<TextRange>,
) {
    if !value {
        regions.extend(span(&if_stmt.body));
        return;
    }
    regions.extend(span(&if_stmt.orelse));
    let leaves = matches!(
        if_stmt.body.last(),
        Some(ast::Stmt::Return(_) | ast::Stmt::Raise(_))
    );
    if leaves && if_stmt.orelse.is_empty() {
        regions.extend(span(&body[position + 1..]));
    }
}

/// The range from the first statement of a block to the end of its last.
fn span(block: &[ast::Stmt]) -> Option<TextRange> {
    let first = block.first()?;
    let last = block.last()?;
    Some(TextRange::new(first.start(), last.end()))
}
