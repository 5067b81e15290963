//! What `jitlens trace` records and the runner's trace routes answer: a program's own functions,
//! where its time went with every JIT off, and the argument types and shapes it saw.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How a traced run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TraceStatus {
    /// The program is still running (or jitlens stopped before it ended).
    Running,
    /// It ran to its end with exit code 0.
    Complete,
    /// It exited with another code or an uncaught exception; what ran before is kept.
    Failed,
    /// A signal ended it (Ctrl-C, SIGTERM, SIGKILL); what ran before is kept.
    Killed,
}

/// One parameter's value as the tracer saw it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObservedValue {
    /// The Python type's name: `int`, `float`, `str`, `ndarray`, `float64`, a class name.
    #[serde(rename = "type")]
    pub type_name: String,
    /// `numpy`, `torch`, `jax` or `tensorflow`, for their arrays and scalars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<String>,
    /// The element type of an array: `float64`, `float32`, `int64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtype: Option<String>,
    /// The shape of an array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<Vec<i64>>,
    /// A torch tensor's device: `cpu`, `cuda:0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// The length of a list or tuple.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub len: Option<u64>,
}

impl ObservedValue {
    /// Whether the value is an array (or tensor) of some library.
    pub fn is_array(&self) -> bool {
        self.shape.is_some()
    }
}

/// One distinct set of argument types and shapes, and how many calls had it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObservedSignature {
    /// Each parameter's value, by name.
    pub params: BTreeMap<String, ObservedValue>,
    /// How many calls had exactly these.
    pub calls: u64,
}

/// One of the program's own functions in a trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TracedFunction {
    /// The qualified name, as in the analyzer's report: `f`, `Model.forward`, `outer.inner`.
    pub name: String,
    /// The file, relative to the traced project's root.
    pub file: String,
    /// The `def` line.
    pub line: u32,
    /// How many times it was called.
    pub calls: u64,
    /// Seconds in the function itself and in library code it called, not in the project's
    /// functions it called.
    pub own_s: f64,
    /// Seconds from entry to return, recursion counted once.
    pub cumulative_s: f64,
    /// `own_s` over the traced total.
    pub share: f64,
    /// How many distinct argument signatures it was called with.
    pub signatures: u32,
    /// How many argument sets were kept to replay.
    pub samples: u32,
    /// jitlens's best verdict for it, as `numba high`; absent when the file no longer has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    /// The distinct signatures themselves (at most 64).
    #[serde(default)]
    pub observed: Vec<ObservedSignature>,
}

/// A whole trace: the command, how it ended, and its functions by own time, highest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The trace's id.
    pub id: String,
    /// The command that was traced, interpreter first.
    pub command: Vec<String>,
    /// The project's root: only code under it was recorded.
    pub root: String,
    /// When it started, in seconds since the Unix epoch.
    pub created_at: f64,
    /// How it ended.
    pub status: TraceStatus,
    /// The program's wall-clock seconds.
    pub wall_s: f64,
    /// Seconds in the project's own functions (the sum of `own_s`).
    pub traced_s: f64,
    /// The program's exit code, when it exited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// The uncaught exception or the signal that ended it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The JITs the program imported, all switched off while it was traced.
    pub jit_disabled: Vec<String>,
    /// The functions, by `own_s`, highest first.
    pub functions: Vec<TracedFunction>,
}

/// One line of the trace list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceSummary {
    /// The trace's id.
    pub id: String,
    /// The command, interpreter first.
    pub command: Vec<String>,
    /// When it started, in seconds since the Unix epoch.
    pub created_at: f64,
    /// How it ended.
    pub status: TraceStatus,
    /// The program's wall-clock seconds.
    pub wall_s: f64,
    /// How many of the project's functions ran.
    pub functions: u32,
}

/// What `GET /api/traces` answers: the traces, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TracePage {
    /// The traces.
    pub traces: Vec<TraceSummary>,
}

/// What `GET /api/traces/{id}/source?file=F` answers: a traced file as it is now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TracedSource {
    /// The file, relative to the trace's root.
    pub file: String,
    /// Its text.
    pub source: String,
}
