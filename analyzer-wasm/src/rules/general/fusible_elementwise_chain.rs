//! GEN402: a chain of elementwise tensor operations that a JIT fuses.

use crate::model::{Framework, FunctionModel, Library};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Finds functions whose work is a chain of four or more elementwise operations and
    /// reductions on torch, JAX or TensorFlow arrays, without Python loops, and with no
    /// library kernel (a matrix product, a convolution, a layer) between them: such a kernel
    /// ends the fused kernel, so operations on either side of it do not fuse into one pass.
    /// Functions compiled already, and JAX helpers (traced by the step that calls them), are
    /// not reported.
    ///
    /// ## Why is this bad?
    /// It is not bad: it is the best case for a JIT. Run eagerly, every operation is its own
    /// kernel that reads and writes the whole array; compiled, the chain fuses into one or two
    /// kernels and one pass over memory. Measured on CPU with torch 2.15, a pointwise chain went
    /// from 57 ms to 1.7 ms (the first call pays about 12 s of compilation); the product brief
    /// measured 2.8x on a GPU.
    ///
    /// ## Example
    /// ```python
    /// def activation(x):
    ///     x = torch.sin(x)
    ///     x = x * torch.cos(x)
    ///     return x / (1 + x.pow(2))
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @torch.compile
    /// def activation(x):
    ///     x = torch.sin(x)
    ///     x = x * torch.cos(x)
    ///     return x / (1 + x.pow(2))
    /// ```
}

/// The rule's code.
pub(crate) const CODE: &str = "GEN402";

/// How many operations make a chain worth fusing.
pub(crate) const MIN_CHAIN: usize = 4;

/// GEN402
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    // Compiled already (decorated, or traced by its caller), the chain is fused: "run as
    // kernels eagerly" would be false, and there is no decision left to make.
    if function.is_compiled()
        || !is_fusible_chain(function)
        || traced_by_its_caller_as_a_rule(function)
    {
        return;
    }
    let ops = function.ops.longest_run();
    let message = if ops >= function.ops.fusible() {
        format!("{ops} elementwise operations run as {ops} kernels eagerly; a JIT fuses them into one pass")
    } else {
        format!("{ops} elementwise operations in a row run as {ops} kernels eagerly; a JIT fuses them into one pass")
    };
    checker.report(checker.header(function), message);
}

/// Whether the function is a fusible chain of array operations.
pub(crate) fn is_fusible_chain(function: &FunctionModel<'_>) -> bool {
    let framework_arrays = [Library::Torch, Library::Jax, Library::TensorFlow]
        .iter()
        .any(|l| function.uses(*l));
    framework_arrays && function.loops.is_empty() && function.ops.longest_run() >= MIN_CHAIN
}

/// JAX code that is not jitted itself: JAX programs jit the outermost step (a training or
/// solver step) and trace every helper inside it, so fusing the helper on its own is not the
/// decision to make.
pub(crate) fn traced_by_its_caller_as_a_rule(function: &FunctionModel<'_>) -> bool {
    function.uses(Library::Jax)
        && !function.uses(Library::Torch)
        && !function.uses(Library::TensorFlow)
        && !function.is_compiled_with(Framework::Jax)
}
