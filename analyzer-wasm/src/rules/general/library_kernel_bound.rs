//! GEN401: time spent in a library kernel a JIT cannot improve.

use std::collections::HashMap;

use rustpython_parser::ast;

use crate::model::small_matrix::SmallMatrices;
use crate::model::{
    library_kernel_kind, ranks, walk, CallSite, FunctionModel, Kind, Library, ModuleModel,
};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Finds calls into optimized library kernels: `matmul`, `@`, `mm`, `bmm`, `einsum`,
    /// `np.dot`, `linalg.*`, `fft.*` and convolutions.
    ///
    /// ## Why is this bad?
    /// These already run in BLAS/LAPACK or cuBLAS/cuDNN. A JIT calls the same kernel (Inductor
    /// emits an `extern_kernels.mm` call), so the share of time they take does not get faster.
    /// A NumPy product (`@`, `dot`, `matmul`) is flagged only where an operand is visibly a
    /// matrix (transposed, two dimensions, sliced in two): of vectors it is a dot product, no
    /// time in BLAS. Sorts are library kernels too, but on real code they were rarely the time
    /// of a function a JIT decision is about (10 of 49 such notes were right): they count in
    /// the verdict, and are not reported. Nor are JAX's products (XLA dots, fused when small, in
    /// code a caller most often traces), determinants and least-squares fits (of 3x3 boxes and
    /// one-shot regressions, on real code), nor anything in a function Numba compiles already:
    /// it calls the same kernel, and is compiled for the loops around it. Measured on CPU, a 1024x1024 matmul took 19.7 ms
    /// eager and 27.7 ms under `torch.compile`.
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
    // Compiled or traced already (by a decorator, or as a callee of compiled code), the
    // function calls the same kernel and is compiled for the work around it: the note decides
    // nothing there.
    if function.is_compiled() {
        return;
    }
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
        // JAX's products are XLA dots that fuse with their neighbours when small (state-space
        // matrices, 3x3 boxes, dot products of per-sample vectors), and the function is most
        // often traced by a caller the module does not show: on real code 65 of 134 such notes
        // were right. A determinant or a least-squares fit is as often of a 3x3 box or a
        // one-shot regression (0 of 13 right), and a general solve in JAX code of a 3x3
        // deformation gradient or a Newton step's few unknowns (6 of 15 right).
        let jax = call.library() == Some(Library::Jax);
        if (jax && (kind == "matrix products (BLAS)" || call.short_name() == "solve"))
            || matches!(call.short_name(), "det" | "lstsq")
        {
            continue;
        }
        // A custom operator (`torch.ops.image.decode_png`) is an extension's own entry point,
        // most often behind a thin wrapper or a registration: the cost model counts it, the
        // note decides nothing.
        if kind == "sorting" || kind == "custom operators" {
            continue;
        }
        if may_be_vector_product(call) && !has_matrix_operand(call.expr) {
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
    let mut ranks = None;
    // Read only for a product that would be reported: most functions have none.
    let mut overloaded = None;
    walk::for_each_expr_in(function.syntax.body, &mut |expr| {
        if let ast::Expr::BinOp(bin_op) = expr {
            let kind = function.kind_of(expr, checker.module);
            if matches!(bin_op.op, ast::Operator::MatMult)
                && kind.is_array()
                && kind != Kind::JaxArray
                && !small.is_tiny_product(&bin_op.left, &bin_op.right)
                && !((rooted_in_self(&bin_op.left) || rooted_in_self(&bin_op.right))
                    && *overloaded.get_or_insert_with(|| overloads_matmul(checker.module)))
            {
                // NumPy code multiplies vectors as often as matrices (`r @ v` of 3-vectors in
                // an orbit code, `a @ Z` over an ARIMA state); tensors are batches.
                let ranks = ranks.get_or_insert_with(|| ranks::ranks(function.syntax.body));
                if kind != Kind::NdArray
                    || [&*bin_op.left, &*bin_op.right]
                        .iter()
                        .any(|operand| is_visibly_a_matrix(operand, ranks))
                {
                    found.push(bin_op.range);
                }
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

/// Whether a class of the module defines `@` itself (`__matmul__`, or linear_operator's
/// `_matmul`): there, `self.inverse() @ rhs` or `self.W() @ x` runs that class's Python code
/// (a permutation's gather, a KeOps reduction, a distribution's moments), not one BLAS call.
fn overloads_matmul(module: &ModuleModel<'_>) -> bool {
    module.functions.iter().any(|f| {
        f.is_method
            && f.name
                .rsplit('.')
                .next()
                .is_some_and(|short| matches!(short, "__matmul__" | "__rmatmul__" | "_matmul"))
    })
}

/// Whether an operand is the object itself or reached from it (`self`, `self.covar_mat`,
/// `self.inverse()`).
fn rooted_in_self(operand: &ast::Expr) -> bool {
    match operand {
        ast::Expr::Name(name) => name.id.as_str() == "self",
        ast::Expr::Attribute(attribute) => rooted_in_self(&attribute.value),
        ast::Expr::Call(call) => rooted_in_self(&call.func),
        _ => false,
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
/// Whether an operand of `@` is visibly a matrix: transposed (`K.T`, `w.transpose(0, 1)`), a
/// name with two dimensions or more (`n, d = X.shape`, `X = np.empty((n, d))`), a sliced one
/// (`X[:, :k]`), an object's matrix (`self.weight`) or a product itself. Of two operands of
/// unknown rank nothing says the product is more than a dot product, which is no time in BLAS.
fn is_visibly_a_matrix(operand: &ast::Expr, ranks: &HashMap<&str, usize>) -> bool {
    match operand {
        ast::Expr::Attribute(attribute) => {
            matches!(attribute.attr.as_str(), "T" | "mT" | "H")
                || matches!(&*attribute.value, ast::Expr::Name(name) if name.id.as_str() == "self")
        }
        ast::Expr::Call(call) => matches!(
            &*call.func,
            ast::Expr::Attribute(a) if matches!(a.attr.as_str(), "transpose" | "swapaxes" | "permute" | "t")
        ),
        ast::Expr::Name(name) => ranks.get(name.id.as_str()).is_some_and(|rank| *rank >= 2),
        ast::Expr::Subscript(subscript) => {
            matches!(&*subscript.slice, ast::Expr::Tuple(tuple) if tuple.elts.len() >= 2)
        }
        ast::Expr::BinOp(bin_op) => matches!(bin_op.op, ast::Operator::MatMult),
        _ => false,
    }
}

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
