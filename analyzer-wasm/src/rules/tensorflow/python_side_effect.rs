//! TF101: Python side effects inside `tf.function`.

use rustpython_parser::ast;

use crate::model::{FunctionModel, MUTATING_METHODS};
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
    for call in &function.calls {
        if call.is("builtins.print") {
            checker.report(
                call.expr.range,
                "`print` runs only while tracing: use `tf.print`",
            );
            continue;
        }
        let Some(ast::Expr::Name(receiver)) = call.receiver else {
            continue;
        };
        if call.method.is_some_and(|m| MUTATING_METHODS.contains(&m))
            && !function.is_local(receiver.id.as_str())
        {
            checker.report(
                call.expr.range,
                format!(
                    "mutating `{}` happens only while tracing, not on every call",
                    receiver.id.as_str()
                ),
            );
        }
    }
}
