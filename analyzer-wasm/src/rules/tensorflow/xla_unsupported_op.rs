//! TF003: operations XLA cannot compile under `jit_compile=True`.

use crate::model::{Framework, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `tf.strings.*`, `tf.as_string`, `tf.py_function` and `tf.numpy_function` in a
    /// function compiled with `tf.function(jit_compile=True)` (or not compiled yet, since
    /// `jit_compile=True` is what jitlens proposes).
    ///
    /// ## Why is this bad?
    /// These ops have no XLA kernel: the first call raises `InvalidArgumentError` ("Detected
    /// unsupported operations when trying to compile graph ... on XLA_CPU_JIT: AsString",
    /// TensorFlow 2.21).
    ///
    /// ## Example
    /// ```python
    /// @tf.function(jit_compile=True)
    /// def describe(x):
    ///     return tf.strings.as_string(tf.reduce_sum(x))
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @tf.function(jit_compile=True)
    /// def total(x):
    ///     return tf.reduce_sum(x)
    ///
    /// def describe(x):
    ///     return tf.strings.as_string(total(x))
    /// ```
}

/// TF003
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let xla = match function.jit_for(Framework::TensorFlow) {
        Some(decorator) => decorator.flag("jit_compile"),
        None => true,
    };
    if !xla {
        return;
    }
    for call in &function.calls {
        let Some(qualified) = call.qualified.as_deref() else {
            continue;
        };
        if qualified.starts_with("tensorflow.strings.")
            || matches!(
                qualified,
                "tensorflow.as_string"
                    | "tensorflow.py_function"
                    | "tensorflow.numpy_function"
                    | "tensorflow.compat.v1.py_func"
            )
        {
            checker.report(call.expr.range, format!("`{qualified}` has no XLA kernel: `jit_compile=True` fails; keep it outside the compiled function"));
        }
    }
}
