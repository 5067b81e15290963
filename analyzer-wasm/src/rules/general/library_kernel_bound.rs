//! GEN401: time spent in a library kernel a JIT cannot improve.

use rustpython_parser::ast;

use crate::model::{library_kernel_kind, walk, Framework, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Finds calls into optimized library kernels: `matmul`, `@`, `mm`, `bmm`, `einsum`,
    /// `np.dot`, `linalg.*`, `fft.*`, convolutions and sorting.
    ///
    /// ## Why is this bad?
    /// These already run in BLAS/LAPACK, cuBLAS/cuDNN or a tuned sort. A JIT calls the same
    /// kernel (Inductor emits an `extern_kernels.mm` call), so the share of time they take does
    /// not get faster: measured on CPU, a 1024x1024 matmul took 19.7 ms eager and 27.7 ms under
    /// `torch.compile`.
    ///
    /// ## Example
    /// ```python
    /// @torch.compile
    /// def project(x, w):
    ///     return x @ w
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def project(x, w):
    ///     return x @ w
    /// ```
    /// Compile a larger region that fuses the elementwise work around the kernel, or leave it.
}

/// GEN401
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        let Some(kind) = library_kernel_kind(call) else {
            continue;
        };
        // Under Numba, `np.sort` is Numba's own compiled sort, not a library kernel.
        if kind == "sorting" && function.is_compiled_with(Framework::Numba) {
            continue;
        }
        let name = call
            .qualified
            .clone()
            .unwrap_or_else(|| format!(".{}", call.short_name()));
        checker.report(
            call.expr.range,
            format!("`{name}` already runs in an optimized library kernel ({kind}): a JIT does not speed it up"),
        );
    }
    let mut found = Vec::new();
    walk::for_each_expr_in(function.syntax.body, &mut |expr| {
        if let ast::Expr::BinOp(bin_op) = expr {
            if matches!(bin_op.op, ast::Operator::MatMult)
                && function.kind_of(expr, checker.module).is_array()
            {
                found.push(bin_op.range);
            }
        }
    });
    for range in found {
        checker.report(
            range,
            "`@` already runs in an optimized matrix-product kernel (BLAS): a JIT does not speed it up",
        );
    }
}
