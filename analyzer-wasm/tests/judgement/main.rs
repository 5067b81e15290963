//! The judgement that real code needs (issue 11): say nothing about functions no one compiles,
//! keep unknown values unknown, follow calls into the module's own functions, know what is
//! compiled already, name library calls for what they are, and answer for pure-Python numeric
//! code. Each case is a small function of the kind found in real projects.

use jitlens_analyzer::analyze;
use jitlens_analyzer::report::{FunctionReport, Report, Severity, Verdict};

mod jax_code;
mod numpy_code;
mod torch_code;

fn function<'r>(report: &'r Report, name: &str) -> &'r FunctionReport {
    report
        .functions
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no function {name}"))
}

fn verdict<'r>(report: &'r Report, name: &str, framework: &str) -> &'r Verdict {
    function(report, name)
        .verdicts
        .iter()
        .find(|v| v.framework == framework)
        .unwrap()
}

/// Asserts whether the verdict of `name` for `framework` advises compiling ("high" or "medium").
fn assert_advice(report: &Report, name: &str, framework: &str, advised: bool) {
    let verdict = verdict(report, name, framework);
    assert_eq!(
        matches!(verdict.benefit.as_str(), "high" | "medium"),
        advised,
        "{name}: {verdict:?}"
    );
}

fn codes_in(report: &Report, name: &str) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.function.as_deref() == Some(name))
        .map(|d| d.code.clone())
        .collect()
}

/// Whether `code` is among the findings in `name`.
fn reports(report: &Report, name: &str, code: &str) -> bool {
    codes_in(report, name).iter().any(|c| c == code)
}

/// A project that has analyzed every one of `sources` and learnt what each teaches, as
/// `check` does before it looks again at the modules those facts change.
fn project_of(sources: &[&str]) -> jitlens_analyzer::Project {
    let mut project = jitlens_analyzer::Project::default();
    for source in sources {
        let (_, facts) = project.analyze_module("", source);
        project.learn_from(&facts);
    }
    project
}

/// No torch graph-break (PT0xx) or recompile (PT3xx) finding in any of `names`.
fn assert_no_graph_break_or_recompile(report: &Report, names: &[&str]) {
    for name in names {
        let codes = codes_in(report, name);
        assert!(
            !codes
                .iter()
                .any(|c| c.starts_with("PT0") || c.starts_with("PT3")),
            "{name}: {codes:?}"
        );
    }
}

const NUMERIC_LOOP_WITH_HELPER: &str = "\
def f(x):
    return x * x + 0.5 * x


def integrate(n):
    total = 0.0
    h = 1.0 / n
    for i in range(n):
        x = (i + 0.5) * h
        total += f(x)
    return total * h
";
