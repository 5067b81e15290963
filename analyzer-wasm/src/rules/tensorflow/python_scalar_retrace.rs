//! TF301: Python number arguments of a `tf.function`.

use crate::model::{Framework, FunctionModel, Kind};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags parameters of a `tf.function` that are Python numbers (a numeric default or an
    /// `int`/`float` annotation), unless an `input_signature` fixes the types.
    ///
    /// ## Why is this bad?
    /// `tf.function` traces a new graph for every distinct Python value. Measured with
    /// TensorFlow 2.21: six different ints gave six traces
    /// (`experimental_get_tracing_count() == 6`) and a retracing warning; six `tf.constant`s gave
    /// one.
    ///
    /// ## Example
    /// ```python
    /// @tf.function
    /// def power(x, n=2):
    ///     return x ** n
    ///
    /// for n in range(6):
    ///     power(x, n)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// for n in range(6):
    ///     power(x, tf.constant(n))
    /// ```
}

/// TF301
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    if function
        .jit_for(Framework::TensorFlow)
        .is_some_and(|d| d.option("input_signature").is_some())
    {
        return;
    }
    for param in function.params.iter().filter(|p| p.kind == Kind::Scalar) {
        checker.report(
            param.range,
            format!(
                "each new Python value of `{}` traces a new graph: pass `tf.constant(...)`",
                param.name
            ),
        );
    }
}
