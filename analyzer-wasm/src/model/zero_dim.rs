//! Tensors of no dimension built from Python numbers (`torch.as_tensor(cutoff_freq)`), and what
//! is computed from them and numbers alone (`w0 = 2 * math.pi * cutoff / sr`, `torch.sin(w0)`):
//! arithmetic on them is scalar math, no pass over memory for a JIT to fuse (torchaudio's biquad
//! coefficients).

use std::collections::HashSet;

use rustpython_parser::ast;

use crate::model::imports::{last_segment, Imports};
use crate::model::kind::Kind;
use crate::model::ops::is_elementwise;

/// The names bound to such tensors so far, in a walk of a function body in source order.
#[derive(Debug, Default)]
pub(crate) struct ZeroDimTensors<'a> {
    names: HashSet<&'a str>,
}

impl<'a> ZeroDimTensors<'a> {
    /// Records `name = value`: a zero-dimensional tensor or not.
    pub(crate) fn bind(&mut self, name: &'a str, zero_dim: bool) {
        if zero_dim {
            self.names.insert(name);
        } else {
            self.names.remove(name);
        }
    }

    /// Whether `expr` is such a tensor; `kind` gives the kinds of the walk so far.
    pub(crate) fn holds(
        &self,
        expr: &ast::Expr,
        kind: &impl Fn(&ast::Expr) -> Kind,
        imports: &Imports,
    ) -> bool {
        match expr {
            ast::Expr::Name(name) => self.names.contains(name.id.as_str()),
            ast::Expr::BinOp(bin_op) => {
                let (left, right) = (&*bin_op.left, &*bin_op.right);
                self.holds_or_number(left, kind, imports)
                    && self.holds_or_number(right, kind, imports)
                    && (self.holds(left, kind, imports) || self.holds(right, kind, imports))
            }
            ast::Expr::UnaryOp(unary) => self.holds(&unary.operand, kind, imports),
            ast::Expr::Call(call) => self.holds_call(call, kind, imports),
            _ => false,
        }
    }

    /// [`ZeroDimTensors::holds`] of a call: `torch.as_tensor(q)` of a number, `torch.sin(w0)`
    /// or `w0.cos()` of such a tensor.
    pub(crate) fn holds_call(
        &self,
        call: &ast::ExprCall,
        kind: &impl Fn(&ast::Expr) -> Kind,
        imports: &Imports,
    ) -> bool {
        let qualified = imports.qualified_name(&call.func);
        match (qualified.as_deref(), &*call.func) {
            (Some("torch.as_tensor" | "torch.tensor" | "torch.scalar_tensor"), _) => {
                call.args.first().is_some_and(|arg| is_number(arg, kind))
            }
            (Some(q), _) if q.starts_with("torch.") && is_elementwise(last_segment(q)) => {
                !call.args.is_empty()
                    && call
                        .args
                        .iter()
                        .all(|arg| self.holds_or_number(arg, kind, imports))
                    && call.args.iter().any(|arg| self.holds(arg, kind, imports))
            }
            (None, ast::Expr::Attribute(method)) => {
                is_elementwise(method.attr.as_str())
                    && self.holds(&method.value, kind, imports)
                    && call
                        .args
                        .iter()
                        .all(|arg| self.holds_or_number(arg, kind, imports))
            }
            _ => false,
        }
    }

    fn holds_or_number(
        &self,
        expr: &ast::Expr,
        kind: &impl Fn(&ast::Expr) -> Kind,
        imports: &Imports,
    ) -> bool {
        is_number(expr, kind) || self.holds(expr, kind, imports)
    }
}

/// A literal number, or a value the walk knows is a Python number.
fn is_number(expr: &ast::Expr, kind: &impl Fn(&ast::Expr) -> Kind) -> bool {
    matches!(expr, ast::Expr::Constant(c) if matches!(c.value, ast::Constant::Int(_) | ast::Constant::Float(_)))
        || kind(expr) == Kind::Scalar
}
