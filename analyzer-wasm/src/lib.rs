//! The jitlens engine: Python source in, a [`Report`] out.
//!
//! The crate is pure: it does no I/O and cannot fail. Broken Python is input like any other and
//! comes back as [`report::ParseError`]s, never as a panic (a panic in WASM kills the page).
//! The same code runs natively (the `jitlens` CLI and runner) and in the browser (the playground).

mod analysis;
pub mod lexer;
mod limits;
mod line_index;
mod model;
mod project;
pub mod protocol;
pub mod report;
mod rewrites;
pub mod rules;
pub mod testgen;
mod verdicts;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

use rustpython_parser::{ast, Parse};

pub use line_index::LineIndex;
pub use model::observed::Observations;
pub use project::{ClassHeaders, ModuleFacts, Project};
pub use report::Report;

/// Sources larger than this are not parsed: the report says so instead.
///
/// Real modules are far smaller (torch's largest file is under 1 MB); the cap keeps a pasted
/// data dump from freezing the page.
pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;

/// Analyzes one Python module and returns its report, with the rewrites on offer.
pub fn analyze(source: &str) -> Report {
    let index = LineIndex::new(source);
    match parse(source, &index) {
        Ok(suite) => {
            let mut report = analysis::run(&suite, source, &index, None);
            rewrites::attach(&mut report, &suite, source, &index);
            report
        }
        Err(report) => report,
    }
}

/// The report without strategies: diagnostics and verdicts only. Rewrites are checked against
/// it (so checking never recurses), and it is all that `jitlens check` needs.
pub fn analyze_without_strategies(source: &str) -> Report {
    let index = LineIndex::new(source);
    match parse(source, &index) {
        Ok(suite) => analysis::run(&suite, source, &index, None),
        Err(report) => report,
    }
}

/// Diagnostics and verdicts (no strategies) with what a trace of the program saw each function
/// called with (`jitlens trace`): a parameter's kind is what every call passed, and array
/// parameters whose shapes varied are the recompile signal for `torch.compile` and `jax.jit`.
pub fn analyze_observed(source: &str, observations: &Observations) -> Report {
    let index = LineIndex::new(source);
    match parse(source, &index) {
        Ok(suite) => analysis::run(&suite, source, &index, Some(observations)),
        Err(report) => report,
    }
}

/// The module's statements, or the report that says why there are none: too large, nested too
/// deeply for the stack, or a syntax error.
fn parse(source: &str, index: &LineIndex<'_>) -> Result<ast::Suite, Report> {
    if source.len() > MAX_SOURCE_BYTES {
        let message = format!(
            "source is too large to analyze: {} bytes (the limit is {} bytes)",
            source.len(),
            MAX_SOURCE_BYTES
        );
        return Err(Report::with_parse_error(report::ParseError {
            message,
            position: index.position(0),
        }));
    }
    if let Some((message, offset)) = limits::check(source) {
        return Err(Report::with_parse_error(report::ParseError {
            message,
            position: index.position(offset),
        }));
    }
    parse_module(source).map_err(|error| {
        Report::with_parse_error(report::ParseError {
            message: error.error.to_string(),
            position: index.position(error.offset.to_usize()),
        })
    })
}

/// rustpython-parser's parse of a module, fed by jitlens' lexer: the same tree, faster. Every
/// parse in the crate goes through here (tests comparing the two lexers aside).
pub(crate) fn parse_module(source: &str) -> Result<ast::Suite, rustpython_parser::ParseError> {
    ast::Suite::parse_tokens(lexer::tokens(source), "<input>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_functions_with_their_ranges() {
        let report = analyze("import numpy as np\n\ndef f(x):\n    return x\n\nclass A:\n    def g(self):\n        pass\n");
        let names: Vec<_> = report.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["f", "A.g"]);
        assert_eq!(report.functions[0].range.start.line, 3);
        assert_eq!(report.functions[0].range.end.line, 4);
        assert_eq!(report.functions[1].range.start.column, 4);
        assert!(report.parse_errors.is_empty());
    }

    #[test]
    fn syntax_error_is_reported_with_its_line() {
        let report = analyze("def f(x):\n    return x +\n");
        assert!(report.functions.is_empty());
        assert_eq!(report.parse_errors.len(), 1);
        assert_eq!(report.parse_errors[0].position.line, 2);
    }

    #[test]
    fn errors_block_compiling_only_where_the_function_is_compiled() {
        let source = "import torch\n\n@torch.compile\ndef f(x):\n    return x.sum().item()\n\ndef g(x):\n    n = torch.sin(x).sum().item()\n    return torch.sin(x) * torch.cos(x) * n + torch.exp(-x) - x\n";
        let report = analyze(source);
        let severity_in = |name: &str| {
            report
                .diagnostics
                .iter()
                .find(|d| d.code == "PT001" && d.function.as_deref() == Some(name))
                .map(|d| d.severity)
        };
        assert_eq!(severity_in("f"), Some(report::Severity::Error));
        assert_eq!(severity_in("g"), Some(report::Severity::Warning));
    }

    #[test]
    fn oversized_source_is_refused_with_a_message() {
        let source = "x = 1\n".repeat(MAX_SOURCE_BYTES / 6 + 1);
        let report = analyze(&source);
        assert!(report.parse_errors[0].message.contains("too large"));
    }

    #[test]
    fn report_serializes_to_the_documented_shape() {
        let json = serde_json::to_value(analyze("def f():\n    pass\n")).unwrap();
        assert_eq!(json["schema"], 1);
        assert_eq!(json["functions"][0]["name"], "f");
        assert!(json["diagnostics"].as_array().unwrap().is_empty());
        assert!(json["parse_errors"].as_array().unwrap().is_empty());
        assert_eq!(json["functions"][0]["range"]["start"]["utf16_column"], 0);
    }
}
