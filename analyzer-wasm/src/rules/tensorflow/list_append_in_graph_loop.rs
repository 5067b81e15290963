//! TF002: appending to a Python list in a `tf.range` loop.

use rustpython_parser::ast;

use crate::model::{FunctionModel, LoopIter};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `.append(...)` on a Python list inside a `for ... in tf.range(...)` loop in a
    /// `tf.function`.
    ///
    /// ## Why is this bad?
    /// AutoGraph turns a `tf.range` loop into a graph `while` loop, whose body is traced once:
    /// a Python list cannot collect per-iteration tensors. Stacking the list afterwards raises
    /// `InaccessibleTensorError` ("... is out of scope and cannot be used here", TensorFlow
    /// 2.21).
    ///
    /// ## Example
    /// ```python
    /// @tf.function
    /// def squares(n):
    ///     out = []
    ///     for i in tf.range(n):
    ///         out.append(i * i)
    ///     return tf.stack(out)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @tf.function
    /// def squares(n):
    ///     out = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
    ///     for i in tf.range(n):
    ///         out = out.write(i, i * i)
    ///     return out.stack()
    /// ```
}

/// TF002
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for loop_ in function
        .loops
        .iter()
        .filter(|l| l.iter == LoopIter::TensorRange)
    {
        let range = match loop_.stmt {
            ast::Stmt::For(for_stmt) => for_stmt.range,
            _ => continue,
        };
        for call in &function.calls {
            if call.method == Some("append") && range.contains_range(call.expr.range) {
                checker.report(
                    call.expr.range,
                    "a Python list cannot collect values of a graph loop: use `tf.TensorArray`",
                );
            }
        }
    }
}
