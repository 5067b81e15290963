//! The page's components, one per file.

pub(crate) mod editor;
pub(crate) mod report_panel;
pub(crate) mod runner_status;
