//! The required verdicts: the product brief's two examples, Numba on a triple loop, no `prange`
//! for a loop-carried dependency, no `fastmath` for code that reads NaN.

use std::fs;
use std::path::Path;

use jitlens_analyzer::analyze;
use jitlens_analyzer::report::{FunctionReport, Report};

fn fixture(name: &str) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    analyze(&fs::read_to_string(path).unwrap())
}

fn function<'r>(report: &'r Report, name: &str) -> &'r FunctionReport {
    report.functions.iter().find(|f| f.name == name).unwrap()
}

fn codes_in(report: &Report, name: &str) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.function.as_deref() == Some(name))
        .map(|d| d.code.clone())
        .collect()
}

#[test]
fn complex_activation_is_best_compiled_with_torch_for_fusion() {
    let report = fixture("brief.py");
    let best = &function(&report, "complex_activation").verdicts[0];
    assert_eq!(best.framework, "torch");
    assert!(
        matches!(best.benefit.as_str(), "high" | "medium"),
        "{best:?}"
    );
    assert!(best.reasons.contains(&"GEN402".to_owned()), "{best:?}");
    assert_eq!(best.config.as_ref().unwrap().decorator, "torch.compile");
    let estimate = best.estimate.unwrap();
    assert!(estimate.speedup_low >= 1.3 && estimate.speedup_low <= estimate.speedup_high);
}

#[test]
fn adaptive_processing_is_not_worth_compiling_with_torch() {
    let report = fixture("brief.py");
    let torch = function(&report, "adaptive_processing")
        .verdicts
        .iter()
        .find(|v| v.framework == "torch")
        .unwrap();
    assert!(
        matches!(torch.benefit.as_str(), "none" | "harmful"),
        "{torch:?}"
    );
    // Graph breaks slow torch down but do not make it fail: there is an estimate, below 1x.
    assert!(torch.estimate.unwrap().speedup_high < 1.0, "{torch:?}");
    let codes = codes_in(&report, "adaptive_processing");
    for code in ["PT001", "PT006", "PT301", "GEN401"] {
        assert!(
            codes.contains(&code.to_owned()),
            "{code} missing from {codes:?}"
        );
        assert!(
            torch.blockers.contains(&code.to_owned()),
            "{code} not a blocker: {torch:?}"
        );
    }
}

#[test]
fn triple_loop_over_an_array_gets_numba_high() {
    let report = fixture("numba_rules.py");
    let best = &function(&report, "pairwise").verdicts[0];
    assert_eq!(
        (best.framework.as_str(), best.benefit.as_str()),
        ("numba", "high"),
        "{best:?}"
    );
    assert!(best.reasons.contains(&"NB401".to_owned()));
    let options = &best.config.as_ref().unwrap().options;
    assert_eq!(options.get("parallel").map(String::as_str), Some("True"));
}

#[test]
fn loop_carried_dependency_never_gets_prange() {
    let report = fixture("numba_rules.py");
    let numba = function(&report, "prefix_sum")
        .verdicts
        .iter()
        .find(|v| v.framework == "numba")
        .unwrap();
    assert_eq!(numba.benefit, "high");
    assert!(
        !numba
            .config
            .as_ref()
            .unwrap()
            .options
            .contains_key("parallel"),
        "{numba:?}"
    );
    assert!(!codes_in(&report, "prefix_sum").contains(&"NB205".to_owned()));
}

#[test]
fn reading_nan_never_gets_fastmath() {
    let report = fixture("numba_rules.py");
    let nan_aware = function(&report, "nan_aware_sum")
        .verdicts
        .iter()
        .find(|v| v.framework == "numba")
        .unwrap();
    let options = &nan_aware.config.as_ref().unwrap().options;
    assert!(!options.contains_key("fastmath"), "{nan_aware:?}");
    assert_eq!(options.get("parallel").map(String::as_str), Some("True"));
    // The same reduction without a NaN check does get it.
    let total = function(&report, "plain_sum")
        .verdicts
        .iter()
        .find(|v| v.framework == "numba")
        .unwrap();
    assert_eq!(
        total
            .config
            .as_ref()
            .unwrap()
            .options
            .get("fastmath")
            .map(String::as_str),
        Some("True")
    );
}

#[test]
fn every_function_has_one_verdict_per_framework_best_first() {
    let rank = |b: &str| {
        ["high", "medium", "low", "none", "harmful"]
            .iter()
            .position(|x| *x == b)
            .unwrap()
    };
    for name in [
        "brief.py",
        "numba_rules.py",
        "torch_rules.py",
        "jax_rules.py",
        "tensorflow_rules.py",
        "general_rules.py",
    ] {
        for function in &fixture(name).functions {
            let mut frameworks: Vec<&str> = function
                .verdicts
                .iter()
                .map(|v| v.framework.as_str())
                .collect();
            frameworks.sort_unstable();
            assert_eq!(
                frameworks,
                ["jax", "numba", "tensorflow", "torch"],
                "{}",
                function.name
            );
            let ranks: Vec<usize> = function.verdicts.iter().map(|v| rank(&v.benefit)).collect();
            assert!(
                ranks.windows(2).all(|w| w[0] <= w[1]),
                "{}: {ranks:?}",
                function.name
            );
        }
    }
}

#[test]
fn tiny_and_kernel_bound_functions_are_not_worth_compiling() {
    let report = fixture("general_rules.py");
    let add_one = function(&report, "add_one")
        .verdicts
        .iter()
        .find(|v| v.framework == "torch")
        .unwrap();
    assert_eq!(add_one.benefit, "harmful");
    let solve = &function(&report, "solve").verdicts[0];
    assert!(
        matches!(solve.benefit.as_str(), "none" | "low"),
        "{solve:?}"
    );
}

#[test]
fn numba_errors_make_the_numba_verdict_a_failure() {
    let report = fixture("numba_rules.py");
    let numba = function(&report, "uses_regex")
        .verdicts
        .iter()
        .find(|v| v.framework == "numba")
        .unwrap();
    assert_eq!(numba.benefit, "harmful");
    assert!(numba.estimate.is_none());
    assert_eq!(numba.blockers, ["NB001"]);
}

#[test]
fn frameworks_that_cannot_compile_the_arrays_get_no_reasons() {
    let report = fixture("brief.py");
    for verdict in &function(&report, "complex_activation").verdicts[1..] {
        assert!(
            verdict.reasons.is_empty() && verdict.blockers.is_empty(),
            "{verdict:?}"
        );
        assert!(
            matches!(verdict.benefit.as_str(), "none" | "harmful"),
            "{verdict:?}"
        );
    }
}
