//! Everything the page asks of the browser: time, storage, the runner.

pub(crate) mod autosave;
pub(crate) mod clock;
pub(crate) mod runner;
