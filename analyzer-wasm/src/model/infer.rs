//! The kind of an expression, given the kinds of the function's locals.

use std::collections::HashMap;

use rustpython_parser::ast;

use crate::model::imports::{last_segment, Library};
use crate::model::kind::Kind;
use crate::model::ops::is_static_query;
use crate::model::ModuleModel;

/// The kind of an expression given the kinds of locals.
pub(crate) fn infer(
    expr: &ast::Expr,
    kinds: &HashMap<&str, Kind>,
    module: &ModuleModel<'_>,
) -> Kind {
    match expr {
        ast::Expr::Constant(constant) => match constant.value {
            ast::Constant::Str(_) | ast::Constant::Bytes(_) => Kind::Str,
            ast::Constant::Int(_)
            | ast::Constant::Float(_)
            | ast::Constant::Bool(_)
            | ast::Constant::Complex { .. } => Kind::Scalar,
            ast::Constant::Tuple(_) => Kind::Tuple,
            ast::Constant::None | ast::Constant::Ellipsis => Kind::Unknown,
        },
        ast::Expr::JoinedStr(_) => Kind::Str,
        ast::Expr::List(_) | ast::Expr::ListComp(_) => Kind::List,
        ast::Expr::Dict(_) | ast::Expr::DictComp(_) => Kind::Dict,
        ast::Expr::Set(_) | ast::Expr::SetComp(_) => Kind::Set,
        ast::Expr::Tuple(_) => Kind::Tuple,
        ast::Expr::Name(name) => kinds
            .get(name.id.as_str())
            .copied()
            .unwrap_or(Kind::Unknown),
        ast::Expr::BinOp(bin_op) => {
            let left = infer(&bin_op.left, kinds, module);
            let right = infer(&bin_op.right, kinds, module);
            match (left, right) {
                // Ex) `"%d items" % x`
                (Kind::Str, _) if matches!(bin_op.op, ast::Operator::Mod | ast::Operator::Add) => {
                    Kind::Str
                }
                (l, _) if l.is_array() => l,
                (_, r) if r.is_array() => r,
                (Kind::Str, _) => Kind::Str,
                (Kind::List, Kind::List) => Kind::List,
                (Kind::Scalar, Kind::Scalar) => Kind::Scalar,
                _ => Kind::Unknown,
            }
        }
        ast::Expr::UnaryOp(unary) => {
            let operand = infer(&unary.operand, kinds, module);
            match unary.op {
                ast::UnaryOp::Not if !operand.is_array() => Kind::Scalar,
                _ => operand,
            }
        }
        // Ex) `x is None`: identity, never an elementwise comparison.
        ast::Expr::Compare(compare)
            if compare
                .ops
                .iter()
                .all(|op| matches!(op, ast::CmpOp::Is | ast::CmpOp::IsNot)) =>
        {
            Kind::Scalar
        }
        ast::Expr::Compare(compare) => std::iter::once(&*compare.left)
            .chain(&compare.comparators)
            .map(|e| infer(e, kinds, module))
            .find(|k| k.is_array())
            .unwrap_or(Kind::Scalar),
        ast::Expr::BoolOp(bool_op) => bool_op
            .values
            .iter()
            .map(|e| infer(e, kinds, module))
            .find(|k| k.is_array())
            .unwrap_or(Kind::Scalar),
        ast::Expr::IfExp(if_exp) => {
            let body = infer(&if_exp.body, kinds, module);
            let orelse = infer(&if_exp.orelse, kinds, module);
            if body == orelse || orelse == Kind::Unknown {
                body
            } else if body == Kind::Unknown {
                orelse
            } else {
                Kind::Unknown
            }
        }
        ast::Expr::Subscript(subscript) => match infer(&subscript.value, kinds, module) {
            kind if kind.is_array() => kind,
            Kind::Str => Kind::Str,
            Kind::Tuple => {
                // Ex) `x.shape[0]`
                if matches!(&*subscript.value, ast::Expr::Attribute(a) if a.attr.as_str() == "shape")
                {
                    Kind::Scalar
                } else {
                    Kind::Unknown
                }
            }
            _ => Kind::Unknown,
        },
        ast::Expr::Attribute(attribute) => {
            if let Some(qualified) = module.imports.qualified_name(expr) {
                return match last_segment(&qualified) {
                    "pi" | "e" | "nan" | "inf" | "NaN" | "euler_gamma" | "tau" => Kind::Scalar,
                    _ => Kind::Unknown,
                };
            }
            let base = infer(&attribute.value, kinds, module);
            match attribute.attr.as_str() {
                "shape" => Kind::Tuple,
                "ndim" | "size" | "itemsize" | "nbytes" if base.is_array() => Kind::Scalar,
                "T" | "mT" | "real" | "imag" | "data" | "grad" | "flat" => base,
                _ => Kind::Unknown,
            }
        }
        ast::Expr::Call(call) => infer_call(call, kinds, module),
        ast::Expr::NamedExpr(named) => infer(&named.value, kinds, module),
        _ => Kind::Unknown,
    }
}

fn infer_call(call: &ast::ExprCall, kinds: &HashMap<&str, Kind>, module: &ModuleModel<'_>) -> Kind {
    if let Some(qualified) = module.imports.qualified_name(&call.func) {
        return match qualified.as_str() {
            "builtins.float" | "builtins.int" | "builtins.bool" | "builtins.len"
            | "builtins.abs" | "builtins.round" => Kind::Scalar,
            "builtins.sum" | "builtins.min" | "builtins.max" => {
                match call.args.first().map(|a| infer(a, kinds, module)) {
                    Some(kind) if kind.is_array() && call.args.len() > 1 => kind,
                    _ => Kind::Scalar,
                }
            }
            "builtins.str" | "builtins.repr" | "builtins.format" => Kind::Str,
            "builtins.list" | "builtins.sorted" => Kind::List,
            "builtins.dict" => Kind::Dict,
            "builtins.set" => Kind::Set,
            "builtins.tuple" => Kind::Tuple,
            q if q.starts_with("math.") => Kind::Scalar,
            "torch.compile" | "jax.jit" | "tensorflow.function" | "numba.njit" | "numba.jit" => {
                Kind::Unknown
            }
            q if q.starts_with("numpy.random.seed") || q.starts_with("jax.random.split") => {
                Kind::Unknown
            }
            // Types and handles of the libraries, not arrays.
            "torch.Size" => Kind::Tuple,
            "torch.device"
            | "torch.dtype"
            | "torch.Generator"
            | "numpy.dtype"
            | "jax.numpy.dtype"
            | "tensorflow.DType"
            | "tensorflow.TensorShape" => Kind::Unknown,
            // The runtime's own state (`torch._C._are_functorch_transforms_active()`,
            // `torch._dynamo.config`): Python values, never arrays.
            q if [
                "torch._C.",
                "torch._dynamo.",
                "torch.compiler.",
                "torch._guards.",
            ]
            .iter()
            .any(|p| q.starts_with(p)) =>
            {
                Kind::Unknown
            }
            // Flax's own functions (`traverse_util.flatten_dict`, `serialization.to_state_dict`)
            // handle pytrees and modules: what they return is no array as such.
            q if q.starts_with("flax.") => Kind::Unknown,
            // Ex) `leaves, treedef = jtu.tree_flatten(tree)`: pytrees, their leaves in a list
            // and their structure, a Python value; an array only inside the pytree.
            q if q.starts_with("jax.tree_util.") || q.starts_with("jax.tree.") => Kind::Unknown,
            // Ex) `traceback_util.include_frame(frame)`: JAX's internals are Python plumbing.
            q if q.starts_with("jax._src.") && !q.starts_with("jax._src.numpy.") => Kind::Unknown,
            // Equinox's `tree_equal`: a Python bool for pytrees of Python values, an array for
            // pytrees of arrays; the call does not say which.
            q if last_segment(q) == "tree_equal" => Kind::Unknown,
            // Ex) `jnp.issubdtype(x.dtype, jnp.floating)`: known while tracing, never traced.
            q if Library::of(q).is_some() && is_static_query(last_segment(q)) => Kind::Scalar,
            q => match Library::of(q) {
                Some(library) if !q.contains(".nn.Module") => Kind::array_of(library),
                _ => Kind::Unknown,
            },
        };
    }
    let ast::Expr::Attribute(attribute) = &*call.func else {
        return Kind::Unknown;
    };
    let receiver = infer(&attribute.value, kinds, module);
    match attribute.attr.as_str() {
        "item" => Kind::Scalar,
        "tolist" => Kind::List,
        "numpy" => Kind::NdArray,
        "numel" | "dim" | "ndimension" | "element_size" => Kind::Scalar,
        // Ex) `x.is_floating_point()`, `x.is_contiguous()`: known while tracing.
        method if receiver.is_array() && is_static_query(method) => Kind::Scalar,
        "size" if receiver == Kind::Tensor => {
            if call.args.is_empty() {
                Kind::Tuple
            } else {
                Kind::Scalar
            }
        }
        "format" | "join" | "strip" | "lower" | "upper" | "replace" if receiver == Kind::Str => {
            Kind::Str
        }
        "split" if receiver == Kind::Str => Kind::List,
        "copy" => receiver,
        _ if receiver.is_array() => receiver,
        _ => Kind::Unknown,
    }
}
