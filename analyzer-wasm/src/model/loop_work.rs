//! What one iteration of a loop does: scalar work on elements and numbers, which Numba compiles
//! to machine code, or NumPy on whole arrays (`np.exp(grid - c)`, `X[:, j] > t`, `a.sum()`),
//! which already runs in library kernels: compiling such a loop saves only the per-call
//! overhead of each NumPy call, which pays on small arrays alone.

use std::collections::HashSet;

use rustpython_parser::ast;

use crate::model::{is_static_query, walk, FunctionModel, LoopModel, ModuleModel};

/// For each loop of `function`, whether the iterations of its nest compute on whole arrays:
/// every innermost loop of the nest runs, in every iteration (its body outside nested blocks,
/// the tests of those blocks included), array arithmetic or a comparison with an array or a
/// slice of one as an operand, a NumPy function called on one, a NumPy reduction of an indexed
/// one (`np.sum(label[0][sid])`), or an array method called on one, or writes a slice. A nest whose
/// inner loop walks elements (`for k in range(j): tmp[k] += b * p[j - k - 1]`) is element
/// work, whatever its outer body does, and so is a loop that reaches for a whole array only in
/// a branch; shape and dtype queries are no work.
pub(crate) fn runs_whole_array_work(
    function: &FunctionModel<'_>,
    module: &ModuleModel<'_>,
) -> Vec<bool> {
    if function.loops.is_empty() {
        return Vec::new();
    }
    let arrays = WholeArrays::of(function, module);
    function
        .loops
        .iter()
        .map(|loop_| nest_runs_whole_array_work(function, loop_, module, &arrays))
        .collect()
}

/// Whether the iterations of the nest under `loop_` compute on whole arrays.
fn nest_runs_whole_array_work(
    function: &FunctionModel<'_>,
    loop_: &LoopModel<'_>,
    module: &ModuleModel<'_>,
    arrays: &WholeArrays<'_>,
) -> bool {
    let whole = |expr: &ast::Expr| arrays.holds(expr);
    innermost_loops(function, loop_).all(|leaf| {
        let body = loop_body(leaf.stmt);
        let mut found = writes_whole_arrays(body, &whole);
        let every_iteration = body.iter().flat_map(walk::own_exprs);
        every_iteration.for_each(|expr| {
            walk::walk_expr(expr, &mut |expr| {
                found = found
                    || match expr {
                        ast::Expr::BinOp(bin_op) => whole(&bin_op.left) || whole(&bin_op.right),
                        ast::Expr::Compare(compare) => {
                            whole(&compare.left) || compare.comparators.iter().any(whole)
                        }
                        ast::Expr::Call(call) => match &*call.func {
                            ast::Expr::Attribute(method) if whole(&method.value) => {
                                !is_static_query(method.attr.as_str())
                            }
                            func => module.imports.qualified_name(func).is_some_and(|name| {
                                is_numpy_work(&name) && call.args.iter().any(whole)
                                    || is_numpy_reduction(&name)
                                        && call.args.first().is_some_and(|a| arrays.indexes(a))
                            }),
                        },
                        _ => false,
                    };
            })
        });
        found
    })
}

/// Whether `body` writes into a slice (`sieve[i * i::i] = False` fills a whole part of an
/// array) on every path through it: in a statement of its own, or on both sides of an
/// `if`/`else` (`trend[:, i] = ones` or `trend[:, i] = t ** k`).
fn writes_whole_arrays(body: &[ast::Stmt], whole: &impl Fn(&ast::Expr) -> bool) -> bool {
    body.iter().any(|stmt| match stmt {
        ast::Stmt::Assign(assign) => assign
            .targets
            .iter()
            .any(|t| matches!(t, ast::Expr::Subscript(_)) && whole(t)),
        ast::Stmt::AugAssign(aug) => {
            matches!(&*aug.target, ast::Expr::Subscript(_)) && whole(&aug.target)
                || whole(&aug.value)
        }
        ast::Stmt::If(if_stmt) => {
            !if_stmt.orelse.is_empty()
                && writes_whole_arrays(&if_stmt.body, whole)
                && writes_whole_arrays(&if_stmt.orelse, whole)
        }
        _ => false,
    })
}

/// The statements of a `for` or `while` loop's body.
fn loop_body(stmt: &ast::Stmt) -> &[ast::Stmt] {
    match stmt {
        ast::Stmt::For(for_) => &for_.body,
        ast::Stmt::While(while_) => &while_.body,
        _ => &[],
    }
}

/// The loops of the nest under `loop_` that hold no loop of their own (`loop_` itself when it
/// holds none).
fn innermost_loops<'f, 'a>(
    function: &'f FunctionModel<'a>,
    loop_: &'f LoopModel<'a>,
) -> impl Iterator<Item = &'f LoopModel<'a>> {
    let position = function
        .loops
        .iter()
        .position(|l| std::ptr::eq(l.stmt, loop_.stmt));
    let mut members: Vec<usize> = position.into_iter().collect();
    for (index, other) in function.loops.iter().enumerate() {
        if other.parent.is_some_and(|parent| members.contains(&parent)) {
            members.push(index);
        }
    }
    let parents: HashSet<usize> = members
        .iter()
        .filter_map(|m| function.loops[*m].parent)
        .collect();
    let leaves: Vec<usize> = members
        .into_iter()
        .filter(|m| !parents.contains(m))
        .collect();
    leaves.into_iter().map(|m| &function.loops[m])
}

/// The names of a function that hold whole arrays: array parameters, and locals assigned an
/// array built from them or by NumPy (`g = np.exp(grid - c)`, `w = X[:, j]`). Kinds inferred
/// from use do not settle it: an element read (`d = x[i] - x[j]`) or an accumulator
/// (`s += x[i]`) takes an array's kind there, and is a number.
struct WholeArrays<'a> {
    names: HashSet<&'a str>,
}

impl<'a> WholeArrays<'a> {
    fn of(function: &FunctionModel<'a>, module: &ModuleModel<'_>) -> Self {
        let parts = bound_to_parts(function.syntax.body);
        let mut arrays = Self {
            names: function
                .params
                .iter()
                .filter(|p| p.kind.is_array() && !parts.contains(p.name))
                .map(|p| p.name)
                .collect(),
        };
        // Two passes reach a name assigned from one assigned later in the text (loop bodies).
        for _ in 0..2 {
            walk::for_each_stmt(function.syntax.body, &mut |stmt| {
                let ast::Stmt::Assign(assign) = stmt else {
                    return;
                };
                let [ast::Expr::Name(name)] = assign.targets.as_slice() else {
                    return;
                };
                let id = name.id.as_str();
                if !parts.contains(id) && arrays.builds(&assign.value, module) {
                    arrays.names.insert(id);
                }
            });
        }
        arrays
    }

    /// Whether `expr` is one of the arrays, or a slice of one: `grid`, `X[:, j]`, `a[i:i + w]`.
    fn holds(&self, expr: &ast::Expr) -> bool {
        match expr {
            ast::Expr::Name(name) => self.names.contains(name.id.as_str()),
            ast::Expr::Subscript(subscript) => {
                self.holds(&subscript.value)
                    && walk::indices(&subscript.slice)
                        .iter()
                        .any(|index| matches!(index, ast::Expr::Slice(_)))
            }
            _ => false,
        }
    }

    /// Whether `expr` indexes one of the arrays, whatever the indices (`label[0][sid]`).
    fn indexes(&self, expr: &ast::Expr) -> bool {
        match expr {
            ast::Expr::Subscript(subscript) => match &*subscript.value {
                ast::Expr::Name(name) => self.names.contains(name.id.as_str()),
                inner => self.indexes(inner),
            },
            _ => false,
        }
    }

    /// Whether `value` evaluates to a whole array: one of them, arithmetic on one, a method of
    /// one that returns an array, or a NumPy function that builds or computes an array.
    fn builds(&self, value: &ast::Expr, module: &ModuleModel<'_>) -> bool {
        match value {
            ast::Expr::BinOp(bin_op) => {
                self.builds(&bin_op.left, module) || self.builds(&bin_op.right, module)
            }
            ast::Expr::UnaryOp(unary) => self.builds(&unary.operand, module),
            ast::Expr::Call(call) => match &*call.func {
                ast::Expr::Attribute(method) if self.holds(&method.value) => {
                    ARRAY_RETURNING_METHODS.contains(&method.attr.as_str())
                }
                func => module.imports.qualified_name(func).is_some_and(|name| {
                    name.strip_prefix("numpy.")
                        .is_some_and(|f| NUMPY_BUILDERS.contains(&f))
                        || is_numpy_work(&name) && call.args.iter().any(|a| self.builds(a, module))
                }),
            },
            other => self.holds(other),
        }
    }
}

/// Array methods that return an array of the same size or a view of it.
const ARRAY_RETURNING_METHODS: &[&str] =
    &["copy", "reshape", "astype", "ravel", "flatten", "transpose"];

/// NumPy functions that build an array from sizes or other values.
const NUMPY_BUILDERS: &[&str] = &[
    "zeros",
    "ones",
    "empty",
    "full",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "arange",
    "linspace",
    "array",
    "asarray",
    "copy",
    "eye",
    "identity",
];

/// Names that some assignment binds to a part of a value: an element read (`b = p[j]`), an
/// unpacked item (`r0, c0 = coords[start, :]`), a loop target, or an accumulator (`s += x[i]`).
fn bound_to_parts(body: &[ast::Stmt]) -> HashSet<&str> {
    let mut names = HashSet::new();
    walk::for_each_stmt(body, &mut |stmt| {
        let targets: Vec<&ast::Expr> = match stmt {
            ast::Stmt::Assign(assign) => {
                let element_read = matches!(&*assign.value, ast::Expr::Subscript(s)
                    if !walk::indices(&s.slice).iter().any(|i| matches!(i, ast::Expr::Slice(_))));
                assign
                    .targets
                    .iter()
                    .filter(|t| {
                        element_read || matches!(t, ast::Expr::Tuple(_) | ast::Expr::List(_))
                    })
                    .collect()
            }
            ast::Stmt::AugAssign(aug) => vec![&*aug.target],
            ast::Stmt::For(for_) => vec![&*for_.target],
            _ => Vec::new(),
        };
        for target in targets {
            bound_names(target, &mut names);
        }
    });
    names
}

/// The names an assignment target binds: `a`, `a, (b, *c)`; not `out[i]` nor `self.x`.
fn bound_names<'a>(target: &'a ast::Expr, names: &mut HashSet<&'a str>) {
    match target {
        ast::Expr::Name(name) => {
            names.insert(name.id.as_str());
        }
        ast::Expr::Tuple(ast::ExprTuple { elts, .. })
        | ast::Expr::List(ast::ExprList { elts, .. }) => {
            elts.iter().for_each(|elt| bound_names(elt, names));
        }
        ast::Expr::Starred(starred) => bound_names(&starred.value, names),
        _ => (),
    }
}

/// Whether the qualified name is a NumPy reduction (`np.sum`, `np.any`): of an indexed array
/// (`np.sum(label[0][sid])`), it reduces a part of it, for no one reduces a number.
fn is_numpy_reduction(qualified: &str) -> bool {
    matches!(
        qualified.strip_prefix("numpy."),
        Some(
            "sum"
                | "mean"
                | "max"
                | "min"
                | "amax"
                | "amin"
                | "any"
                | "all"
                | "prod"
                | "std"
                | "var"
                | "median"
                | "count_nonzero"
                | "nonzero"
                | "argmax"
                | "argmin"
                | "unique"
                | "nansum"
                | "nanmean"
                | "nanmax"
                | "nanmin"
        )
    )
}

/// Whether the qualified name is a NumPy function that computes on data, not a query of shapes,
/// dtypes or the library.
fn is_numpy_work(qualified: &str) -> bool {
    qualified.strip_prefix("numpy.").is_some_and(|name| {
        let last = name.rsplit('.').next().unwrap_or(name);
        !is_static_query(last) && !matches!(last, "shape" | "ndim" | "size" | "result_type")
    })
}
