//! Everything the page asks of the browser: time, storage, the clipboard, the runner.

pub(crate) mod autosave;
pub(crate) mod browser;
pub(crate) mod clock;
pub(crate) mod job_stream;
pub(crate) mod runner;
