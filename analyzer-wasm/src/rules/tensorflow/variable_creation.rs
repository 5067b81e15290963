//! TF004: creating a `tf.Variable` inside `tf.function`.

use crate::model::FunctionModel;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `tf.Variable(...)` created in the body of a `tf.function`.
    ///
    /// ## Why is this bad?
    /// A traced function may only create variables on its first trace. A variable created on
    /// every call raises `ValueError` ("tf.function only supports singleton tf.Variables created
    /// on the first call", TensorFlow 2.21).
    ///
    /// ## Example
    /// ```python
    /// @tf.function
    /// def accumulate(x):
    ///     total = tf.Variable(0.0)
    ///     total.assign_add(tf.reduce_sum(x))
    ///     return total
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// total = tf.Variable(0.0)
    ///
    /// @tf.function
    /// def accumulate(x):
    ///     total.assign_add(tf.reduce_sum(x))
    ///     return total.read_value()
    /// ```
}

/// TF004
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        if call.is("tensorflow.Variable") {
            checker.report(
                call.expr.range,
                "`tf.Variable` created inside `tf.function`: create it once, outside",
            );
        }
    }
}
