//! Setup code that defines a function's arguments, written from its input spec: the example the
//! page offers in its Run pane, in the arrays the function works on, runnable as it is.

use crate::report::{InputSpec, ParamSpec};

/// Points in 3-D: `n, d = X.shape` loops over pairs, so a square matrix would take minutes.
const POINT_NAMES: &[&str] = &[
    "points",
    "pts",
    "coords",
    "positions",
    "xyz",
    "X",
    "particles",
];

/// The framework whose arrays the spec's parameters are: `torch` for tensors, `jax`, `tensorflow`;
/// `None` for NumPy arrays, lists and scalars (any JIT could be asked to take them).
pub fn array_framework(spec: &InputSpec) -> Option<&'static str> {
    spec.params
        .iter()
        .find_map(|param| match param.kind.as_str() {
            "tensor" => Some("torch"),
            "jax" => Some("jax"),
            "tf" => Some("tensorflow"),
            _ => None,
        })
}

/// Python that imports what it needs and defines every parameter of `spec` by name.
pub fn setup_example(spec: &InputSpec) -> String {
    let mut imports: Vec<&str> = Vec::new();
    let mut lines = Vec::new();
    for param in &spec.params {
        let (import, value) = value_of(param);
        if let Some(import) = import {
            if !imports.contains(&import) {
                imports.push(import);
            }
        }
        lines.push(format!("{} = {value}", param.name));
    }
    let mut text = imports.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(&lines.join("\n"));
    text
}

/// The import a value needs, and the value as Python.
fn value_of(param: &ParamSpec) -> (Option<&'static str>, String) {
    let shape = shape_of(param);
    match param.kind.as_str() {
        "ndarray" if param.dtype.starts_with("int") => (
            Some("import numpy as np"),
            format!("np.random.default_rng(0).integers(0, 100, {shape})"),
        ),
        "ndarray" => (
            Some("import numpy as np"),
            format!("np.random.default_rng(0).random({shape})"),
        ),
        "tensor" => (Some("import torch"), format!("torch.rand{shape}")),
        "jax" => (
            Some("import jax"),
            format!("jax.random.uniform(jax.random.PRNGKey(0), {shape})"),
        ),
        "tf" => (
            Some("import tensorflow as tf"),
            format!("tf.random.uniform({shape})"),
        ),
        "list" => (None, "[float(i % 7) for i in range(10_000)]".to_owned()),
        "records" => {
            let fields: Vec<String> = param
                .keys
                .iter()
                .map(|key| format!("{key:?}: float(i % 7)"))
                .collect();
            (
                None,
                format!("[{{{}}} for i in range(1_000)]", fields.join(", ")),
            )
        }
        "size" => (None, "1_000".to_owned()),
        _ => (
            None,
            param.value.clone().unwrap_or_else(|| "0.5".to_owned()),
        ),
    }
}

/// A parenthesised shape: `(10_000,)`, `(300, 3)` for points, `(256, 256)`, `(32, 32, 32)`.
fn shape_of(param: &ParamSpec) -> String {
    match param.ndim {
        0 | 1 => "(10_000,)".to_owned(),
        2 if POINT_NAMES.contains(&param.name.as_str()) => "(300, 3)".to_owned(),
        2 => "(256, 256)".to_owned(),
        ndim => format!("({})", vec!["32"; ndim].join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testgen::input_spec;

    fn spec(source: &str, function: &str) -> InputSpec {
        input_spec(source, function).expect("the function exists")
    }

    #[test]
    fn a_torch_function_gets_tensors_and_names_torch() {
        let spec = spec(
            "import torch\n\ndef adaptive(x, threshold=0.5):\n    return x.mean(dim=1)\n",
            "adaptive",
        );
        assert_eq!(array_framework(&spec), Some("torch"));
        assert_eq!(
            setup_example(&spec),
            "import torch\nx = torch.rand(256, 256)"
        );
    }

    #[test]
    fn a_numpy_loop_gets_a_point_cloud_and_no_framework_of_its_own() {
        let source = "import numpy as np\n\ndef pairwise(X):\n    n, d = X.shape\n    \
                      for i in range(n):\n        pass\n";
        let spec = spec(source, "pairwise");
        assert_eq!(array_framework(&spec), None);
        assert_eq!(
            setup_example(&spec),
            "import numpy as np\nX = np.random.default_rng(0).random((300, 3))"
        );
    }

    #[test]
    fn sizes_and_scalars_are_plain_python() {
        let source = "def count(n: int, rate: float):\n    for i in range(n):\n        pass\n";
        assert_eq!(
            setup_example(&spec(source, "count")),
            "n = 1_000\nrate = 0.5"
        );
    }
}
