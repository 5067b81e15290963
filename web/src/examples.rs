//! The one-click examples: the brief's two torch functions and a Numba loop, each with setup
//! code that runs as it is, so a first Run works without typing.

/// One example: code for the editor and the Run pane's choices for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Example {
    /// The button's label.
    pub(crate) label: &'static str,
    /// The module put in the editor.
    pub(crate) source: &'static str,
    /// The function the Run pane measures.
    pub(crate) function: &'static str,
    /// The framework it measures.
    pub(crate) framework: &'static str,
    /// Setup code that defines the function's arguments.
    pub(crate) setup: &'static str,
}

/// The brief's torch function whose data-dependent branch makes `torch.compile` slower.
pub(crate) const ADAPTIVE_PROCESSING: Example = Example {
    label: "torch: adaptive_processing",
    source: r#"import torch


def adaptive_processing(x, threshold=0.5):
    mask = x > threshold
    num_large = mask.sum().item()
    if num_large > x.numel() * 0.3:
        result = torch.matmul(x, x.T)
        result = result.mean(dim=0)
    else:
        result = x.mean(dim=1)
    return result
"#,
    function: "adaptive_processing",
    framework: "torch",
    setup: "import torch\nx = torch.rand(512, 512)",
};

/// Every example, in the order the page offers them; the first is the first visit's code.
pub(crate) const EXAMPLES: [Example; 3] = [
    ADAPTIVE_PROCESSING,
    // The brief's chain of small element-wise ops that `torch.compile` fuses.
    Example {
        label: "torch: complex_activation",
        source: r#"import torch


def complex_activation(x):
    x = torch.sin(x)
    x = x * torch.cos(x)
    x = x + torch.exp(-x.abs())
    x = x / (1 + x.pow(2))
    x = torch.tanh(x) * torch.sigmoid(x)
    x = x - 0.5 * x.pow(3)
    return x
"#,
        function: "complex_activation",
        framework: "torch",
        setup: "import torch\nx = torch.randn(1000, 1000)",
    },
    // A pure-Python loop over an array: what Numba is for.
    Example {
        label: "numba: pairwise distances",
        source: r#"import numpy as np


def pairwise_distance(X):
    n, d = X.shape
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(d):
                diff = X[i, k] - X[j, k]
                s += diff * diff
            out[i, j] = np.sqrt(s)
    return out
"#,
        function: "pairwise_distance",
        framework: "numba",
        setup: "import numpy as np\nX = np.random.default_rng(0).random((200, 3))",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_example_defines_its_function_and_every_argument_its_setup_needs() {
        for example in EXAMPLES {
            let report = jitlens_analyzer::analyze(example.source);
            assert!(report.parse_errors.is_empty(), "{}", example.label);
            assert!(
                report.functions.iter().any(|f| f.name == example.function),
                "{}",
                example.label
            );
            let spec = jitlens_analyzer::testgen::input_spec(example.source, example.function)
                .expect("a spec");
            for param in &spec.params {
                assert!(
                    example.setup.contains(&format!("{} = ", param.name)),
                    "{}: the setup does not define {}",
                    example.label,
                    param.name
                );
            }
        }
    }
}
