//! The compilation context of each function: which functions of the module run traced or
//! compiled already although they carry no JIT decorator of their own.
//!
//! - A function called from a compiled function is compiled with it: Numba needs it compiled to
//!   call it, Dynamo and JAX trace through it.
//! - A function passed to a JAX transform (`jax.lax.scan(step, ...)`, `jax.vmap(f)`,
//!   `jax.grad(loss)`) or decorated with one (`@jax.vmap`, `@jax.custom_jvp`) is traced by JAX.
//!
//! Such a function is judged as compiled: a blocker in it is an error of its caller's JIT, and
//! advising `jax.jit` on it is noise.

use std::collections::{HashMap, HashSet};

use rustpython_parser::ast;

use crate::model::function::{callee_or_self, FunctionSyntax, JitDecorator};
use crate::model::imports::Imports;
use crate::model::kind::Framework;
use crate::model::walk;
use crate::model::ModuleModel;

/// Why a function without its own JIT decorator runs compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tracing {
    /// The JIT that compiles or traces it.
    pub(crate) framework: Framework,
    /// What does: "called from `step`", "passed to `jax.lax.scan`".
    pub(crate) by: String,
    /// Whether every argument arrives traced (a transform traces them all); a function called
    /// from compiled code gets whatever its caller passes, Python values included.
    pub(crate) arguments_traced: bool,
}

/// The last name of every JAX transform and JIT entry point above: the cheap test a call
/// passes before its name is resolved.
const TRANSFORM_NAMES: &[&str] = &[
    "cond",
    "switch",
    "scan",
    "fori_loop",
    "while_loop",
    "map",
    "associative_scan",
    "custom_root",
    "custom_linear_solve",
    "vmap",
    "pmap",
    "grad",
    "value_and_grad",
    "jacfwd",
    "jacrev",
    "hessian",
    "jvp",
    "vjp",
    "linearize",
    "checkpoint",
    "remat",
    "custom_jvp",
    "custom_vjp",
    "eval_shape",
    "shard_map",
    "jit",
    "compile",
    "njit",
    "function",
];

/// Transforms that wrap a function without tracing every argument themselves: `nondiff_argnums`
/// stay Python values, `vmap`/`pmap` pass an argument with `in_axes=None` through as it is (a
/// Python int stays one), and `grad` traces only the arguments it differentiates.
const WRAPPERS: &[&str] = &[
    "jax.custom_jvp",
    "jax.custom_vjp",
    "jax.vmap",
    "jax.pmap",
    "jax.grad",
    "jax.value_and_grad",
    "jax.jacfwd",
    "jax.jacrev",
    "jax.hessian",
];

/// JAX functions that trace the functions passed to them.
const JAX_TRANSFORMS: &[&str] = &[
    "jax.lax.cond",
    "jax.lax.switch",
    "jax.lax.scan",
    "jax.lax.fori_loop",
    "jax.lax.while_loop",
    "jax.lax.map",
    "jax.lax.associative_scan",
    "jax.lax.custom_root",
    "jax.lax.custom_linear_solve",
    "jax.vmap",
    "jax.pmap",
    "jax.grad",
    "jax.value_and_grad",
    "jax.jacfwd",
    "jax.jacrev",
    "jax.hessian",
    "jax.jvp",
    "jax.vjp",
    "jax.linearize",
    "jax.checkpoint",
    "jax.remat",
    "jax.custom_jvp",
    "jax.custom_vjp",
    "jax.eval_shape",
    "jax.shard_map",
    "jax.experimental.shard_map.shard_map",
];

/// The Numba extension decorator (`overload`, `overload_method`, ...) of a function whose
/// nested implementations Numba compiles.
fn numba_extension(decorators: &[ast::Expr], imports: &Imports) -> Option<String> {
    decorators.iter().find_map(|decorator| {
        let qualified = imports.qualified_name(callee_or_self(decorator))?;
        let short = qualified
            .strip_prefix("numba.extending.")
            .or_else(|| qualified.strip_prefix("numba.core.extending."))?;
        matches!(
            short,
            "overload"
                | "overload_method"
                | "overload_attribute"
                | "overload_classmethod"
                | "generated_jit"
        )
        .then(|| short.to_owned())
    })
}

/// The Numba compiler of a call that compiles its argument: `numba.njit(f)`,
/// `guvectorize(signature, layout)(f)`, `njit(parallel=True)(f)`.
fn numba_compile_call(call: &ast::ExprCall, module: &ModuleModel<'_>) -> Option<String> {
    let compiler = match &*call.func {
        ast::Expr::Call(inner) => &*inner.func,
        other => other,
    };
    let short = match compiler {
        ast::Expr::Attribute(attribute) => attribute.attr.as_str(),
        ast::Expr::Name(name) => name.id.as_str(),
        _ => return None,
    };
    if !matches!(
        short,
        "njit" | "jit" | "vectorize" | "guvectorize" | "stencil"
    ) {
        return None;
    }
    let qualified = module.imports.qualified_name(compiler)?;
    (Framework::of_decorator(&qualified) == Some(Framework::Numba)).then_some(qualified)
}

/// Marks the functions nested in `outer` as traced the way `tracing` says, unless they are
/// traced already.
fn trace_nested(
    functions: &[FunctionSyntax<'_>],
    outer: &str,
    tracing: &Tracing,
    traced: &mut HashMap<String, Tracing>,
) {
    let prefix = format!("{outer}.");
    for nested in functions
        .iter()
        .filter(|f| !f.is_method && f.name.starts_with(&prefix))
    {
        traced
            .entry(nested.name.clone())
            .or_insert_with(|| tracing.clone());
    }
}

/// The names `body` returns (`return impl`), outside its nested definitions.
fn returned_names(body: &[ast::Stmt]) -> Vec<&str> {
    let mut names = Vec::new();
    walk::for_each_stmt(body, &mut |stmt| {
        if let ast::Stmt::Return(ret) = stmt {
            if let Some(ast::Expr::Name(name)) = ret.value.as_deref() {
                names.push(name.id.as_str());
            }
        }
    });
    names
}

/// Which functions of the module run compiled without a decorator of their own, by qualified
/// name.
pub(crate) fn traced_functions(
    functions: &[FunctionSyntax<'_>],
    module: &ModuleModel<'_>,
) -> (HashMap<String, Tracing>, HashSet<String>) {
    let mut callees: HashSet<String> = HashSet::new();
    let resolve = |scope: &str, id: &str| -> Option<String> {
        module.function_named(scope, id).map(|f| f.name.clone())
    };
    let imports_a_jit = ["jax", "torch", "numba", "tensorflow"]
        .iter()
        .any(|m| module.imports.imports_module(m));
    let mut traced: HashMap<String, Tracing> = HashMap::new();
    let mut compiled: Vec<(String, Framework)> = Vec::new();
    for function in functions {
        let own = function
            .decorators
            .iter()
            .find_map(|d| JitDecorator::parse(d, module))
            .map(|d| d.framework)
            .or_else(|| {
                module
                    .wrapped
                    .get(function.name.as_str())
                    .and_then(|w| w.first())
                    .map(|(framework, _)| *framework)
            });
        // Ex) `@overload(draw)` returns implementations that Numba compiles; the rest of its
        // body (a helper that formats source for `eval`) runs in Python at typing time.
        if let Some(extension) = numba_extension(function.decorators, &module.imports) {
            let tracing = Tracing {
                framework: Framework::Numba,
                arguments_traced: true,
                by: format!("an implementation returned by `@{extension}`"),
            };
            for name in returned_names(function.body) {
                let implementation = format!("{}.{name}", function.name);
                if functions.iter().any(|f| f.name == implementation) {
                    trace_nested(functions, &implementation, &tracing, &mut traced);
                    traced
                        .entry(implementation)
                        .or_insert_with(|| tracing.clone());
                }
            }
        }
        if let Some(framework) = own {
            compiled.push((function.name.clone(), framework));
        } else if module.call_contexts.compile_only.contains(&function.name) {
            traced.insert(
                function.name.clone(),
                Tracing {
                    framework: Framework::Torch,
                    arguments_traced: false,
                    by: "called only under `is_compiling()`".to_owned(),
                },
            );
            // Its nested functions run inside it: traced by the same compilation.
            let tracing = Tracing {
                framework: Framework::Torch,
                arguments_traced: false,
                by: format!(
                    "nested in `{}`, called only under `is_compiling()`",
                    function.name
                ),
            };
            trace_nested(functions, &function.name, &tracing, &mut traced);
        } else if let Some(transform) =
            jax_transform_decorator(function.decorators, &module.imports)
        {
            traced.insert(
                function.name.clone(),
                Tracing {
                    framework: Framework::Jax,
                    arguments_traced: !WRAPPERS.contains(&transform.as_str()),
                    by: format!("decorated with `{transform}`"),
                },
            );
        }
        // Ex) `jax.lax.scan(step, carry, xs)` anywhere in this function's body; a module that
        // imports no JIT has none.
        if !imports_a_jit {
            continue;
        }
        let scope = function.name.as_str();
        let mut local: Option<Vec<&str>> = None;
        walk::for_each_expr_in(function.body, &mut |expr| {
            let ast::Expr::Call(call) = expr else { return };
            // Ex) `return guvectorize(signature, layout)(_probvec)`: a gufunc built on demand.
            if let Some((compiler, ast::Expr::Name(name))) =
                numba_compile_call(call, module).zip(call.args.first())
            {
                let local = local.get_or_insert_with(|| bound_names(function));
                if !local.contains(&name.id.as_str()) {
                    if let Some(target) = resolve(scope, name.id.as_str()) {
                        traced.entry(target).or_insert_with(|| Tracing {
                            framework: Framework::Numba,
                            arguments_traced: true,
                            by: format!("compiled by `{compiler}` in `{scope}`"),
                        });
                    }
                }
                return;
            }
            // Resolving a name allocates: only for calls that end in a transform's name.
            let short = match &*call.func {
                ast::Expr::Attribute(attribute) => attribute.attr.as_str(),
                ast::Expr::Name(name) => name.id.as_str(),
                _ => return,
            };
            if !TRANSFORM_NAMES.contains(&short) {
                return;
            }
            let Some(callee) = module.imports.qualified_name(&call.func) else {
                return;
            };
            // Ex) `self._update = jax.jit(self.update)` in `__post_init__`.
            if let Some(framework) = Framework::of_decorator(&callee) {
                if let Some(ast::Expr::Attribute(attribute)) = call.args.first() {
                    let on_self =
                        matches!(&*attribute.value, ast::Expr::Name(n) if n.id.as_str() == "self");
                    let class = function.is_method.then(|| scope.rsplit_once('.')).flatten();
                    if let (true, Some((class, _))) = (on_self, class) {
                        let method = format!("{class}.{}", attribute.attr);
                        if functions.iter().any(|f| f.name == method) {
                            traced.entry(method).or_insert_with(|| Tracing {
                                framework,
                                arguments_traced: true,
                                by: format!("compiled by `{callee}(self.{})`", attribute.attr),
                            });
                        }
                    }
                }
                return;
            }
            if !JAX_TRANSFORMS.contains(&callee.as_str()) {
                return;
            }
            for arg in call
                .args
                .iter()
                .chain(call.keywords.iter().map(|k| &k.value))
            {
                if let ast::Expr::Name(name) = arg {
                    let local = local.get_or_insert_with(|| bound_names(function));
                    if local.contains(&name.id.as_str()) {
                        continue;
                    }
                    if let Some(target) = resolve(scope, name.id.as_str()) {
                        traced.entry(target).or_insert_with(|| Tracing {
                            framework: Framework::Jax,
                            arguments_traced: !WRAPPERS.contains(&callee.as_str()),
                            by: format!("passed to `{callee}`"),
                        });
                    }
                }
            }
        });
    }
    // Ex) `kf_update_vmap = jax.vmap(kf_update, in_axes=(None, 0))` at module level.
    for call in &module.module_level_calls {
        let Some(callee) = module.imports.qualified_name(&call.func) else {
            continue;
        };
        if !JAX_TRANSFORMS.contains(&callee.as_str()) {
            continue;
        }
        for arg in &call.args {
            let ast::Expr::Name(name) = arg else { continue };
            if let Some(target) = resolve("", name.id.as_str()) {
                traced.entry(target).or_insert_with(|| Tracing {
                    framework: Framework::Jax,
                    arguments_traced: !WRAPPERS.contains(&callee.as_str()),
                    by: format!("passed to `{callee}` at module level"),
                });
            }
        }
    }
    // Ex) `lbfgs_inverse_hessian_factors`, defined here and called from a function that
    // another module of the project passes to `jax.vmap`.
    for function in functions {
        let traced_elsewhere = !function.is_method
            && module
                .project
                .jax_traced_imports
                .contains(function.name.as_str());
        let own = function
            .decorators
            .iter()
            .any(|d| JitDecorator::parse(d, module).is_some());
        if traced_elsewhere && !own {
            traced
                .entry(function.name.clone())
                .or_insert_with(|| Tracing {
                    framework: Framework::Jax,
                    arguments_traced: false,
                    by: "called from JAX-traced code in another module of the project".to_owned(),
                });
        }
    }
    // Callees of compiled (and traced) functions, transitively.
    let mut work: Vec<(String, Framework)> = compiled;
    // What is compiled only through its callers (`is_compiling()` branches) has its own callees
    // worked out in `call_contexts`: they may be called eagerly elsewhere.
    let mut from_traced: Vec<(String, Framework)> = traced
        .iter()
        .filter(|(name, _)| !module.call_contexts.compile_only.contains(*name))
        .map(|(name, t)| (name.clone(), t.framework))
        .collect();
    // In name order, not the map's: which caller a callee is first found through (and named
    // after) is the same on every run.
    from_traced.sort_by(|a, b| a.0.cmp(&b.0));
    work.extend(from_traced);
    while let Some((caller, framework)) = work.pop() {
        let Some(function) = functions.iter().find(|f| f.name == caller) else {
            continue;
        };
        for_each_named_callee(function, &mut |id| {
            let Some(callee) = resolve(&caller, id) else {
                return;
            };
            callees.insert(callee.clone());
            let own = functions
                .iter()
                .find(|f| f.name == callee)
                .is_some_and(|f| {
                    f.decorators
                        .iter()
                        .any(|d| JitDecorator::parse(d, module).is_some())
                });
            if own || traced.contains_key(&callee) || callee == caller {
                return;
            }
            traced.insert(
                callee.clone(),
                Tracing {
                    framework,
                    arguments_traced: false,
                    by: format!("called from compiled `{caller}`"),
                },
            );
            work.push((callee, framework));
        });
    }
    (traced, callees)
}

/// Whether a function of the module that runs in Python (no JIT decorator, not traced) calls
/// the module's function `callee` by name: where a compiled function's every call pays the
/// dispatch from Python.
pub(crate) fn called_from_python(module: &ModuleModel<'_>, callee: &str) -> bool {
    module.functions.iter().any(|caller| {
        if caller.name == callee
            || module.traced.contains_key(&caller.name)
            || module.called_from_compiled.contains(&caller.name)
            || caller
                .decorators
                .iter()
                .any(|d| JitDecorator::parse(d, module).is_some())
        {
            return false;
        }
        let mut calls = false;
        walk::for_each_expr_in(caller.body, &mut |expr| {
            if let ast::Expr::Call(call) = expr {
                if let ast::Expr::Name(name) = &*call.func {
                    calls = calls
                        || module
                            .function_named(&caller.name, name.id.as_str())
                            .is_some_and(|f| f.name == callee);
                }
            }
        });
        calls
    })
}

/// The parameters of `function` and the names its body assigns: a name bound there is not the
/// module's function of the same name.
fn bound_names<'a>(function: &FunctionSyntax<'a>) -> Vec<&'a str> {
    let args = function.args;
    let mut names: Vec<&'a str> = args
        .posonlyargs
        .iter()
        .chain(&args.args)
        .chain(&args.kwonlyargs)
        .map(|arg| arg.def.arg.as_str())
        .chain(args.vararg.iter().map(|a| a.arg.as_str()))
        .chain(args.kwarg.iter().map(|a| a.arg.as_str()))
        .collect();
    walk::for_each_expr_in(function.body, &mut |expr| {
        if let ast::Expr::Name(name) = expr {
            if matches!(name.ctx, ast::ExprContext::Store) {
                names.push(name.id.as_str());
            }
        }
    });
    names
}

/// The names imported from the project's other modules (`from .lbfgs import factors`) that
/// this module's JAX-compiled or traced functions call: functions that JAX traces in the
/// modules that define them ([`ProjectFacts::jax_traced_imports`]).
///
/// [`ProjectFacts::jax_traced_imports`]: crate::model::ProjectFacts
pub(crate) fn jax_traced_imports(module: &ModuleModel<'_>) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for function in &module.functions {
        if !module.is_compiled_with(function, Framework::Jax) {
            continue;
        }
        for_each_named_callee(function, &mut |id| {
            if module.local_imports.contains(id) && !found.iter().any(|f| f == id) {
                found.push(id.to_owned());
            }
        });
    }
    found
}

/// Calls `f` with the name of every call by a bare name in `function` (`step(x)`) that is not
/// bound inside it: a function of the module or one it imports.
fn for_each_named_callee<'a>(function: &FunctionSyntax<'a>, f: &mut impl FnMut(&'a str)) {
    let local = bound_names(function);
    walk::for_each_expr_in(function.body, &mut |expr| {
        let ast::Expr::Call(call) = expr else { return };
        let ast::Expr::Name(name) = &*call.func else {
            return;
        };
        if !local.contains(&name.id.as_str()) {
            f(name.id.as_str());
        }
    });
}

/// `@jax.vmap`, `@jax.custom_jvp`, `@partial(jax.vmap, ...)`: the transform's name.
fn jax_transform_decorator(decorators: &[ast::Expr], imports: &Imports) -> Option<String> {
    decorators.iter().find_map(|decorator| {
        let callee = match decorator {
            ast::Expr::Call(call) => {
                let callee = imports.qualified_name(&call.func)?;
                if callee == "functools.partial" {
                    imports.qualified_name(call.args.first()?)?
                } else {
                    callee
                }
            }
            other => imports.qualified_name(other)?,
        };
        JAX_TRANSFORMS.contains(&callee.as_str()).then_some(callee)
    })
}
