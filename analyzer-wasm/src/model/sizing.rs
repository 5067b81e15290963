//! Numbers read out of tensors that then size shapes: `n = t.max().item()` followed by
//! `torch.arange(n)`, `x[..., :n]`, `x.view(b, n)`, `range(n)` or `counts[n]` (a Python list).
//!
//! Such a read is the function's design, not an accident: its output's shape depends on the
//! data, no 0-d tensor can stand in for the number, and "keep the value as a tensor" is wrong
//! advice. The torch rules say nothing about these reads, nor about branches on these numbers.

use std::collections::{HashMap, HashSet};

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextRange;

use crate::model::function::Branch;
use crate::model::{walk, FunctionModel, Kind, ModuleModel};

/// Library functions whose positional arguments are sizes.
const SIZING_FUNCTIONS: &[&str] = &[
    "builtins.range",
    "torch.arange",
    "torch.zeros",
    "torch.ones",
    "torch.empty",
    "torch.full",
    "torch.rand",
    "torch.randn",
    "torch.randint",
    "torch.randperm",
    "torch.linspace",
    "torch.logspace",
    "torch.eye",
    "torch.split",
    "torch.narrow",
    "torch.tril_indices",
    "torch.triu_indices",
    "torch.nn.functional.pad",
];

/// Tensor methods whose arguments are sizes.
const SIZING_METHODS: &[&str] = &[
    "view",
    "reshape",
    "expand",
    "repeat",
    "new_zeros",
    "new_ones",
    "new_empty",
    "new_full",
    "narrow",
    "split",
    "unfold",
    "tile",
    "unflatten",
    "topk",
];

/// The reads of a function that size shapes, and the names that carry them.
#[derive(Debug, Default)]
pub(crate) struct Sizing<'a> {
    /// Locals whose value flows into a size, a slice bound, a `range` or a list index.
    pub(crate) names: HashSet<&'a str>,
    /// The `.item()` and `.tolist()` calls whose value does.
    pub(crate) reads: Vec<TextRange>,
}

impl Sizing<'_> {
    /// Whether the read at `range` sizes a shape.
    pub(crate) fn sizes_shape(&self, range: TextRange) -> bool {
        self.reads.contains(&range)
    }
}

/// The host reads of `model` that size shapes. Free for a function without `.item()` or
/// `.tolist()`.
pub(crate) fn sizing<'a>(model: &FunctionModel<'a>, module: &ModuleModel<'_>) -> Sizing<'a> {
    let reads: Vec<TextRange> = model
        .calls
        .iter()
        .filter(|call| {
            matches!(call.method, Some("item" | "tolist"))
                && matches!(call.receiver_kind, Kind::Tensor | Kind::Unknown)
        })
        .map(|call| call.expr.range)
        .collect();
    if reads.is_empty() {
        return Sizing::default();
    }
    let mut flow = Flow::default();
    walk::for_each_stmt(model.syntax.body, &mut |stmt| flow.statement(stmt));
    walk::for_each_expr_in(model.syntax.body, &mut |expr| {
        flow.shape_positions(expr, model, module);
    });
    let names = flow.closure();
    let reads = reads
        .into_iter()
        .filter(|read| {
            flow.positions.iter().any(|p| p.contains_range(*read))
                || flow.assignments.iter().any(|(value, targets)| {
                    value.contains_range(*read) && targets.iter().any(|t| names.contains(t))
                })
        })
        .collect();
    Sizing { names, reads }
}

/// How values flow between the locals of one body, and where they size shapes.
#[derive(Default)]
struct Flow<'a> {
    /// Each local and the names its assigned values mention.
    sources: HashMap<&'a str, Vec<&'a str>>,
    /// Each assignment's value and the names it binds.
    assignments: Vec<(TextRange, Vec<&'a str>)>,
    /// Expressions in a shape position: slice bounds, size arguments, list indices.
    positions: Vec<TextRange>,
    /// The names mentioned there.
    sized: HashSet<&'a str>,
}

impl<'a> Flow<'a> {
    fn statement(&mut self, stmt: &'a ast::Stmt) {
        let (targets, value): (Vec<&'a ast::Expr>, &'a ast::Expr) = match stmt {
            ast::Stmt::Assign(assign) => (assign.targets.iter().collect(), &assign.value),
            ast::Stmt::AugAssign(assign) => (vec![&*assign.target], &assign.value),
            ast::Stmt::AnnAssign(assign) => match assign.value.as_deref() {
                Some(value) => (vec![&*assign.target], value),
                None => return,
            },
            // Ex) `for x0, x1 in boxes.tolist():` binds the loop's names from the list.
            ast::Stmt::For(for_stmt) => (vec![&*for_stmt.target], &for_stmt.iter),
            _ => return,
        };
        let mut bound = Vec::new();
        for target in targets {
            bound_names(target, &mut bound);
        }
        let mentioned = mentioned_names(value);
        for name in &bound {
            self.sources
                .entry(name)
                .or_default()
                .extend(mentioned.iter().copied());
        }
        self.assignments.push((value.range(), bound));
    }

    fn shape_positions(
        &mut self,
        expr: &'a ast::Expr,
        model: &FunctionModel<'_>,
        module: &ModuleModel<'_>,
    ) {
        match expr {
            ast::Expr::Slice(slice) => {
                for bound in [&slice.lower, &slice.upper, &slice.step]
                    .into_iter()
                    .flatten()
                {
                    self.position(bound);
                }
            }
            ast::Expr::Subscript(subscript)
                if matches!(
                    model.kind_of(&subscript.value, module),
                    Kind::List | Kind::Tuple | Kind::Dict
                ) =>
            {
                self.position(&subscript.slice);
            }
            ast::Expr::Call(call) => {
                let sizing_method = matches!(&*call.func, ast::Expr::Attribute(attribute)
                    if SIZING_METHODS.contains(&attribute.attr.as_str()));
                let sizing_function = || {
                    module
                        .imports
                        .qualified_name(&call.func)
                        .is_some_and(|q| SIZING_FUNCTIONS.contains(&q.as_str()))
                };
                if sizing_method || sizing_function() {
                    for arg in &call.args {
                        self.position(arg);
                    }
                }
                for keyword in &call.keywords {
                    let sizes = keyword.arg.as_ref().is_some_and(|arg| {
                        let arg = arg.as_str();
                        arg.ends_with("size") || arg.ends_with("shape")
                    });
                    if sizes {
                        self.position(&keyword.value);
                    }
                }
            }
            _ => (),
        }
    }

    fn position(&mut self, expr: &'a ast::Expr) {
        self.positions.push(expr.range());
        self.sized.extend(mentioned_names(expr));
    }

    /// The names that flow into a shape position, directly or through other locals.
    fn closure(&self) -> HashSet<&'a str> {
        let mut names = self.sized.clone();
        let mut pending: Vec<&'a str> = names.iter().copied().collect();
        while let Some(name) = pending.pop() {
            for source in self.sources.get(name).into_iter().flatten() {
                if names.insert(source) {
                    pending.push(source);
                }
            }
        }
        names
    }
}

fn bound_names<'a>(target: &'a ast::Expr, out: &mut Vec<&'a str>) {
    match target {
        ast::Expr::Name(name) => out.push(name.id.as_str()),
        ast::Expr::Tuple(ast::ExprTuple { elts, .. })
        | ast::Expr::List(ast::ExprList { elts, .. }) => {
            for elt in elts {
                bound_names(elt, out);
            }
        }
        ast::Expr::Starred(starred) => bound_names(&starred.value, out),
        _ => (),
    }
}

fn mentioned_names(expr: &ast::Expr) -> Vec<&str> {
    let mut names = Vec::new();
    walk::walk_expr(expr, &mut |sub| {
        if let ast::Expr::Name(name) = sub {
            names.push(name.id.as_str());
        }
    });
    names
}

/// Whether `branch` tests only numbers that size shapes (`if index > 0:` before
/// `image[..., :-index]`): it follows the read, which is by design, and no `torch.where` can
/// replace it.
pub(crate) fn branches_on_sizes(model: &FunctionModel<'_>, branch: &Branch<'_>) -> bool {
    if branch.dependence.tensor || !branch.dependence.scalar_from_tensor {
        return false;
    }
    let mut only_sizes = true;
    walk::walk_expr(branch.test, &mut |expr| match expr {
        ast::Expr::Name(name) if model.tensor_scalars.contains(name.id.as_str()) => {
            only_sizes &= model.sizing.names.contains(name.id.as_str());
        }
        ast::Expr::Call(call) => {
            only_sizes &=
                !matches!(&*call.func, ast::Expr::Attribute(a) if a.attr.as_str() == "item");
        }
        _ => (),
    });
    only_sizes
}
