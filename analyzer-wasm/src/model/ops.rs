//! What library calls are: elementwise operations, reductions, optimized library kernels,
//! static queries (answered from dtypes and shapes while tracing), and container mutations.

use rustpython_parser::ast;

use crate::model::function::CallSite;
use crate::model::op_counts::Op;

const ELEMENTWISE: &[&str] = &[
    "sin",
    "cos",
    "tan",
    "exp",
    "exp2",
    "log",
    "log2",
    "log10",
    "log1p",
    "expm1",
    "sqrt",
    "rsqrt",
    "abs",
    "absolute",
    "tanh",
    "sinh",
    "cosh",
    "sigmoid",
    "relu",
    "gelu",
    "silu",
    "softplus",
    "pow",
    "power",
    "square",
    "clip",
    "clamp",
    "maximum",
    "minimum",
    "where",
    "erf",
    "floor",
    "ceil",
    "sign",
    "negative",
    "neg",
    "add",
    "sub",
    "subtract",
    "mul",
    "multiply",
    "div",
    "divide",
    "true_divide",
    "reciprocal",
    "arctan",
    "arcsin",
    "arccos",
    "atan",
    "asin",
    "acos",
    "arctan2",
    "atan2",
    "hypot",
    "leaky_relu",
    "elu",
    "selu",
    "softsign",
    "tanhshrink",
    "mish",
    "round",
    "trunc",
    "fmod",
    "remainder",
    "logaddexp",
    "lerp",
    "addcmul",
    "addcdiv",
];

const REDUCTIONS: &[&str] = &[
    "sum",
    "mean",
    "max",
    "min",
    "prod",
    "std",
    "var",
    "norm",
    "argmax",
    "argmin",
    "cumsum",
    "cumprod",
    "logsumexp",
    "softmax",
    "log_softmax",
    "reduce_sum",
    "reduce_mean",
    "reduce_max",
    "amax",
    "amin",
    "nansum",
    "nanmean",
    "any",
    "all",
];

/// Whether a function or method name is an elementwise operation.
pub(crate) fn is_elementwise(name: &str) -> bool {
    ELEMENTWISE.contains(&name)
}

/// Whether a function or method name is a reduction.
pub(crate) fn is_reduction(name: &str) -> bool {
    REDUCTIONS.contains(&name)
}

/// Whether a call runs an optimized library kernel (BLAS, LAPACK, FFT, convolution, sort).
pub(crate) fn is_library_kernel(call: &CallSite<'_>) -> bool {
    library_kernel_kind(call).is_some()
}

/// What kind of optimized library kernel a call runs, in words: "matrix products (BLAS)",
/// "sorting"; `None` for anything else. Norms are reductions, not kernels.
pub(crate) fn library_kernel_kind(call: &CallSite<'_>) -> Option<&'static str> {
    let short = call.short_name();
    let qualified = call.qualified.as_deref().unwrap_or("");
    let root = qualified.split('.').next().unwrap_or("");
    let numerical_root = matches!(
        root,
        "numpy" | "scipy" | "torch" | "jax" | "tensorflow" | "cupy"
    );
    if call.library().is_none() && !numerical_root {
        return None;
    }
    if short == "einsum" && !is_matrix_product_einsum(call) {
        return None;
    }
    // `dot(d, d)` and `d.dot(d)` are sums of squares: reductions.
    if short == "dot" && same_operands(call) {
        return None;
    }
    // Norms are reductions; `cross`, `vecdot` and `diagonal` are elementwise or views.
    if matches!(
        short,
        "norm"
            | "matrix_norm"
            | "vector_norm"
            | "cross"
            | "vecdot"
            | "diagonal"
            | "matrix_transpose"
    ) {
        return None;
    }
    // `fftfreq` and `fftshift` build or reorder a frequency grid: no transform.
    let grid = matches!(short, "fftfreq" | "rfftfreq" | "fftshift" | "ifftshift");
    if (qualified.contains(".fft.") && !grid) || matches!(short, "stft" | "istft") {
        return Some("FFTs");
    }
    // Ex) `torch.ops.torchaudio._lfilter(...)`: a compiled extension's operator, which a JIT
    // calls as it is and cannot fuse into.
    if qualified.starts_with("torch.ops.") {
        return Some("custom operators");
    }
    // `jax.scipy.sparse.linalg.cg`, `lobpcg_standard`: iterative solvers written in the array
    // library (loops of matrix-vector products), no LAPACK call.
    if qualified.contains(".sparse.linalg.") {
        return None;
    }
    let kind = match short {
        // `vdot` and `inner` of vectors are reductions; NumPy's `einsum` calls BLAS only with
        // `optimize=`.
        "einsum" if qualified.starts_with("numpy.") && call.keyword("optimize").is_none() => {
            return None
        }
        "matmul" | "mm" | "bmm" | "einsum" | "dot" | "tensordot" | "linear" | "addmm"
        | "baddbmm" | "matrix_power" | "multi_dot" => "matrix products (BLAS)",
        "conv1d" | "conv2d" | "conv3d" | "conv" | "convolve" | "conv_transpose2d" => "convolutions",
        "sort" | "argsort" => "sorting",
        "scaled_dot_product_attention" => "fused attention",
        "svd" | "solve" | "inv" | "cholesky" | "eig" | "eigh" | "qr" | "lstsq" | "det" | "pinv"
        | "slogdet" | "eigvalsh" | "eigvals" | "cho_solve" | "solve_triangular" => {
            "linear algebra (LAPACK)"
        }
        _ if qualified.contains(".linalg.") => "linear algebra (LAPACK)",
        _ => return None,
    };
    Some(kind)
}

/// Whether an `einsum` is a matrix product: it contracts an index that two operands share and
/// the output drops, and some operand keeps an index of its own in the output (`"ij,jk->ik"`,
/// `"btk,bnk->btn"`, `"ij,j->i"`). A spec of one operand (`"ijj->i"`, `"ijk->ij"`) is a trace
/// or a sum, one that sums over nothing (`"ij,i->ij"`) is a broadcast product, one whose every output index is
/// shared (`"bn,bn->b"`) is a row-wise dot: elementwise work and a reduction. A spec that is not
/// a literal string counts as a matrix product.
fn is_matrix_product_einsum(call: &CallSite<'_>) -> bool {
    let Some(ast::Expr::Constant(constant)) = call.expr.args.first() else {
        return true;
    };
    let ast::Constant::Str(spec) = &constant.value else {
        return true;
    };
    let Some((inputs, output)) = spec.split_once("->") else {
        return true;
    };
    let operands: Vec<&str> = inputs.split(',').map(str::trim).collect();
    // Ex) `'ijj->i'`, `'ij,k->i'`: a trace or sums of single operands, no contraction.
    let contracts = inputs
        .chars()
        .filter(char::is_ascii_alphabetic)
        .any(|index| {
            !output.contains(index) && operands.iter().filter(|o| o.contains(index)).count() >= 2
        });
    let own_output_index = operands.iter().enumerate().any(|(position, operand)| {
        operand
            .chars()
            .filter(char::is_ascii_alphabetic)
            .any(|index| {
                output.contains(index)
                    && operands
                        .iter()
                        .enumerate()
                        .all(|(other, o)| other == position || !o.contains(index))
            })
    });
    contracts && own_output_index
}

/// Whether a product's two operands are the same name: `dot(d, d)`, or `d.dot(d)`.
fn same_operands(call: &CallSite<'_>) -> bool {
    match (call.receiver, call.expr.args.as_slice()) {
        (None, [ast::Expr::Name(left), ast::Expr::Name(right)])
        | (Some(ast::Expr::Name(left)), [ast::Expr::Name(right)]) => left.id == right.id,
        _ => false,
    }
}

/// What a submodule call `self.<name>(x)` runs, by the name it is stored under: an activation,
/// gate or dropout (`self.act`, `self.gate`, `self.drop_path`) is one elementwise kernel that a
/// JIT fuses with its neighbours; any other layer (`self.conv1`, `self.fc`, `self.attn`, and a
/// norm layer, which runs eagerly as one fused kernel already) is library-kernel work.
pub(crate) fn submodule_op(name: &str) -> Op {
    let elementwise = name
        .split('_')
        .map(|word| word.trim_end_matches(|c: char| c.is_ascii_digit()))
        .any(|word| {
            matches!(
                word,
                "act"
                    | "activation"
                    | "gate"
                    | "relu"
                    | "gelu"
                    | "silu"
                    | "sigmoid"
                    | "tanh"
                    | "drop"
                    | "dropout"
            )
        });
    if elementwise {
        Op::Elementwise
    } else {
        Op::Kernel
    }
}

/// Library functions that answer from dtypes, shapes or the runtime, never from array data: a
/// JIT knows their result while tracing, so a branch on them is static.
const STATIC_QUERIES: &[&str] = &[
    "issubdtype",
    "isdtype",
    "result_type",
    "promote_types",
    "can_cast",
    "ndim",
    "shape",
    "size",
    "iscomplexobj",
    "isrealobj",
    "isscalar",
    "is_tensor",
    "is_floating_point",
    "is_complex",
    "is_grad_enabled",
    "is_available",
    "get_default_dtype",
    "finfo",
    "iinfo",
    "device_count",
    "default_backend",
    "devices",
    "local_devices",
    "process_count",
    "process_index",
    "local_device_count",
    "broadcast_shapes",
    // Pytree structure (`jax.tree_util.tree_structure`): Python metadata, not array data.
    "tree_structure",
    "treedef_is_leaf",
    "is_compiling",
];

/// Whether a library function or array method answers from dtypes, shapes, devices or the
/// runtime (`is_floating_point`, `torch.jit.is_scripting`, `jnp.issubdtype`), never from data.
pub(crate) fn is_static_query(name: &str) -> bool {
    name.starts_with("is_") || STATIC_QUERIES.contains(&name)
}

/// Method names that change a container in place.
pub(crate) const MUTATING_METHODS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "pop",
    "remove",
    "clear",
    "add",
    "update",
    "discard",
    "setdefault",
    "popitem",
];

#[cfg(test)]
mod tests {
    use super::{submodule_op, Op};

    #[test]
    fn submodules_are_told_apart_by_name() {
        assert_eq!(submodule_op("conv1"), Op::Kernel);
        assert_eq!(submodule_op("fc"), Op::Kernel);
        assert_eq!(submodule_op("act"), Op::Elementwise);
        assert_eq!(submodule_op("drop_path1"), Op::Elementwise);
        assert_eq!(submodule_op("gate"), Op::Elementwise);
        assert_eq!(submodule_op("norm2"), Op::Kernel);
    }
}
