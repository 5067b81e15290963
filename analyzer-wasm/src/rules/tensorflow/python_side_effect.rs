//! TF101: Python side effects inside `tf.function`.

use crate::model::FunctionModel;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `print(...)` and mutations of lists or dicts that are not local (`.append`,
    /// `.update`, ...) inside a `tf.function`.
    ///
    /// ## Why is this bad?
    /// Python code runs only while TensorFlow traces the function; later calls run the graph.
    /// Measured with TensorFlow 2.21: three calls appended once to an outer list and printed
    /// once, where `tf.print` printed three times.
    ///
    /// ## Example
    /// ```python
    /// @tf.function
    /// def step(x):
    ///     print("step", x)
    ///     return x * 2
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @tf.function
    /// def step(x):
    ///     tf.print("step", x)
    ///     return x * 2
    /// ```
    /// Use `tf.print`, `tf.Variable.assign` or `tf.TensorArray` for effects inside the graph.
}

/// TF101
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in function
        .calls
        .iter()
        .filter(|call| call.is("builtins.print"))
    {
        checker.report(
            call.expr.range,
            "`print` runs only while tracing: use `tf.print`",
        );
    }
    for (call, name) in function.outer_mutations(checker.module) {
        checker.report(
            call.expr.range,
            format!("mutating `{name}` happens only while tracing, not on every call"),
        );
    }
}
