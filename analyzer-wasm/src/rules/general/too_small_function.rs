//! GEN403: a function too small to repay a call through a JIT.

use rustpython_parser::ast;

use crate::model::{Framework, FunctionModel, Library, ModuleModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Finds functions with no loop and exactly one array operation, such as `return x + 1`.
    /// A function compiled with Numba is reported only where plain Python calls it: called
    /// from compiled code or handed to it as a callback, it is compiled into its caller.
    ///
    /// ## Why is this bad?
    /// A compiled call first checks argument types or guards. For tiny work that check costs
    /// more than the work: measured on this project's machines, `a + b` took 0.063 µs in Python
    /// and 0.156 µs through `@njit`; `x + 1` on 4 elements took 2.6 µs eagerly and 7.8 µs under
    /// `torch.compile`.
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def add(a, b):
    ///     return a + b
    ///
    /// def total(pairs):
    ///     return sum(add(a, b) for a, b in pairs)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def add(a, b):
    ///     return a + b
    /// ```
    /// Compile the caller that runs the loop instead.
}

/// GEN403
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    // A helper that compiled code calls pays no call overhead: it is compiled into its caller.
    let inlined = checker
        .module
        .called_from_compiled
        .contains(function.syntax.name.as_str());
    // A Numba ufunc pays its dispatch once per array, not per element.
    let ufunc = function.syntax.decorators.iter().any(|decorator| {
        let target = match decorator {
            ast::Expr::Call(call) => &*call.func,
            other => other,
        };
        checker
            .module
            .imports
            .qualified_name(target)
            .is_some_and(|q| matches!(q.as_str(), "numba.vectorize" | "numba.guvectorize"))
    });
    if !is_too_small(function, checker.module) || inlined || ufunc {
        return;
    }
    // A small Numba function is a building block: compiled code calls it, or is handed it as a
    // callback (`reduce_nb(a, mean_reduce_nb)`), from this module or another. Only a call from
    // plain Python shows the dispatch this rule is about. (Asked last: it reads every function
    // of the module.)
    let building_block = function.jit_for(Framework::Numba).is_some()
        && !checker.module.is_called_from_python(&function.syntax.name);
    if !building_block {
        checker.report(
            checker.header(function),
            "too little work to repay the call overhead of a JIT",
        );
    }
}

/// Standard-library modules whose calls do no array work to speak of (`time.perf_counter`).
const STANDARD_LIBRARY: &[&str] = &[
    "builtins",
    "math",
    "cmath",
    "time",
    "os",
    "sys",
    "re",
    "logging",
    "warnings",
    "functools",
    "itertools",
    "operator",
    "random",
];

/// Whether the function does too little work for a JIT.
pub(crate) fn is_too_small(function: &FunctionModel<'_>, module: &ModuleModel<'_>) -> bool {
    let ops = function.ops.fusible() + function.ops.kernels;
    function.loops.is_empty()
        && ops == 1
        && function.ops.statements <= 3
        && function.ops.kernels == 0
        && !delegates(function, module)
}

/// Whether the function hands its work to other code: a function of the module or of another
/// module of the project, a callable it was given, or a submodule (`self.attn(x)`). Its work is
/// there, not too little.
fn delegates(function: &FunctionModel<'_>, module: &ModuleModel<'_>) -> bool {
    function.calls.iter().any(|call| match &*call.expr.func {
        // Ex) `otu.tree_l2_norm(x)`: another package's (or the project's) function.
        _ if call.qualified.as_deref().is_some_and(|q| {
            let root = q.split('.').next().unwrap_or(q);
            Library::of(q).is_none() && !STANDARD_LIBRARY.contains(&root)
        }) =>
        {
            true
        }
        ast::Expr::Name(name) => {
            let id = name.id.as_str();
            let callable = call.qualified.is_none() && function.is_local(id);
            module.function_named(&function.syntax.name, id).is_some()
                || module.local_imports.contains(id)
                || callable
        }
        ast::Expr::Attribute(attribute) => {
            let mut base = &*attribute.value;
            while let ast::Expr::Attribute(inner) = base {
                base = &inner.value;
            }
            call.qualified.is_none()
                && matches!(base, ast::Expr::Name(n) if n.id.as_str() == "self")
        }
        _ => true,
    })
}
