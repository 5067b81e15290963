//! What the tracer (`runner/python/jl_trace.py`) leaves in its spool folder: `trace.json`,
//! rewritten while the program runs and once at its end, and `samples/*.pkl`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use jitlens_analyzer::protocol::ObservedSignature;
use serde::Deserialize;

/// The tracer's `trace.json`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct SpoolTrace {
    /// True in the final write; false in the snapshots taken while the program ran.
    #[serde(default)]
    pub(crate) complete: bool,
    /// The interpreter that ran the program (`sys.executable`).
    #[serde(default)]
    pub(crate) python: String,
    /// The program's wall-clock seconds so far.
    #[serde(default)]
    pub(crate) wall_s: f64,
    /// Seconds in recorded functions.
    #[serde(default)]
    pub(crate) traced_s: f64,
    /// The exit code as a shell reports it, in the final write.
    #[serde(default)]
    pub(crate) exit_code: Option<i32>,
    /// The uncaught exception or signal, when there was one.
    #[serde(default)]
    pub(crate) error: Option<String>,
    /// The JITs the program imported (all off).
    #[serde(default)]
    pub(crate) jit_disabled: Vec<String>,
    /// The recorded functions.
    #[serde(default)]
    pub(crate) functions: Vec<SpoolFunction>,
}

/// One recorded function.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SpoolFunction {
    pub(crate) name: String,
    pub(crate) file: String,
    pub(crate) line: u32,
    pub(crate) calls: u64,
    pub(crate) own_s: f64,
    pub(crate) cumulative_s: f64,
    #[serde(default)]
    pub(crate) signatures: Vec<ObservedSignature>,
    #[serde(default)]
    pub(crate) samples: Vec<SpoolSample>,
}

/// One kept argument set.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SpoolSample {
    /// The pickle, relative to the spool folder.
    pub(crate) file: String,
    /// Which of the function's signatures it has.
    #[serde(default)]
    pub(crate) signature: u32,
    /// Which call it was (1: the first).
    #[serde(default)]
    pub(crate) call: u64,
    /// False when an argument was left out.
    #[serde(default = "yes")]
    pub(crate) complete: bool,
    /// The arguments left out, with why.
    #[serde(default)]
    pub(crate) omitted: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

/// Reads the spool's `trace.json`; `None` when the tracer never wrote one (it did not start).
pub(crate) fn read(spool: &Path) -> anyhow::Result<Option<SpoolTrace>> {
    let path = spool.join("trace.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(error).with_context(|| format!("could not read {}", path.display()))
        }
    };
    serde_json::from_str(&text).map(Some).with_context(|| {
        format!(
            "the tracer's {} is not what jitlens expects",
            path.display()
        )
    })
}
