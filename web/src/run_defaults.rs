//! What the Run pane starts from before the user chooses: the framework whose arrays the function
//! works on (else its best verdict's), and setup code built from its input spec.

use jitlens_analyzer::{testgen, Report};

/// The framework used when neither the user nor the code says.
const FALLBACK_FRAMEWORK: &str = "numba";

/// A framework the user picked, and the function it was picked for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FrameworkChoice {
    /// The function shown when it was picked; `None` for any (a link that named no function).
    pub(crate) function: Option<String>,
    /// `numba`, `torch`, `jax` or `tensorflow`.
    pub(crate) framework: String,
}

impl FrameworkChoice {
    /// Whether the choice still holds for `function`: picked for it, or for any.
    pub(crate) fn applies_to(&self, function: &str) -> bool {
        self.function
            .as_deref()
            .is_none_or(|chosen| chosen == function)
    }
}

/// A trace's captured argument sets of one function, which the Run pane sends instead of setup
/// code while that function is chosen.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CapturedInputs {
    /// The trace's id.
    pub(crate) trace: String,
    /// The function they were captured for.
    pub(crate) function: String,
    /// How many argument sets the trace kept.
    pub(crate) samples: u32,
}

/// The Run pane's starting point for one function.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunDefaults {
    /// The framework to measure.
    pub(crate) framework: String,
    /// Setup code that defines every argument, runnable as it is.
    pub(crate) setup: String,
}

/// The defaults for `function` of `source`. A torch function starts at torch even when its torch
/// verdict is "harmful": that is the JIT its user wants measured.
pub(crate) fn run_defaults(source: &str, report: &Report, function: &str) -> RunDefaults {
    let spec = testgen::input_spec(source, function);
    let from_arrays = spec.as_ref().and_then(testgen::array_framework);
    let from_verdicts = || {
        report
            .functions
            .iter()
            .find(|f| f.name == function)?
            .verdicts
            .iter()
            .find(|verdict| matches!(verdict.benefit.as_str(), "high" | "medium" | "low"))
            .map(|verdict| verdict.framework.clone())
    };
    RunDefaults {
        framework: from_arrays
            .map(str::to_owned)
            .or_else(from_verdicts)
            .unwrap_or_else(|| FALLBACK_FRAMEWORK.to_owned()),
        setup: spec
            .as_ref()
            .map(testgen::setup_example)
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults(source: &str, function: &str) -> RunDefaults {
        let report = jitlens_analyzer::analyze(source);
        run_defaults(source, &report, function)
    }

    #[test]
    fn a_torch_function_starts_at_torch_with_tensors() {
        let source = "import torch\n\ndef adaptive_processing(x, threshold=0.5):\n    \
                      mask = x > threshold\n    if mask.sum().item() > 3:\n        \
                      return torch.matmul(x, x.T).mean(dim=0)\n    return x.mean(dim=1)\n";
        let defaults = defaults(source, "adaptive_processing");
        assert_eq!(defaults.framework, "torch");
        assert!(
            defaults.setup.contains("x = torch.rand("),
            "{}",
            defaults.setup
        );
    }

    #[test]
    fn a_numpy_loop_starts_at_its_best_verdict_with_numpy_arrays() {
        let source = "import numpy as np\n\ndef total(a):\n    s = 0.0\n    \
                      for i in range(a.shape[0]):\n        s += a[i] * a[i]\n    return s\n";
        let defaults = defaults(source, "total");
        assert_eq!(defaults.framework, "numba");
        assert!(
            defaults.setup.starts_with("import numpy as np\na = np."),
            "{}",
            defaults.setup
        );
    }

    #[test]
    fn a_choice_holds_for_its_function_only() {
        let choice = FrameworkChoice {
            function: Some("f".to_owned()),
            framework: "jax".to_owned(),
        };
        assert!(choice.applies_to("f"));
        assert!(!choice.applies_to("g"));
        let any = FrameworkChoice {
            function: None,
            ..choice
        };
        assert!(any.applies_to("g"));
    }
}
