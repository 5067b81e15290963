//! Input specs: what to pass to a function, from its annotations, defaults and the way its body
//! uses each parameter.
//!
//! `X[i, k]` makes `X` two-dimensional, `n, d = X.shape` too; `x.mean(dim=1)` needs two
//! dimensions; `range(n)` makes `n` the case's size; `for r in rows: r["price"]` makes `rows` a
//! list of dicts with a `price` key. Parameters with defaults keep their defaults.

use rustpython_parser::ast;

use crate::model::{functions, walk, FunctionModel, Kind, ModuleModel};
use crate::report::{InputSpec, ParamSpec};

/// The input spec of `function` (a qualified name) in `source`; `None` when the source does not
/// parse or has no such function.
pub fn input_spec(source: &str, function: &str) -> Option<InputSpec> {
    let suite = crate::parse_module(source).ok()?;
    let module = ModuleModel::build(&suite);
    let syntax = functions(&suite).into_iter().find(|f| f.name == function)?;
    let model = FunctionModel::build(syntax, &module);
    let args = model.syntax.args;
    let variadic: Vec<&str> = args
        .vararg
        .iter()
        .chain(&args.kwarg)
        .map(|a| a.arg.as_str())
        .collect();
    let skip_self = usize::from(model.syntax.is_method);
    let params = model
        .params
        .iter()
        .skip(skip_self)
        .filter(|p| p.default.is_none() && !variadic.contains(&p.name))
        .map(|p| param_spec(&model, &module, p.name, p.kind, p.annotation))
        .collect();
    Some(InputSpec {
        function: function.to_owned(),
        params,
        reads_nan: !model.nan_reads(&module).is_empty(),
        setup: None,
    })
}

/// What the body says about one parameter.
#[derive(Default)]
struct Uses {
    ndim: usize,
    sizes: bool,
    iterated: bool,
    keys: Vec<String>,
}

fn param_spec(
    model: &FunctionModel<'_>,
    module: &ModuleModel<'_>,
    name: &str,
    kind: Kind,
    annotation: Option<&ast::Expr>,
) -> ParamSpec {
    let uses = uses(model, name);
    let annotated = annotation.and_then(|a| module.imports.qualified_name(a));
    let origin = if annotated.is_some() {
        "annotation"
    } else if uses.ndim > 0 || uses.sizes || !uses.keys.is_empty() {
        "use"
    } else {
        "library"
    };
    let array = |kind: &str, dtype: &str| ParamSpec {
        name: name.to_owned(),
        kind: kind.to_owned(),
        ndim: uses.ndim.max(1),
        dtype: dtype.to_owned(),
        value: None,
        keys: Vec::new(),
        origin: origin.to_owned(),
    };
    let scalar = |kind: &str, value: &str| ParamSpec {
        name: name.to_owned(),
        kind: kind.to_owned(),
        ndim: 0,
        dtype: String::new(),
        value: Some(value.to_owned()),
        keys: Vec::new(),
        origin: origin.to_owned(),
    };
    if !uses.keys.is_empty() {
        return ParamSpec {
            kind: "records".to_owned(),
            keys: uses.keys,
            ..scalar("records", "")
        }
        .without_value();
    }
    let scalar_type = annotated
        .as_deref()
        .map(|q| q.trim_start_matches("builtins."));
    match (kind, scalar_type) {
        (_, Some("int")) if uses.sizes => scalar("size", ""),
        (_, Some("int")) => scalar("int", "3"),
        (_, Some("bool")) => scalar("bool", "True"),
        (_, Some("float")) => scalar("float", "0.5"),
        (Kind::Str, _) => scalar("str", "'a'"),
        _ if uses.sizes && annotated.is_none() => scalar("size", ""),
        (Kind::NdArray, _) => array("ndarray", "float64"),
        (Kind::Tensor, _) => array("tensor", "float32"),
        (Kind::JaxArray, _) => array("jax", "float32"),
        (Kind::TfTensor, _) => array("tf", "float32"),
        (Kind::List, _) => array("list", "float64"),
        (Kind::Scalar, _) => scalar("float", "0.5"),
        _ if uses.ndim > 0 => array("ndarray", "float64"),
        _ if uses.iterated => array("list", "float64"),
        _ => scalar("float", "0.5"),
    }
}

impl ParamSpec {
    fn without_value(mut self) -> Self {
        self.value = None;
        self
    }
}

fn is_name(expr: &ast::Expr, name: &str) -> bool {
    matches!(expr, ast::Expr::Name(n) if n.id.as_str() == name)
}

fn int_constant(expr: &ast::Expr) -> Option<usize> {
    match expr {
        ast::Expr::Constant(c) => c.value.clone().int().and_then(|i| usize::try_from(i).ok()),
        _ => None,
    }
}

const SIZE_FUNCTIONS: &[&str] = &[
    "range", "zeros", "ones", "empty", "full", "arange", "eye", "prange", "randn", "rand",
];

fn uses(model: &FunctionModel<'_>, name: &str) -> Uses {
    let mut uses = Uses::default();
    let body = model.syntax.body;
    walk::for_each_stmt(body, &mut |stmt| {
        match stmt {
            // Ex) `n, d = X.shape`
            ast::Stmt::Assign(assign) => {
                if let (Some(ast::Expr::Tuple(tuple)), ast::Expr::Attribute(attribute)) =
                    (assign.targets.first(), &*assign.value)
                {
                    if attribute.attr.as_str() == "shape" && is_name(&attribute.value, name) {
                        uses.ndim = uses.ndim.max(tuple.elts.len());
                    }
                }
            }
            // Ex) `for r in rows:` reading `r["price"]`
            ast::Stmt::For(for_stmt) if is_name(&for_stmt.iter, name) => {
                uses.iterated = true;
                if let ast::Expr::Name(var) = &*for_stmt.target {
                    walk::for_each_expr_in(&for_stmt.body, &mut |expr| {
                        let ast::Expr::Subscript(subscript) = expr else {
                            return;
                        };
                        if !is_name(&subscript.value, var.id.as_str()) {
                            return;
                        }
                        if let ast::Expr::Constant(c) = &*subscript.slice {
                            if let ast::Constant::Str(key) = &c.value {
                                if !uses.keys.iter().any(|k| k == key.as_str()) {
                                    uses.keys.push(key.to_string());
                                }
                            }
                        }
                    });
                }
            }
            _ => (),
        }
    });
    walk::for_each_expr_in(body, &mut |expr| match expr {
        ast::Expr::Subscript(subscript) if is_name(&subscript.value, name) => {
            let dims = match &*subscript.slice {
                ast::Expr::Tuple(tuple) => tuple.elts.len(),
                _ => 1,
            };
            uses.ndim = uses.ndim.max(dims);
        }
        // Ex) `X.shape[1]`
        ast::Expr::Subscript(subscript) => {
            if let ast::Expr::Attribute(attribute) = &*subscript.value {
                if attribute.attr.as_str() == "shape" && is_name(&attribute.value, name) {
                    if let Some(k) = int_constant(&subscript.slice) {
                        uses.ndim = uses.ndim.max(k + 1);
                    }
                }
            }
        }
        ast::Expr::Attribute(attribute)
            if is_name(&attribute.value, name) && matches!(attribute.attr.as_str(), "T" | "mT") =>
        {
            uses.ndim = uses.ndim.max(2);
        }
        ast::Expr::Call(call) => {
            // Ex) `x.mean(dim=1)`, `np.sum(x, axis=1)`
            let on_param = match &*call.func {
                ast::Expr::Attribute(attribute) => is_name(&attribute.value, name),
                _ => false,
            } || call.args.first().is_some_and(|a| is_name(a, name));
            if on_param {
                for keyword in &call.keywords {
                    if keyword
                        .arg
                        .as_ref()
                        .is_some_and(|a| matches!(a.as_str(), "dim" | "axis"))
                    {
                        if let Some(k) = int_constant(&keyword.value) {
                            uses.ndim = uses.ndim.max(k + 1);
                        }
                    }
                }
            }
            let callee = match &*call.func {
                ast::Expr::Name(n) => n.id.as_str(),
                ast::Expr::Attribute(a) => a.attr.as_str(),
                _ => "",
            };
            if SIZE_FUNCTIONS.contains(&callee)
                && call
                    .args
                    .iter()
                    .any(|a| walk::mentions(a, name) && !is_len_or_shape(a))
            {
                uses.sizes = true;
            }
        }
        _ => (),
    });
    uses
}

/// `len(x)` or `x.shape[0]`: a size taken from an array, not the array itself as a size.
fn is_len_or_shape(expr: &ast::Expr) -> bool {
    match expr {
        ast::Expr::Call(call) => {
            matches!(&*call.func, ast::Expr::Name(n) if n.id.as_str() == "len")
        }
        ast::Expr::Subscript(subscript) => {
            matches!(&*subscript.value, ast::Expr::Attribute(a) if a.attr.as_str() == "shape")
        }
        ast::Expr::Attribute(attribute) => matches!(attribute.attr.as_str(), "shape" | "size"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str, function: &str) -> Vec<(String, String, usize)> {
        input_spec(source, function)
            .unwrap()
            .params
            .into_iter()
            .map(|p| (p.name, p.kind, p.ndim))
            .collect()
    }

    #[test]
    fn dimensions_sizes_and_records_come_from_use() {
        let source = "import numpy as np\ndef f(X, y, n, rows, w=2.0):\n    a, b = X.shape\n    t = 0.0\n    for i in range(n):\n        t += X[i, 0] * y[i]\n    for r in rows:\n        t += r[\"price\"] * r[\"qty\"]\n    return t\n";
        let spec = input_spec(source, "f").unwrap();
        let got: Vec<_> = spec
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.kind.as_str(), p.ndim))
            .collect();
        assert_eq!(
            got,
            [
                ("X", "ndarray", 2),
                ("y", "ndarray", 1),
                ("n", "size", 0),
                ("rows", "records", 0)
            ]
        );
        assert_eq!(spec.params[3].keys, ["price", "qty"]);
        assert!(!spec.reads_nan);
    }

    #[test]
    fn torch_ops_make_tensors_and_dim_arguments_need_dimensions() {
        let source = "import torch\ndef adaptive_processing(x, threshold=0.5):\n    return torch.sigmoid(x) + x.mean(dim=1)\n";
        assert_eq!(
            kinds(source, "adaptive_processing"),
            [("x".to_owned(), "tensor".to_owned(), 2)]
        );
        let source = "import numpy as np\ndef g(x: np.ndarray, k: int, s: float):\n    return np.isnan(x).sum() * k * s\n";
        assert_eq!(
            kinds(source, "g"),
            [
                ("x".to_owned(), "ndarray".to_owned(), 1),
                ("k".to_owned(), "int".to_owned(), 0),
                ("s".to_owned(), "float".to_owned(), 0)
            ]
        );
        assert!(input_spec(source, "g").unwrap().reads_nan);
        assert!(input_spec(source, "missing").is_none());
    }
}
