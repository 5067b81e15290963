//! The native face of jitlens: the CLI and the local runner that the playground talks to.
//!
//! Everything that touches files, sockets or processes lives here; the analysis itself is the
//! pure `jitlens-analyzer` crate.

mod check;
pub mod cli;
mod fix_cmd;
pub mod server;
mod testgen_cmd;
