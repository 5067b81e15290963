//! The live report: parse errors, functions and diagnostics, with the analysis time.

use jitlens_analyzer::Report;
use yew::prelude::*;

/// Properties of [`ReportPanel`].
#[derive(Properties, PartialEq)]
pub(crate) struct ReportPanelProps {
    /// The analyzer's report on the editor's text.
    pub(crate) report: Report,
    /// How long the analysis took.
    pub(crate) millis: f64,
}

/// Shows one report.
#[function_component(ReportPanel)]
pub(crate) fn report_panel(props: &ReportPanelProps) -> Html {
    let report = &props.report;
    let errors = report.parse_errors.iter().map(|error| {
        html! {
            <li class="parse-error">
                { format!("line {}, column {}: {}", error.position.line, error.position.column + 1, error.message) }
            </li>
        }
    });
    let functions = report.functions.iter().map(|function| {
        html! {
            <li class="function">
                <code>{ &function.name }</code>
                { format!(" (lines {}–{})", function.range.start.line, function.range.end.line) }
            </li>
        }
    });
    html! {
        <div class="report">
            <p id="analysis-time" class="muted">{ format!("analyzed in {:.1} ms", props.millis) }</p>
            if !report.parse_errors.is_empty() {
                <h2>{ "Syntax error" }</h2>
                <ul id="parse-errors">{ for errors }</ul>
            }
            <h2>{ "Functions" }</h2>
            if report.functions.is_empty() {
                <p class="muted">{ "No function found: paste a Python function." }</p>
            } else {
                <ul id="functions">{ for functions }</ul>
            }
        </div>
    }
}
