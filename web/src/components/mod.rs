//! The page's components, one per file.

pub(crate) mod chart;
pub(crate) mod diagnostics;
pub(crate) mod editor;
pub(crate) mod function_picker;
pub(crate) mod profile;
pub(crate) mod results;
pub(crate) mod rewrite;
pub(crate) mod runner_panel;
pub(crate) mod runner_status;
pub(crate) mod verdicts;
pub(crate) mod workload;
