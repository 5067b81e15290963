//! NB001: a call into a module Numba cannot compile.

use crate::model::FunctionModel;
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags calls into modules that Numba's nopython mode cannot type: pandas, SciPy, `re`,
    /// `os`, `json`, `time`, `logging` and other libraries outside NumPy, `math`, `cmath` and
    /// `random`.
    ///
    /// ## Why is this bad?
    /// Since Numba 0.59 there is no object-mode fall-back: the first call raises
    /// `numba.core.errors.TypingError` ("Unknown attribute ... of type Module" or "Untyped global
    /// name"). The function does not run at all.
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def count(words):
    ///     return len(re.findall("a", words))
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def kernel(values):
    ///     ...
    ///
    /// def count(words):
    ///     return kernel(np.array([len(w) for w in re.findall("a", words)]))
    /// ```
    /// Keep the library calls in a Python wrapper and compile the numeric kernel only.
}

/// Module roots nopython mode cannot type.
const UNSUPPORTED: &[&str] = &[
    "pandas",
    "scipy",
    "re",
    "os",
    "sys",
    "json",
    "time",
    "logging",
    "pickle",
    "datetime",
    "collections",
    "itertools",
    "functools",
    "warnings",
    "copy",
    "pathlib",
    "subprocess",
    "requests",
    "torch",
    "tensorflow",
    "jax",
    "sklearn",
    "matplotlib",
    "csv",
    "io",
    "string",
];

/// NB001
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    for call in &function.calls {
        let Some(qualified) = &call.qualified else {
            continue;
        };
        let root = qualified.split('.').next().unwrap_or("");
        if !UNSUPPORTED.contains(&root) {
            continue;
        }
        checker.report(
            call.expr.range,
            format!(
                "`{qualified}` cannot be compiled by Numba: call it outside the jitted function"
            ),
        );
    }
}
