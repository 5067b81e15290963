//! What a trace of the program saw changes the verdicts: kinds every call agreed on, and array
//! shapes that varied (the recompile signal for `torch.compile`, `jax.jit`, `tf.function`).

use jitlens_analyzer::protocol::{ObservedSignature, ObservedValue};
use jitlens_analyzer::{analyze_observed, analyze_without_strategies, Observations};

fn value(type_name: &str, library: Option<&str>, shape: Option<Vec<i64>>) -> ObservedValue {
    ObservedValue {
        type_name: type_name.to_owned(),
        library: library.map(str::to_owned),
        dtype: shape.as_ref().map(|_| "float32".to_owned()),
        shape,
        ..ObservedValue::default()
    }
}

fn observations(function: &str, signatures: Vec<Vec<(&str, ObservedValue)>>) -> Observations {
    let signatures = signatures
        .into_iter()
        .map(|params| ObservedSignature {
            params: params.into_iter().map(|(n, v)| (n.to_owned(), v)).collect(),
            calls: 1,
        })
        .collect();
    [(function.to_owned(), signatures)].into_iter().collect()
}

const ACTIVATION: &str = "import torch\n\n\ndef activation(x):\n    x = torch.sin(x)\n    \
                          x = x * torch.cos(x)\n    x = x + torch.exp(-x.abs())\n    \
                          x = torch.tanh(x) * torch.sigmoid(x)\n    return x - 0.5 * x.pow(3)\n";

#[test]
fn varying_shapes_ask_torch_compile_for_dynamic_shapes() {
    let tensor = |shape: Vec<i64>| value("Tensor", Some("torch"), Some(shape));
    let seen = observations(
        "activation",
        vec![
            vec![("x", tensor(vec![8, 16]))],
            vec![("x", tensor(vec![32, 16]))],
            vec![("x", tensor(vec![7, 16]))],
        ],
    );
    let report = analyze_observed(ACTIVATION, &seen);
    let torch = &report.functions[0]
        .verdicts
        .iter()
        .find(|v| v.framework == "torch")
        .unwrap();
    let options = &torch.config.as_ref().expect("a torch config").options;
    assert_eq!(
        options.get("dynamic").map(String::as_str),
        Some("True"),
        "{torch:?}"
    );
    assert!(
        torch.summary.contains("`x` with 3 shapes"),
        "{}",
        torch.summary
    );

    // Without the trace, or with one shape, nothing of the kind is said.
    let plain = analyze_without_strategies(ACTIVATION);
    let torch = plain.functions[0]
        .verdicts
        .iter()
        .find(|v| v.framework == "torch")
        .unwrap();
    assert!(!torch.summary.contains("shapes"), "{}", torch.summary);
    let one = observations("activation", vec![vec![("x", tensor(vec![8, 16]))]]);
    let report = analyze_observed(ACTIVATION, &one);
    let torch = report.functions[0]
        .verdicts
        .iter()
        .find(|v| v.framework == "torch")
        .unwrap();
    assert!(!torch.summary.contains("shapes"), "{}", torch.summary);
}

#[test]
fn a_parameter_seen_only_as_an_array_is_one() {
    // Nothing in the body says `a` is an array; the calls do, so the loop over it is Numba's.
    let source =
        "def total(a, n):\n    s = 0.0\n    for i in range(n):\n        s += a[i] * a[i]\n    \
                  return s\n";
    let array = value("ndarray", Some("numpy"), Some(vec![1000]));
    let seen = observations(
        "total",
        vec![vec![("a", array), ("n", value("int", None, None))]],
    );
    let blind = analyze_without_strategies(source);
    let told = analyze_observed(source, &seen);
    let numba = |report: &jitlens_analyzer::Report| {
        report.functions[0]
            .verdicts
            .iter()
            .find(|v| v.framework == "numba")
            .unwrap()
            .benefit
            .clone()
    };
    assert_eq!(numba(&told), "high", "{:?}", told.functions[0].verdicts);
    assert_ne!(
        numba(&blind),
        numba(&told),
        "the trace must change what is known"
    );
}
