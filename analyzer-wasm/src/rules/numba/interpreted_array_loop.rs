//! NB401: a Python loop over array elements that Numba would compile.

use rustpython_parser::ast::{self, Ranged};

use crate::model::{numba_support, FunctionModel, LoopIter, LoopModel, ModuleModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Finds outermost Python loops that index NumPy arrays element by element, or do
    /// arithmetic on numbers over a `range`, in a function that is not compiled yet, when
    /// everything the loop calls is something Numba compiles (NumPy, `math`, numbers, and the
    /// module's own functions that are compiled or compile as they are). A loop that calls a
    /// method of a Python object or a function Numba cannot compile is not reported: `@njit`
    /// would fail on it. Nor is a loop whose iterations run NumPy on whole arrays or slices
    /// (`np.exp(grid - c)`, `X[:, j] > t`): each iteration is already a library kernel, and
    /// compiling saves only the per-call overhead, which pays on small arrays alone. A loop
    /// over a collection not known to be an array (`zip` of lists, a list of index arrays)
    /// counts only when a loop inside it walks elements: its items may be arrays themselves.
    /// Nor does a loop of a few literal iterations (`for _ in range(3)`) with no loop inside.
    ///
    /// ## Why is this bad?
    /// Every iteration runs in the interpreter, boxing each element. Numba compiles such loops
    /// to machine code: measured on this project's machines, a loop over 1e6 elements went from
    /// about 0.6 s to 13 ms (about 47x); Numba's documentation reports 25 s to 0.67 s.
    ///
    /// ## Example
    /// ```python
    /// def pairwise(x):
    ///     n = x.shape[0]
    ///     out = np.empty((n, n))
    ///     for i in range(n):
    ///         for j in range(n):
    ///             d = 0.0
    ///             for k in range(x.shape[1]):
    ///                 d += (x[i, k] - x[j, k]) ** 2
    ///             out[i, j] = d ** 0.5
    ///     return out
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit(cache=True)
    /// def pairwise(x):
    ///     ...
    /// ```
}

/// NB401
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    if function.is_compiled() {
        return;
    }
    for loop_ in function
        .loops
        .iter()
        .filter(|l| compiles(function, l, checker.module))
    {
        let nest = nest_depth(function, loop_);
        let over = if loop_.touches_arrays() {
            "array elements"
        } else {
            "numbers"
        };
        // Ex) "(`i` from 1 to `x.shape[0]`)"
        let span = match (loop_.var, loop_.bounds) {
            (Some(var), Some(bounds)) => {
                let start = bounds.start.map_or("0", |s| checker.source_of(s.range()));
                format!(
                    " (`{var}` from {start} to `{}`)",
                    checker.source_of(bounds.stop.range())
                )
            }
            _ => String::new(),
        };
        checker.report(
            loop_.header,
            format!(
                "a {nest}-deep Python loop over {over}{span}: `@njit` compiles it to machine code"
            ),
        );
    }
}

/// Whether `loop_` is an outermost loop over array elements or numbers whose every call and
/// value Numba compiles, and whose iterations do scalar work rather than NumPy on whole arrays:
/// the loops `@njit` speeds up as they are written.
pub(crate) fn compiles(
    function: &FunctionModel<'_>,
    loop_: &LoopModel<'_>,
    module: &ModuleModel<'_>,
) -> bool {
    // Ex) `for weight, oob in zip(weights, oobs): divisors[oob] += weight`: the elements of a
    // collection not known to be an array may be arrays themselves (index arrays, rows of a
    // list), so what the body does with them is no known element work, unless an inner loop
    // walks them (`for row in rows: for j in range(row.size): ...`).
    loop_.depth == 1
        && loop_.iter != LoopIter::TensorRange
        && (loop_.iter != LoopIter::Other || walks_elements_inside(function, loop_))
        && !(runs_a_few_times(loop_) && nest_depth(function, loop_) == 1)
        && (loop_.touches_arrays() || numba_support::is_numeric_loop(function, loop_, module))
        && !loop_.whole_array_work
        && numba_support::loop_blocker(function, loop_, module).is_none()
}

/// How many loops deep the nest under `loop_` goes (1 for a loop without inner loops).
/// The most iterations of a loop that interpreting costs nothing worth compiling away.
const FEW_ITERATIONS: i64 = 8;

/// Whether `loop_` is `range(3)` or `range(1, 5)`: literal bounds, a few iterations (pvlib's
/// three Halley steps).
fn runs_a_few_times(loop_: &LoopModel<'_>) -> bool {
    let Some(bounds) = loop_.bounds else {
        return false;
    };
    let literal = |expr: &ast::Expr| match expr {
        ast::Expr::Constant(ast::ExprConstant {
            value: ast::Constant::Int(value),
            ..
        }) => i64::try_from(value).ok(),
        _ => None,
    };
    let start = bounds.start.map_or(Some(0), literal);
    match (start, literal(bounds.stop), bounds.step) {
        (Some(start), Some(stop), None) => stop - start <= FEW_ITERATIONS,
        _ => false,
    }
}

/// Whether a loop nested in `loop_` counts through indices or array elements (`range`, an
/// array, `while`).
fn walks_elements_inside(function: &FunctionModel<'_>, loop_: &LoopModel<'_>) -> bool {
    let Some(position) = function
        .loops
        .iter()
        .position(|l| std::ptr::eq(l.stmt, loop_.stmt))
    else {
        return false;
    };
    let mut members = vec![position];
    function
        .loops
        .iter()
        .enumerate()
        .skip(position + 1)
        .any(|(index, other)| match other.parent {
            Some(parent) if members.contains(&parent) => {
                members.push(index);
                !matches!(other.iter, LoopIter::Other | LoopIter::TensorRange)
            }
            _ => false,
        })
}

pub(crate) fn nest_depth(function: &FunctionModel<'_>, loop_: &LoopModel<'_>) -> usize {
    let start = loop_.stmt as *const _;
    let Some(position) = function
        .loops
        .iter()
        .position(|l| std::ptr::eq(l.stmt, start))
    else {
        return 1;
    };
    let mut deepest = 1;
    let mut members = vec![position];
    for (index, other) in function.loops.iter().enumerate().skip(position + 1) {
        match other.parent {
            Some(parent) if members.contains(&parent) => {
                members.push(index);
                deepest = deepest.max(other.depth + 1 - loop_.depth);
            }
            _ => (),
        }
    }
    deepest
}
