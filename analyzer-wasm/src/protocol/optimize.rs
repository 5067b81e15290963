//! What `jitlens optimize` measured on a trace: each hot function's rewrites checked and timed on
//! the captured inputs, the one kept with its unified diff, and the whole program's projection.
//! `--json` prints it, the store keeps the newest per trace, and `GET /api/traces/{id}/optimize`
//! answers it to the page's Workload pane.

use serde::{Deserialize, Serialize};

use super::Speedup;

/// How one function came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptimizeStatus {
    /// Equal on every captured input, faster with the interval above 1, and pays back its
    /// compile within the traced workload.
    Verified,
    /// Equal, but not faster, or its compile does not pay back within the traced calls.
    Slower,
    /// A captured input gave a different result.
    NotEqual,
    /// No rewrite on offer.
    NoRewrite,
    /// The job failed.
    Failed,
}

impl OptimizeStatus {
    /// The wire name: `verified`, `slower`, `not-equal`, `no-rewrite`, `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Slower => "slower",
            Self::NotEqual => "not-equal",
            Self::NoRewrite => "no-rewrite",
            Self::Failed => "failed",
        }
    }
}

/// The equivalence part of a function's line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquivalenceLine {
    /// Whether every captured input matched.
    pub passed: bool,
    /// How many captured inputs ran.
    pub cases: u32,
}

/// One function's line of the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionOutcome {
    /// The qualified name.
    pub name: String,
    /// The file, relative to the trace's root.
    pub file: String,
    /// The rewrite's framework, when one ran.
    #[serde(default)]
    pub framework: Option<String>,
    /// The rewrite kept (its strategy id), when one ran.
    #[serde(default)]
    pub rewrite: Option<String>,
    /// How it came out.
    pub status: OptimizeStatus,
    /// Why, in words: the first difference, the error, the verdict's reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// The kept rewrite's speedup on the captured inputs.
    #[serde(default)]
    pub speedup: Option<Speedup>,
    /// Its equivalence on them.
    #[serde(default)]
    pub equivalence: Option<EquivalenceLine>,
    /// Seconds of its cold first call.
    #[serde(default)]
    pub compile_s: Option<f64>,
    /// Calls after which the compile has paid for itself.
    #[serde(default)]
    pub break_even_calls: Option<u64>,
    /// How many calls the trace saw.
    pub traced_calls: u64,
    /// Its share of the traced time.
    pub share: f64,
    /// The replay test written for it (verified functions).
    #[serde(default)]
    pub replay_test: Option<String>,
    /// Every variant that ran, in the order they ran.
    #[serde(default)]
    pub variants: Vec<Variant>,
    /// A function the user compiled already: its compiled speed over its Python speed on the
    /// captured inputs (the trace saw it at Python speed, every JIT off).
    #[serde(default)]
    pub compiled_speedup: Option<Speedup>,
    /// The kept rewrite as a unified diff against the file as it was when measured (`--- a/F`,
    /// `+++ b/F`, 3 lines of context); absent when no rewrite was kept.
    #[serde(default)]
    pub diff: Option<String>,
}

/// One rewrite of a function as it measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// The strategy's id (`numba-decorate`, `torch-branchless`).
    pub strategy: String,
    /// How it came out.
    pub status: OptimizeStatus,
    /// Its median speedup over the captured inputs.
    #[serde(default)]
    pub speedup: Option<f64>,
    /// Compiles after the first, over the captured inputs.
    #[serde(default)]
    pub recompiles: Option<u32>,
    /// Graph breaks the JIT reported.
    #[serde(default)]
    pub graph_breaks: Option<u32>,
}

impl Variant {
    /// `, 1 recompile, 2 graph breaks`: what compiling cost beyond the first compile, empty when
    /// nothing.
    pub fn compile_notes(&self) -> String {
        let counted = |count: Option<u32>, one: &str| match count {
            Some(0) | None => String::new(),
            Some(1) => format!(", 1 {one}"),
            Some(n) => format!(", {n} {one}s"),
        };
        counted(self.recompiles, "recompile") + &counted(self.graph_breaks, "graph break")
    }
}

/// The whole program's projected speedup (Amdahl over the traced shares) with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProjectedSpeedup {
    /// From the kept rewrites' median speedups.
    pub median: f64,
    /// From the lower ends of their intervals.
    pub ci_low: f64,
    /// From the upper ends of their intervals.
    pub ci_high: f64,
}

/// What `jitlens optimize --json` prints and `GET /api/traces/{id}/optimize` answers: the
/// newest optimize run of a trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Optimized {
    /// The trace's id.
    pub trace: String,
    /// The functions measured, by share of the traced time.
    pub functions: Vec<FunctionOutcome>,
    /// The whole program's projection.
    pub projected_speedup: ProjectedSpeedup,
    /// Whether `--apply` wrote the verified rewrites.
    pub applied: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_notes_count_recompiles_and_graph_breaks_in_words() {
        let variant = |recompiles, graph_breaks| Variant {
            strategy: "f:torch-compile".to_owned(),
            status: OptimizeStatus::Slower,
            speedup: Some(0.3),
            recompiles,
            graph_breaks,
        };
        assert_eq!(variant(None, Some(0)).compile_notes(), "");
        assert_eq!(
            variant(Some(1), Some(3)).compile_notes(),
            ", 1 recompile, 3 graph breaks"
        );
        assert_eq!(variant(Some(2), None).compile_notes(), ", 2 recompiles");
    }
}
