//! GEN401: time spent in a library kernel a JIT cannot improve.

use rustpython_parser::ast;

use crate::model::small_matrix::SmallMatrices;
use crate::model::{library_kernel_kind, walk, CallSite, Framework, FunctionModel, Library};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Finds calls into optimized library kernels: `matmul`, `@`, `mm`, `bmm`, `einsum`,
    /// `np.dot`, `linalg.*`, `fft.*`, convolutions and sorting.
    ///
    /// ## Why is this bad?
    /// These already run in BLAS/LAPACK, cuBLAS/cuDNN or a tuned sort. A JIT calls the same
    /// kernel (Inductor emits an `extern_kernels.mm` call), so the share of time they take does
    /// not get faster. A NumPy or JAX `dot`/`matmul` call is flagged only where an operand is
    /// visibly a matrix (transposed): of vectors it is a reduction a JIT fuses. Measured on CPU, a 1024x1024 matmul took 19.7 ms eager and 27.7 ms under
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
    let small = SmallMatrices::of(function.syntax.body);
    for call in &function.calls {
        let Some(kind) = library_kernel_kind(call) else {
            continue;
        };
        // Ex) `torch.matmul(R[..., :3, :3], t)`, `torch.det(eye3)`: a product or a solve of
        // small matrices is a few launch-bound operations, not time in a library kernel.
        let tiny = match (kind, call.short_name(), call.expr.args.as_slice()) {
            ("matrix products (BLAS)", "matmul" | "mm" | "bmm", [left, right, ..]) => {
                small.is_tiny_product(left, right)
            }
            ("linear algebra (LAPACK)", _, [matrix, ..]) => small.is_small_matrix(matrix),
            _ => false,
        };
        if tiny {
            continue;
        }
        // Under Numba, `np.sort` is Numba's own compiled sort, not a library kernel.
        if kind == "sorting" && function.is_compiled_with(Framework::Numba) {
            continue;
        }
        if may_be_vector_product(call) && !has_matrix_operand(call.expr) {
            continue;
        }
        // Ex) `np.argsort(p.shape)`: a few integers of metadata.
        if kind == "sorting" && call.expr.args.first().is_some_and(is_shape) {
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
                && !small.is_tiny_product(&bin_op.left, &bin_op.right)
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

/// A product call that is as often of vectors as of matrices: NumPy's and JAX's `dot`,
/// `matmul`, `tensordot`, and `vdot`, `inner`, `torch.dot` anywhere. Of vectors it is a reduction
/// a JIT fuses, of matrices a BLAS call, and the call alone does not say which. (`torch.matmul`
/// and `@` on tensors multiply matrices in practice.)
fn may_be_vector_product(call: &CallSite<'_>) -> bool {
    let numpy_or_jax = matches!(call.library(), Some(Library::Numpy | Library::Jax));
    match call.short_name() {
        "vdot" | "inner" => true,
        "dot" => numpy_or_jax || call.is("torch.dot"),
        "matmul" | "tensordot" => numpy_or_jax,
        _ => false,
    }
}

/// Whether an argument is visibly a matrix: transposed (`a.T`, `a.mT`, `a.transpose(...)`,
/// `a.swapaxes(...)`).
fn has_matrix_operand(call: &ast::ExprCall) -> bool {
    call.args.iter().any(|arg| match arg {
        ast::Expr::Attribute(attribute) => matches!(attribute.attr.as_str(), "T" | "mT" | "H"),
        ast::Expr::Call(inner) => matches!(
            &*inner.func,
            ast::Expr::Attribute(a) if matches!(a.attr.as_str(), "transpose" | "swapaxes" | "permute")
        ),
        _ => false,
    })
}

/// `x.shape` or `x.shape[...]`.
fn is_shape(expr: &ast::Expr) -> bool {
    match expr {
        ast::Expr::Attribute(attribute) => attribute.attr.as_str() == "shape",
        ast::Expr::Subscript(subscript) => is_shape(&subscript.value),
        _ => false,
    }
}
