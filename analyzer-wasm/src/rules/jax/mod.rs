//! JX: rules for `jax.jit` (tracers, immutability, trace-time side effects, static arguments).

pub(crate) mod concrete_conversion;
pub(crate) mod data_dependent_shape;
pub(crate) mod external_mutation;
pub(crate) mod in_place_update;
pub(crate) mod numpy_random_in_jit;
pub(crate) mod print_side_effect;
pub(crate) mod static_argument_recompile;
pub(crate) mod traced_branch;
pub(crate) mod traced_shape_argument;

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextRange;

use crate::model::{
    is_static_query, last_segment, walk, Framework, FunctionModel, Kind, Library, ModuleModel,
    STATIC_BUILTINS,
};

/// The parameters `jax.jit` traces: all but `self` and the static ones.
pub(crate) fn traced_params<'a>(function: &FunctionModel<'a>) -> Vec<&'a str> {
    let decorator = function.jit_for(Framework::Jax);
    // Arguments of a jitted function or of a transform's function arrive traced; a function
    // called from jitted code gets what its caller passes.
    let compiled = decorator.is_some()
        || function
            .traced
            .as_ref()
            .is_some_and(|t| t.framework == Framework::Jax && t.arguments_traced);
    function
        .params
        .iter()
        .enumerate()
        .filter(|(position, param)| {
            let is_self = function.syntax.is_method && *position == 0;
            // Ex) `bias=True` of a function its jitted caller calls: a Python option, passed
            // as a Python value (a decorated function's callers may pass anything, though).
            let option =
                decorator.is_none() && matches!(param.default, Some(ast::Expr::Constant(_)));
            let is_static =
                option || decorator.is_some_and(|d| d.is_static_argument(param.name, *position));
            // Compiled, every argument that is not static is traced; a candidate's parameters
            // are traced only when they are JAX arrays (the others would be made static, and
            // NumPy arrays, `np.ndarray` by their annotation or their use, are host data:
            // jaxns validates its race trees on them before anything is jitted).
            let traced = compiled || param.kind == Kind::JaxArray;
            !(is_self || is_static) && traced
        })
        .map(|(_, param)| param.name)
        .collect()
}

/// Calls whose value a branch may take without reading a tracer for certain: Equinox's type
/// tests (`eqx.is_array(x)`, an `isinstance` check), and `tree_equal(a, b)`, a Python bool for
/// pytrees of Python values and a traced one for pytrees of arrays (the code does not say which).
fn decides_nothing_traced(call: &ast::ExprCall, module: &ModuleModel<'_>) -> bool {
    matches!(
        module.imports.called_name(&call.func).as_deref(),
        Some("tree_equal" | "is_array" | "is_inexact_array" | "is_array_like")
    )
}

/// Whether the value of `expr` depends on traced data: a traced parameter or a JAX array,
/// outside `.shape`, `.ndim`, `.dtype`, `.size` and `len(...)` (static under `jit`).
pub(crate) fn reads_traced(
    expr: &ast::Expr,
    function: &FunctionModel<'_>,
    module: &ModuleModel<'_>,
    traced: &[&str],
) -> bool {
    match expr {
        ast::Expr::Name(name) => {
            let id = name.id.as_str();
            traced.contains(&id) || function.kind_of_name(id) == crate::model::Kind::JaxArray
        }
        ast::Expr::Attribute(attribute)
            if matches!(attribute.attr.as_str(), "shape" | "ndim" | "dtype" | "size") =>
        {
            false
        }
        // Ex) `x is None`
        ast::Expr::Compare(compare)
            if compare
                .ops
                .iter()
                .all(|op| matches!(op, ast::CmpOp::Is | ast::CmpOp::IsNot)) =>
        {
            false
        }
        // Ex) `'kT' not in kwargs`: a string looked up among a mapping's keys.
        ast::Expr::Compare(compare)
            if compare
                .ops
                .iter()
                .all(|op| matches!(op, ast::CmpOp::In | ast::CmpOp::NotIn))
                && matches!(&*compare.left, ast::Expr::Constant(c) if matches!(c.value, ast::Constant::Str(_))) =>
        {
            false
        }
        // Ex) `J.shape == (*batch, group.parameters_dim)`: a shape compared with a shape.
        ast::Expr::Compare(compare)
            if compare
                .ops
                .iter()
                .all(|op| matches!(op, ast::CmpOp::Eq | ast::CmpOp::NotEq))
                && std::iter::once(&*compare.left)
                    .chain(&compare.comparators)
                    .any(|side| {
                        matches!(side, ast::Expr::Attribute(a) if matches!(a.attr.as_str(), "shape" | "ndim"))
                    }) =>
        {
            false
        }
        // Ex) `len(x)`, `callable(x)`, `jnp.size(x)`, `jnp.issubdtype(x.dtype, ...)`: known
        // while tracing.
        ast::Expr::Call(call)
            if module
                .imports
                .qualified_name(&call.func)
                .as_deref()
                .is_some_and(|q| {
                    q.strip_prefix("builtins.")
                        .is_some_and(|name| STATIC_BUILTINS.contains(&name))
                        || (Library::of(q).is_some() && is_static_query(last_segment(q)))
                }) =>
        {
            false
        }
        // Ex) `npi.issubdtype(x.dtype, npi.inexact)` with the NumPy module passed in as `npi`.
        ast::Expr::Call(call)
            if matches!(&*call.func, ast::Expr::Attribute(method) if is_static_query(method.attr.as_str())) =>
        {
            false
        }
        ast::Expr::Call(call) if decides_nothing_traced(call, module) => false,
        // Ex) `elif _is_batched(arg):`, a module function that returns `jnp.ndim(arg) > 0`.
        ast::Expr::Call(call)
            if matches!(&*call.func, ast::Expr::Name(name)
                if module.is_static_predicate(name.id.as_str())) =>
        {
            false
        }
        // Ex) `all(np.shape(a) == np.shape(b) for a, b in zip(xs, ys))`: iterating a pytree
        // of arrays is no test of a value; the elements are traced, and only the element
        // expression and the filters test them.
        ast::Expr::GeneratorExp(ast::ExprGeneratorExp {
            elt, generators, ..
        })
        | ast::Expr::ListComp(ast::ExprListComp {
            elt, generators, ..
        })
        | ast::Expr::SetComp(ast::ExprSetComp {
            elt, generators, ..
        }) => {
            let mut inside: Vec<&str> = traced.to_vec();
            for generator in generators {
                if reads_traced(&generator.iter, function, module, &inside) {
                    walk::walk_expr(&generator.target, &mut |target| {
                        if let ast::Expr::Name(name) = target {
                            inside.push(name.id.as_str());
                        }
                    });
                }
            }
            std::iter::once(&**elt)
                .chain(generators.iter().flat_map(|g| &g.ifs))
                .any(|expr| reads_traced(expr, function, module, &inside))
        }
        other => {
            let mut found = false;
            walk::for_each_child(other, |child| {
                found |= reads_traced(child, function, module, traced)
            });
            found
        }
    }
}

/// Functions with shapes or sizes among their positional arguments, and which positions those
/// are: `jnp.full(shape, fill_value)` takes a traced fill value, `jnp.pad(x, widths)` a traced
/// array but static widths.
const SHAPED: &[(&str, &[usize])] = &[
    ("jax.numpy.zeros", &[0]),
    ("jax.numpy.ones", &[0]),
    ("jax.numpy.empty", &[0]),
    ("jax.numpy.full", &[0]),
    ("jax.numpy.eye", &[0, 1]),
    ("jax.numpy.arange", &[0, 1, 2]),
    ("jax.numpy.linspace", &[2]),
    ("jax.numpy.identity", &[0]),
    ("jax.numpy.tri", &[0, 1, 2]),
    ("jax.numpy.pad", &[1]),
    ("jax.numpy.tile", &[1]),
    ("jax.numpy.broadcast_to", &[1]),
    ("jax.numpy.split", &[1]),
    ("builtins.range", &[0, 1, 2]),
    ("jax.random.split", &[1]),
    ("jax.random.normal", &[1]),
    ("jax.random.uniform", &[1]),
];

/// Where any of `names` is used as a shape, a size, a `range` bound or a slice bound: places
/// that need a concrete value under `jit`.
pub(crate) fn shape_uses(function: &FunctionModel<'_>, names: &[&str]) -> Vec<TextRange> {
    let is_named =
        |expr: &ast::Expr| matches!(expr, ast::Expr::Name(n) if names.contains(&n.id.as_str()));
    let mut found = Vec::new();
    for call in &function.calls {
        let positions: &[usize] = match call.qualified.as_deref() {
            Some(q) => SHAPED
                .iter()
                .find(|(name, _)| *name == q)
                .map_or(&[], |(_, positions)| positions),
            None if call.method == Some("reshape") => &[0, 1, 2, 3, 4, 5, 6, 7],
            None => &[],
        };
        if positions.is_empty() {
            continue;
        }
        let shapes = call
            .expr
            .args
            .iter()
            .enumerate()
            .filter(|(position, _)| positions.contains(position))
            .map(|(_, arg)| arg);
        for arg in shapes.chain(call.keyword("shape")) {
            found.extend(shape_names(arg, &is_named));
        }
    }
    walk::for_each_expr_in(function.syntax.body, &mut |expr| {
        let ast::Expr::Slice(slice) = expr else {
            return;
        };
        for bound in [&slice.lower, &slice.upper, &slice.step]
            .into_iter()
            .flatten()
        {
            if is_named(bound) {
                found.push(bound.range());
            }
        }
    });
    found
}

/// The named values read in a shape argument, not counting the static parts: `x.shape[1]`,
/// `x.ndim`, `len(x)`, `jnp.ndim(x)` are known while tracing.
fn shape_names(expr: &ast::Expr, is_named: &impl Fn(&ast::Expr) -> bool) -> Vec<TextRange> {
    match expr {
        ast::Expr::Attribute(attribute)
            if matches!(attribute.attr.as_str(), "shape" | "ndim" | "size" | "dtype") =>
        {
            Vec::new()
        }
        // Ex) `len(x)`, `jnp.ndim(x)`, `jnp.shape(x)[1:]`: known while tracing.
        ast::Expr::Call(call)
            if match &*call.func {
                ast::Expr::Name(name) => {
                    name.id.as_str() == "len" || is_static_query(name.id.as_str())
                }
                ast::Expr::Attribute(attribute) => is_static_query(attribute.attr.as_str()),
                _ => false,
            } =>
        {
            Vec::new()
        }
        // Ex) `(*transform.get_batch_axes(), 2)`, `group.tangent_dim`: what an object says of
        // its own dimensions; an array's only such members are `shape`, `ndim` and `size`.
        ast::Expr::Attribute(_) => Vec::new(),
        ast::Expr::Call(call) if matches!(&*call.func, ast::Expr::Attribute(_)) => call
            .args
            .iter()
            .flat_map(|arg| shape_names(arg, is_named))
            .collect(),
        other if is_named(other) => vec![other.range()],
        other => {
            let mut found = Vec::new();
            walk::for_each_child(other, |child| found.extend(shape_names(child, is_named)));
            found
        }
    }
}
