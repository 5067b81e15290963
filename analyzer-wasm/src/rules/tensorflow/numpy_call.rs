//! TF001: `.numpy()` inside `tf.function`.

use crate::model::{FunctionModel, Kind};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `tensor.numpy()` inside a function compiled by `tf.function`.
    ///
    /// ## Why is this bad?
    /// In a graph a tensor is symbolic and has no value: the call raises `AttributeError`
    /// ("'SymbolicTensor' object has no attribute 'numpy'", TensorFlow 2.21).
    ///
    /// ## Example
    /// ```python
    /// @tf.function
    /// def total(x):
    ///     return float(x.numpy().sum())
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @tf.function
    /// def total(x):
    ///     return tf.reduce_sum(x)
    /// ```
}

/// TF001
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        if call.method == Some("numpy")
            && call.expr.args.is_empty()
            && matches!(call.receiver_kind, Kind::TfTensor | Kind::Unknown)
        {
            checker.report(
                call.expr.range,
                "`.numpy()` fails on symbolic tensors inside `tf.function`: stay in TensorFlow ops",
            );
        }
    }
}
