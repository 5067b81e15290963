//! What a trace of the user's program saw a function called with (`jitlens trace`), as the
//! model reads it: a parameter's kind when every call agreed on it, and the array parameters
//! whose shapes varied from call to call (what makes `torch.compile` and `jax.jit` compile
//! again).

use std::collections::HashMap;

use crate::model::Kind;
use crate::protocol::{ObservedSignature, ObservedValue};

/// The signatures a trace saw, by the function's qualified name.
pub type Observations = HashMap<String, Vec<ObservedSignature>>;

/// The kind of a value the tracer described.
fn kind_of(value: &ObservedValue) -> Kind {
    match (value.library.as_deref(), value.is_array()) {
        (Some("numpy"), true) => Kind::NdArray,
        (Some("torch"), true) => Kind::Tensor,
        (Some("jax"), true) => Kind::JaxArray,
        (Some("tensorflow"), true) => Kind::TfTensor,
        // A NumPy scalar (`float64`) is a number to every JIT.
        (Some("numpy"), false) => Kind::Scalar,
        _ => match value.type_name.as_str() {
            "int" | "float" | "bool" | "complex" => Kind::Scalar,
            "str" => Kind::Str,
            "list" => Kind::List,
            "dict" => Kind::Dict,
            "set" | "frozenset" => Kind::Set,
            "tuple" => Kind::Tuple,
            _ => Kind::Unknown,
        },
    }
}

/// The kind of parameter `name` when every observed call passed the same kind; `None` when
/// it was not observed or the calls disagree.
pub(crate) fn param_kind(signatures: &[ObservedSignature], name: &str) -> Option<Kind> {
    let mut kinds = signatures
        .iter()
        .filter_map(|signature| signature.params.get(name))
        .map(kind_of);
    let first = kinds.next()?;
    kinds
        .all(|kind| kind == first)
        .then_some(first)
        .filter(|kind| *kind != Kind::Unknown)
}

/// The array parameters seen with more than one shape, with how many shapes each.
pub(crate) fn varying_shapes(signatures: &[ObservedSignature]) -> Vec<(String, usize)> {
    let mut shapes: HashMap<&str, Vec<&Vec<i64>>> = HashMap::new();
    for signature in signatures {
        for (name, value) in &signature.params {
            if let Some(shape) = &value.shape {
                let seen = shapes.entry(name.as_str()).or_default();
                if !seen.contains(&shape) {
                    seen.push(shape);
                }
            }
        }
    }
    let mut varying: Vec<(String, usize)> = shapes
        .into_iter()
        .filter(|(_, seen)| seen.len() > 1)
        .map(|(name, seen)| (name.to_owned(), seen.len()))
        .collect();
    varying.sort();
    varying
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(type_name: &str, library: Option<&str>, shape: Option<Vec<i64>>) -> ObservedValue {
        ObservedValue {
            type_name: type_name.to_owned(),
            library: library.map(str::to_owned),
            shape,
            ..ObservedValue::default()
        }
    }

    fn signature(params: &[(&str, ObservedValue)]) -> ObservedSignature {
        ObservedSignature {
            params: params
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.clone()))
                .collect(),
            calls: 1,
        }
    }

    #[test]
    fn agreeing_calls_give_a_kind_and_disagreeing_ones_none() {
        let tensor = |n| value("Tensor", Some("torch"), Some(vec![n]));
        let seen = [
            signature(&[("x", tensor(8)), ("mode", value("str", None, None))]),
            signature(&[("x", tensor(16)), ("mode", value("str", None, None))]),
        ];
        assert_eq!(param_kind(&seen, "x"), Some(Kind::Tensor));
        assert_eq!(param_kind(&seen, "mode"), Some(Kind::Str));
        assert_eq!(param_kind(&seen, "other"), None);
        assert_eq!(varying_shapes(&seen), [("x".to_owned(), 2)]);
        let mixed = [
            signature(&[("y", value("int", None, None))]),
            signature(&[("y", value("str", None, None))]),
        ];
        assert_eq!(param_kind(&mixed, "y"), None);
        assert!(varying_shapes(&mixed).is_empty());
    }
}
