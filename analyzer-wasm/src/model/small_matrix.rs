//! Matrices visibly small: `R[..., :3, :3]`, `torch.eye(3)`, `x.view(-1, 3, 3)`, a literal
//! `new_tensor([0.0, 1.0, 0.0])`, and products whose contracted dimension is visibly small
//! (`U[..., :2] @ V[..., :2].mT`). Such a product is a few multiply-adds per output entry:
//! launch-bound elementwise work, not time spent in a BLAS or LAPACK kernel.

use std::collections::HashSet;

use rustpython_parser::ast;

use crate::model::walk;

/// The largest dimension that counts as small.
const SMALL: u32 = 4;

/// The names of a function bound to visibly small matrices.
pub(crate) struct SmallMatrices<'a> {
    names: HashSet<&'a str>,
}

impl<'a> SmallMatrices<'a> {
    /// The small matrices that the assignments of `body` bind, nested blocks included. A name
    /// also bound to anything else is not one.
    pub(crate) fn of(body: &'a [ast::Stmt]) -> Self {
        let mut small = Self {
            names: HashSet::new(),
        };
        let mut other = HashSet::new();
        walk::for_each_stmt(body, &mut |stmt| {
            let ast::Stmt::Assign(assign) = stmt else {
                return;
            };
            let [ast::Expr::Name(name)] = assign.targets.as_slice() else {
                return;
            };
            if small.is_small_matrix(&assign.value) {
                small.names.insert(name.id.as_str());
            } else {
                other.insert(name.id.as_str());
            }
        });
        small.names.retain(|name| !other.contains(name));
        small
    }

    /// Whether `left @ right` contracts over a visibly small dimension, makes a visibly small
    /// result (`u.unsqueeze(-2) @ w.unsqueeze(-1)`, a batch of dot products: a reduction), or
    /// composes two transforms.
    pub(crate) fn is_tiny_product(&self, left: &ast::Expr, right: &ast::Expr) -> bool {
        self.last_is_small(left)
            || self.second_last_is_small(right)
            || (self.second_last_is_small(left) && self.last_is_small(right))
            || composes_transforms(left, right)
    }

    /// Whether both of the last two dimensions of `expr` are visibly small.
    pub(crate) fn is_small_matrix(&self, expr: &ast::Expr) -> bool {
        match expr {
            ast::Expr::Name(name) => {
                self.names.contains(name.id.as_str()) || names_a_small_matrix(name.id.as_str())
            }
            ast::Expr::Subscript(subscript) => {
                let [.., second_last, last] = indices(subscript) else {
                    return self.is_small_matrix(&subscript.value);
                };
                let keeps = |index: &ast::Expr| matches!(index, ast::Expr::Slice(s) if s.upper.is_none() && s.lower.is_none());
                (is_small_slice(second_last) && is_small_slice(last))
                    || (keeps(second_last) && keeps(last) && self.is_small_matrix(&subscript.value))
            }
            ast::Expr::UnaryOp(unary) => self.is_small_matrix(&unary.operand),
            ast::Expr::BinOp(bin_op) => {
                let small_or_number =
                    |e: &ast::Expr| self.is_small_matrix(e) || matches!(e, ast::Expr::Constant(_));
                small_or_number(&bin_op.left) && small_or_number(&bin_op.right)
            }
            ast::Expr::Call(call) => match method(call) {
                Some(("reshape" | "view", _)) => {
                    let dims = dims(call);
                    matches!(dims.as_slice(), [.., a, b] if is_small_int(a) && is_small_int(b))
                }
                Some(("eye" | "eye_like", _)) => call.args.first().is_some_and(is_small_int),
                Some(("new_tensor" | "tensor" | "as_tensor", _)) => matches!(
                    call.args.first(),
                    Some(ast::Expr::List(list)) if list.elts.len() <= SMALL as usize
                ),
                Some((name, Some(receiver))) if keeps_shape(name) || is_transpose(name) => {
                    self.is_small_matrix(receiver)
                }
                _ => false,
            },
            ast::Expr::Attribute(attribute) => {
                matches!(attribute.attr.as_str(), "T" | "mT" | "H")
                    && self.is_small_matrix(&attribute.value)
            }
            _ => false,
        }
    }

    fn last_is_small(&self, expr: &ast::Expr) -> bool {
        self.dim_is_small(expr, 0)
    }

    fn second_last_is_small(&self, expr: &ast::Expr) -> bool {
        self.dim_is_small(expr, 1)
    }

    /// Whether the dimension `from_end` places before the last (0 the last, 1 the one before)
    /// is visibly small; a transpose (`.T`, `.mT`) swaps the two.
    fn dim_is_small(&self, expr: &ast::Expr, from_end: usize) -> bool {
        let nth_from_end = |items: &[&ast::Expr], check: fn(&ast::Expr) -> bool| {
            items.len() >= 2 && check(items[items.len() - 1 - from_end])
        };
        self.is_small_matrix(expr)
            || match expr {
                ast::Expr::Subscript(subscript) => {
                    let indices: Vec<&ast::Expr> = indices(subscript).iter().collect();
                    match indices.as_slice() {
                        [only] => from_end == 0 && is_small_slice(only),
                        _ => {
                            nth_from_end(&indices, is_small_slice)
                                || new_axis_after_ellipsis(&indices, from_end)
                        }
                    }
                }
                ast::Expr::Call(call) => match method(call) {
                    Some(("reshape" | "view", _)) => nth_from_end(&dims(call), is_small_int),
                    // `x.unsqueeze(-1)` makes the last dimension 1, `unsqueeze(-2)` the one
                    // before.
                    Some(("unsqueeze", Some(_))) => call
                        .args
                        .first()
                        .is_some_and(|axis| is_negative_int(axis, from_end + 1)),
                    Some((name, Some(receiver))) if keeps_shape(name) => {
                        self.dim_is_small(receiver, from_end)
                    }
                    _ => false,
                },
                ast::Expr::Attribute(attribute) => {
                    matches!(attribute.attr.as_str(), "T" | "mT")
                        && self.dim_is_small(&attribute.value, 1 - from_end)
                }
                _ => false,
            }
    }
}

/// A method call's name and receiver: `x.reshape(3, 3)` is `("reshape", Some(x))`; a plain
/// call `eye(3)` is `("eye", None)`.
fn method(call: &ast::ExprCall) -> Option<(&str, Option<&ast::Expr>)> {
    match &*call.func {
        ast::Expr::Attribute(attribute) => Some((attribute.attr.as_str(), Some(&*attribute.value))),
        ast::Expr::Name(name) => Some((name.id.as_str(), None)),
        _ => None,
    }
}

/// `x.transpose(-1, -2)`, `x.t()`: the last two dimensions swapped.
fn is_transpose(name: &str) -> bool {
    matches!(name, "transpose" | "t")
}

/// Whether `left @ right` composes two transforms: `R1.mT @ R2`,
/// `dst_norm_trans_dst_pix @ (dst_pix_trans_src_pix @ src_pix_trans_src_norm)`,
/// `inverse_spacing_matrix @ affine_matrix`. Geometry code names its rotations, homographies
/// and affine maps so, and they are 3x3 and 4x4: the product is a few multiply-adds per entry.
/// (One transform applied to points, `pts @ F.mT`, contracts over 3 as well, but how many
/// points there are decides whether that is time in BLAS.)
fn composes_transforms(left: &ast::Expr, right: &ast::Expr) -> bool {
    is_transform(left) && is_transform(right)
}

/// Whether `expr` is a transform by its name, or one transposed, inverted or composed.
fn is_transform(expr: &ast::Expr) -> bool {
    match expr {
        ast::Expr::Name(name) => names_a_transform(name.id.as_str()),
        ast::Expr::Attribute(attribute) => {
            (matches!(attribute.attr.as_str(), "T" | "mT" | "H") && is_transform(&attribute.value))
                || names_a_transform(attribute.attr.as_str())
        }
        ast::Expr::Call(call) => match method(call) {
            Some((name, Some(receiver)))
                if keeps_shape(name) || is_transpose(name) || name == "inverse" =>
            {
                is_transform(receiver)
            }
            Some(("inv", _)) => call.args.first().is_some_and(is_transform),
            _ => false,
        },
        ast::Expr::UnaryOp(unary) => is_transform(&unary.operand),
        ast::Expr::BinOp(bin_op) => {
            matches!(bin_op.op, ast::Operator::MatMult)
                && composes_transforms(&bin_op.left, &bin_op.right)
        }
        _ => false,
    }
}

/// A name that geometry code gives a rotation, homography or affine map: `R`, `R1`, `Rx`,
/// `F_t`, `rot_mat`, `affine`, `transform2_inv`, `dst_norm_trans_src_norm`, `signs_mat`.
fn names_a_transform(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if ["point", "pts", "coord", "grid"]
        .iter()
        .any(|data| lower.contains(data))
    {
        return false;
    }
    let letter = name
        .chars()
        .next()
        .is_some_and(|c| matches!(c, 'R' | 'H' | 'F' | 'E'))
        && name.len() <= 3
        && name[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, 'x' | 'y' | 'z' | '_' | 't' | 'm'));
    letter
        || ["rot", "affine", "homograph", "transform", "_trans_"]
            .iter()
            .any(|word| lower.contains(word))
        || lower.starts_with("trans_")
        || lower.ends_with("_mat")
        || lower.ends_with("_matrix")
}

/// Methods whose result has the shape of their receiver.
fn keeps_shape(name: &str) -> bool {
    matches!(
        name,
        "to" | "float" | "double" | "half" | "clone" | "contiguous" | "neg" | "detach" | "type_as"
    )
}

/// The indices of a subscript: `x[..., :3, :3]` has three.
fn indices(subscript: &ast::ExprSubscript) -> &[ast::Expr] {
    match &*subscript.slice {
        ast::Expr::Tuple(tuple) => &tuple.elts,
        index => std::slice::from_ref(index),
    }
}

/// The dimensions a `reshape`/`view` call asks for, as a tuple or as arguments.
fn dims(call: &ast::ExprCall) -> Vec<&ast::Expr> {
    match call.args.as_slice() {
        [ast::Expr::Tuple(tuple)] => tuple.elts.iter().collect(),
        args => args.iter().collect(),
    }
}

/// Whether the index `from_end` places before the last is a new axis (`None`, `np.newaxis`),
/// of size 1, with an `...` before it so that the positions from the end are exact:
/// `v[..., None]`, `x[..., None, :]`.
fn new_axis_after_ellipsis(indices: &[&ast::Expr], from_end: usize) -> bool {
    let Some(position) = indices.len().checked_sub(1 + from_end) else {
        return false;
    };
    let ellipsis = |index: &&ast::Expr| matches!(index, ast::Expr::Constant(c) if matches!(c.value, ast::Constant::Ellipsis));
    walk::is_new_axis(indices[position]) && indices[..position].iter().any(ellipsis)
}

/// Whether `expr` is the literal `-value`.
fn is_negative_int(expr: &ast::Expr, value: usize) -> bool {
    let ast::Expr::UnaryOp(unary) = expr else {
        return false;
    };
    matches!(unary.op, ast::UnaryOp::USub)
        && matches!(&*unary.operand, ast::Expr::Constant(c)
            if matches!(&c.value, ast::Constant::Int(v) if usize::try_from(v).is_ok_and(|v| v == value)))
}

/// `:3`, `1:2`: a slice with a small literal upper bound.
fn is_small_slice(index: &ast::Expr) -> bool {
    matches!(index, ast::Expr::Slice(slice) if slice.upper.as_deref().is_some_and(is_small_int))
}

fn is_small_int(expr: &ast::Expr) -> bool {
    let ast::Expr::Constant(constant) = expr else {
        return false;
    };
    match &constant.value {
        ast::Constant::Int(value) => u32::try_from(value).is_ok_and(|v| (1..=SMALL).contains(&v)),
        _ => false,
    }
}

/// A name that says its size: `eye3`, `submat_3x3`, `solution_4x4`.
fn names_a_small_matrix(name: &str) -> bool {
    let bytes = name.as_bytes();
    let small_digit = |b: u8| (b'1'..=b'4').contains(&b);
    bytes
        .windows(3)
        .any(|w| small_digit(w[0]) && w[1] == b'x' && small_digit(w[2]))
        || name
            .strip_prefix("eye")
            .is_some_and(|rest| rest.len() == 1 && small_digit(rest.as_bytes()[0]))
}

#[cfg(test)]
mod tests {
    use rustpython_parser::{ast, Parse};

    use super::SmallMatrices;

    fn parse(expr: &str) -> ast::Expr {
        ast::Expr::parse(expr, "<test>").unwrap()
    }

    fn small_in(source: &str, expr: &str) -> bool {
        let suite = ast::Suite::parse(source, "<test>").unwrap();
        SmallMatrices::of(&suite).is_small_matrix(&parse(expr))
    }

    fn tiny(product: &str) -> bool {
        let ast::Expr::BinOp(bin_op) = parse(product) else {
            panic!("not a product: {product}");
        };
        SmallMatrices::of(&[]).is_tiny_product(&bin_op.left, &bin_op.right)
    }

    #[test]
    fn slices_shapes_and_literals_say_a_matrix_is_small() {
        assert!(small_in("", "R[..., :3, :3].mT"));
        assert!(small_in("", "x.view(-1, 3, 3)"));
        assert!(small_in("", "R.new_tensor([0.0, 1.0, 0.0])"));
        assert!(small_in("eye3 = torch.eye(3)\nskew = eye3 * 2", "skew"));
        assert!(small_in("", "submat_3x3"));
    }

    #[test]
    fn unknown_shapes_are_not_small() {
        assert!(!small_in("", "x"));
        assert!(!small_in("", "x[:, :128, :128]"));
        assert!(!small_in("", "x.reshape(b, n, 3)"));
        assert!(!small_in("w = torch.eye(3)\nw = load()", "w"));
        assert!(!small_in("", "inv[:, None] * x"));
        assert!(!small_in("", "matrix_4"));
    }

    #[test]
    fn a_product_over_a_small_dimension_is_tiny() {
        assert!(tiny("U[..., :2] @ V[..., :2].mT"));
        assert!(tiny("H.reshape(k, 3) @ x.T"));
        assert!(tiny("torch.eye(3) @ points"));
        assert!(!tiny("x @ w"));
        assert!(!tiny("Jw @ J.mT"));
        assert!(!tiny("q @ k[..., :64].mT"));
    }

    #[test]
    fn a_product_over_a_new_axis_is_an_outer_product() {
        assert!(tiny("a[..., None] @ b[..., None, :]"));
        assert!(tiny("inv_freq.unsqueeze(-1) @ pos.unsqueeze(-2)"));
        assert!(tiny("x @ y[..., None, :]"));
        // Without `...` the positions from the end depend on how many dimensions there are.
        assert!(!tiny("a[:, None] @ b"));
        assert!(!tiny("x.unsqueeze(0) @ y"));
        assert!(!tiny("F @ v[..., None]"));
    }

    #[test]
    fn a_row_times_a_column_is_a_dot_product() {
        assert!(tiny("psi_z.unsqueeze(-2) @ u_hat.unsqueeze(-1)"));
        assert!(tiny("x[..., None, :] @ y[..., None]"));
        assert!(!tiny("x.unsqueeze(-2) @ w"));
    }
}
