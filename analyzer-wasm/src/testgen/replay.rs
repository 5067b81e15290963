//! The replay module of `jitlens replay`: a rewrite checked against the original on the argument
//! sets a trace captured, read from a samples file beside the module.

use super::{python_string, skeleton, COMPARE};

const REPLAY: &str = include_str!("replay.py");

/// The first line of a samples file; then per argument set a JSON line (`call`, `complete`,
/// `omitted`, `bytes`) and `bytes` bytes of pickle.
pub const SAMPLES_MAGIC: &[u8] = b"JITLENS-SAMPLES 1\n";

/// What a replay module checks.
#[derive(Debug, Clone, Copy)]
pub struct ReplayCase<'a> {
    /// The user's module as it is now.
    pub original: &'a str,
    /// The module with the rewrite.
    pub rewrite: &'a str,
    /// What the rewrite is, for the docstring.
    pub rewrite_label: &'a str,
    /// Its framework.
    pub framework: &'a str,
    /// The function (module level).
    pub function: &'a str,
    /// The trace the argument sets come from.
    pub trace: &'a str,
    /// The samples file's name, beside the module.
    pub samples_file: &'a str,
    /// The module's own file name, for the run hint.
    pub module_file: &'a str,
}

/// The pytest module for `case`.
pub fn replay_module(case: &ReplayCase<'_>) -> String {
    REPLAY
        .replace("__COMPARE__", COMPARE)
        .replace("__FUNCTION__", case.function)
        .replace("__STRATEGY__", case.rewrite_label)
        .replace("__TRACE__", case.trace)
        .replace("__FILE_HINT__", case.module_file)
        .replace("__SAMPLES_HINT__", case.samples_file)
        .replace("__FUNCTION_LITERAL__", &python_string(case.function))
        .replace("__FRAMEWORK_LITERAL__", &python_string(case.framework))
        .replace("__SAMPLES_LITERAL__", &python_string(case.samples_file))
        // The sources last: they may contain the placeholders' text.
        .replace(
            "__ORIGINAL__",
            &python_string(&skeleton::skeleton(case.original)),
        )
        .replace(
            "__REWRITE__",
            &python_string(&skeleton::skeleton(case.rewrite)),
        )
}
