//! NB202: a `prange` loop whose iterations depend on each other.

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextRange;

use crate::model::loops::Hazard;
use crate::model::{liveness, walk, Framework, FunctionModel, LoopIter, LoopModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `prange` loops whose iterations are not independent: an array read at another
    /// iteration's index than it is written (`a[i] = a[i - 1] + x[i]`), a write not indexed by the
    /// loop variable (`y[i % 4] += x[i]`), a scalar carried from one iteration to the next that is
    /// not a plain `+=`/`-=`/`*=`/`/=` reduction, or a list mutated in the loop.
    ///
    /// ## Why is this bad?
    /// Under `parallel=True` Numba does not check: it splits the range of the outermost
    /// `prange` across threads and the result depends on timing. A prefix sum under `prange` returned wrong values in the probe; list appends in
    /// `prange` crash ("Mutating a list is not threadsafe").
    ///
    /// ## Example
    /// ```python
    /// @njit(parallel=True)
    /// def prefix(x):
    ///     a = np.zeros_like(x)
    ///     for i in prange(1, x.shape[0]):
    ///         a[i] = a[i - 1] + x[i]
    ///     return a
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def prefix(x):
    ///     a = np.zeros_like(x)
    ///     for i in range(1, x.shape[0]):
    ///         a[i] = a[i - 1] + x[i]
    ///     return a
    /// ```
}

/// NB202
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    // Ex) `@njit` without `parallel=True`: `prange` is `range` there, run in order.
    if function
        .jit_for(Framework::Numba)
        .is_some_and(|decorator| !decorator.flag("parallel"))
    {
        return;
    }
    let pranges: Vec<&LoopModel<'_>> = function
        .loops
        .iter()
        .filter(|l| l.iter == LoopIter::Prange)
        .collect();
    // Numba runs a `prange` nested in another as a plain `range`: only the outermost is parallel.
    let outermost = pranges.iter().filter(|loop_| {
        !pranges.iter().any(|outer| {
            outer.stmt.range() != loop_.stmt.range()
                && outer.stmt.range().contains_range(loop_.stmt.range())
        })
    });
    for loop_ in outermost {
        let Some(hazard) = loop_.hazard else { continue };
        let (range, message) = match hazard {
            Hazard::CarriedArray(base, range) => (range, format!("`{base}` is read at another iteration's index than it is written: a race under `prange`")),
            // Ex) `out[pos] = v` with `pos = indptr[i]`: disjoint per iteration, not a race.
            Hazard::UnindexedWrite(_, range) if index_follows_iteration(loop_, range) => continue,
            // The callee may well leave the array alone: not certain enough to warn.
            Hazard::CallMayWrite(..) => continue,
            Hazard::UnindexedWrite(base, range) => (range, format!("write to `{base}` is not indexed by the loop variable: iterations race under `prange`")),
            Hazard::CarriedScalar(name) => (loop_.header, format!("`{name}` is carried from one iteration to the next: a race under `prange`")),
            Hazard::ContainerMutation(range) => (range, "mutating a container in a `prange` loop is not thread-safe".to_owned()),
        };
        checker.report(range, message);
    }
}

/// Whether the write at `range` is indexed by something that changes with the iteration: the
/// loop variable, or a name the body binds (`pos = indptr[i]`, `j = k - rev_j`).
fn index_follows_iteration(loop_: &LoopModel<'_>, range: TextRange) -> bool {
    let bound = liveness::names_bound(std::slice::from_ref(loop_.stmt));
    loop_
        .accesses
        .iter()
        .filter(|access| access.write && access.range == range)
        .flat_map(|access| access.indices.iter())
        .any(|index| {
            // Ex) `y[i % 4]`, `y[i // 2]`: iterations collide, whatever else the index holds.
            if let ast::Expr::BinOp(bin_op) = index {
                if matches!(bin_op.op, ast::Operator::Mod | ast::Operator::FloorDiv) {
                    return false;
                }
            }
            let mut moves = false;
            walk::walk_expr(index, &mut |sub| {
                if let ast::Expr::Name(name) = sub {
                    moves |=
                        bound.contains(name.id.as_str()) || loop_.var == Some(name.id.as_str());
                }
            });
            moves
        })
}
