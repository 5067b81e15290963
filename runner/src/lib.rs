//! The native face of jitlens: the CLI and the local runner that the playground talks to.
//!
//! Everything that touches files, sockets or processes lives here; the analysis itself is the
//! pure `jitlens-analyzer` crate.

mod bench;
mod check;
pub mod cli;
mod env_probe;
mod fix_cmd;
mod fix_notebook;
mod harness;
mod jobs;
mod json_spans;
mod optimize;
mod profile_cmd;
pub mod python;
mod replay_cmd;
mod rules_cmd;
pub mod server;
mod store;
mod testgen_cmd;
mod trace;
