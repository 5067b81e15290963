//! Kinds of unannotated parameters, from how the body uses them.
//!
//! A parameter with neither annotation nor default is unknown until the body shows what it is:
//! attributes and methods that only arrays have (`x.shape`, `x.dtype`, `x.item()`,
//! `x.reshape(...)`), a tuple index (`x[i, j]`), a matrix product (`x @ w`), or being passed to a
//! library's array operation (`np.sum(x)`, `torch.sin(x)`); being the bound of a `range` makes it
//! an integer. A parameter that shows none of these stays unknown, and rules that need an array
//! do not fire on it: `device`, `mode`, `leaves` or `transition_steps` are not arrays because
//! the file imports torch or JAX.

use std::collections::HashMap;

use rustpython_parser::ast;

use crate::model::imports::{last_segment, Library};
use crate::model::kind::Kind;
use crate::model::ops::{is_elementwise, is_reduction};
use crate::model::walk;
use crate::model::ModuleModel;

/// Attributes and methods that arrays have and Python's containers, numbers and strings do not.
const ARRAY_ONLY_ATTRIBUTES: &[&str] = &[
    "shape",
    "ndim",
    "dtype",
    "T",
    "mT",
    "reshape",
    "astype",
    "numel",
    "item",
    "tolist",
    "flatten",
    "ravel",
    "squeeze",
    "unsqueeze",
    "permute",
    "contiguous",
    "detach",
    "argmax",
    "argmin",
    "cumsum",
    "clip",
    "clamp",
    "nonzero",
    "matmul",
    "sum",
    "mean",
    "max",
    "min",
    "std",
    "var",
    "prod",
    "any",
    "all",
    "at",
];

/// Library functions other than elementwise operations and reductions whose array arguments
/// are arrays (`np.concatenate([a, b])` aside: only direct arguments count).
const ARRAY_FUNCTIONS: &[&str] = &[
    "reshape",
    "transpose",
    "concatenate",
    "stack",
    "cat",
    "expand_dims",
    "squeeze",
    "unsqueeze",
    "flatten",
    "ravel",
    "diff",
    "roll",
    "flip",
    "tile",
    "take",
    "gather",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "isnan",
    "isinf",
    "isfinite",
    "nan_to_num",
    "matmul",
    "dot",
    "outer",
    "einsum",
    "tensordot",
    "nonzero",
    "argsort",
    "sort",
    "cumsum",
    "solve",
    "inv",
    "pinv",
    "svd",
    "cholesky",
    "eig",
    "eigh",
    "qr",
    "lstsq",
    "det",
    "conv1d",
    "conv2d",
    "conv3d",
    "fft",
    "ifft",
    "rfft",
    "fft2",
];

/// What the body says each named parameter is; parameters it says nothing about are absent.
pub(crate) fn param_kinds<'a>(
    body: &'a [ast::Stmt],
    names: &[&'a str],
    module: &ModuleModel<'_>,
    fallback: Option<Library>,
) -> HashMap<&'a str, Kind> {
    let mut found: HashMap<&'a str, Kind> = HashMap::new();
    let param = |expr: &'a ast::Expr| match expr {
        ast::Expr::Name(name) if names.contains(&name.id.as_str()) => Some(name.id.as_str()),
        _ => None,
    };
    let note = |name: &'a str, kind: Kind, found: &mut HashMap<&'a str, Kind>| {
        let entry = found.entry(name).or_insert(kind);
        // An array seen once wins over a scalar use (`range(x.shape[0])` is not `range(x)`).
        if kind.is_array() && !entry.is_array() {
            *entry = kind;
        }
    };
    let fallback_array = fallback.map(Kind::array_of);
    walk::for_each_expr_in(body, &mut |expr| match expr {
        ast::Expr::Attribute(attribute) => {
            if let (Some(name), Some(kind)) = (root_param(&attribute.value, &param), fallback_array)
            {
                if ARRAY_ONLY_ATTRIBUTES.contains(&attribute.attr.as_str()) {
                    note(name, kind, &mut found);
                }
            }
        }
        ast::Expr::Subscript(subscript) => {
            if let (Some(name), ast::Expr::Tuple(_), Some(kind)) =
                (param(&subscript.value), &*subscript.slice, fallback_array)
            {
                note(name, kind, &mut found);
            }
        }
        ast::Expr::BinOp(bin_op) if matches!(bin_op.op, ast::Operator::MatMult) => {
            for side in [&*bin_op.left, &*bin_op.right] {
                if let (Some(name), Some(kind)) = (param(side), fallback_array) {
                    note(name, kind, &mut found);
                }
            }
        }
        ast::Expr::Call(call) => {
            let Some(qualified) = module.imports.qualified_name(&call.func) else {
                return;
            };
            if qualified == "builtins.range" {
                for arg in &call.args {
                    if let Some(name) = param(arg) {
                        note(name, Kind::Scalar, &mut found);
                    }
                }
                return;
            }
            let Some(library) = Library::of(&qualified) else {
                return;
            };
            let short = last_segment(&qualified);
            if is_elementwise(short) || is_reduction(short) || ARRAY_FUNCTIONS.contains(&short) {
                for arg in &call.args {
                    if let Some(name) = param(arg) {
                        note(name, Kind::array_of(library), &mut found);
                    }
                }
            }
        }
        _ => (),
    });
    found
}

/// The parameter at the root of `x`, `x[x > 0]` or `x[:, 0]`: evidence on `x[mask].sum()` is
/// evidence on `x`. A plain index (`xs[i].shape`) is not: `xs` may be a list of arrays.
fn root_param<'a>(
    expr: &'a ast::Expr,
    param: &impl Fn(&'a ast::Expr) -> Option<&'a str>,
) -> Option<&'a str> {
    match expr {
        ast::Expr::Subscript(subscript)
            if matches!(
                &*subscript.slice,
                ast::Expr::Tuple(_) | ast::Expr::Compare(_)
            ) =>
        {
            root_param(&subscript.value, param)
        }
        other => param(other),
    }
}
