//! GEN403: a function too small to repay a call through a JIT.

use crate::model::{FunctionModel, Library, MUTATING_METHODS};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Finds functions with no loop and exactly one array operation, such as `return x + 1`.
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
    if is_too_small(function) && !inlined {
        checker.report(
            checker.header(function),
            "too little work to repay the call overhead of a JIT",
        );
    }
}

/// Whether the function does too little work for a JIT.
pub(crate) fn is_too_small(function: &FunctionModel<'_>) -> bool {
    let ops = function.ops.elementwise + function.ops.reductions + function.ops.kernels;
    function.loops.is_empty()
        && ops == 1
        && function.ops.statements <= 3
        && function.ops.kernels == 0
        && holds_its_work(function)
}

/// Whether every call is a library function, a builtin or an array method: a function that
/// calls other code (a kernel, a submodule, a callable) has its work there, not too little.
fn holds_its_work(function: &FunctionModel<'_>) -> bool {
    function.calls.iter().all(|call| {
        let library_or_builtin = call.qualified.as_deref().is_some_and(|qualified| {
            Library::of(qualified).is_some()
                || qualified.starts_with("builtins.")
                || qualified.starts_with("math.")
        });
        let container_method = call.method.is_some_and(|m| MUTATING_METHODS.contains(&m));
        library_or_builtin || call.receiver_kind.is_array() || container_method
    })
}
