//! The diagnostics pane: syntax errors and rule findings; a click selects the code, and each
//! rule's documentation is one click away.

use std::rc::Rc;

use jitlens_analyzer::report::{Diagnostic, Report, Severity};
use yew::prelude::*;

use crate::components::editor;
use crate::rule_docs::rule_doc;

/// Properties of [`Diagnostics`].
#[derive(Properties, PartialEq)]
pub(crate) struct DiagnosticsProps {
    /// The editor's text (to place the selection).
    pub(crate) source: Rc<String>,
    /// The analyzer's report on it.
    pub(crate) report: Rc<Report>,
}

/// The severity's word, as CSS classes and the page use it.
pub(crate) fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The diagnostics list with the documentation panel.
#[function_component(Diagnostics)]
pub(crate) fn diagnostics(props: &DiagnosticsProps) -> Html {
    let docs_for = use_state(|| None::<Diagnostic>);
    let report = &props.report;

    let errors = report.parse_errors.iter().map(|error| {
        let source = props.source.clone();
        let at = (error.position.line, error.position.utf16_column);
        let onclick = Callback::from(move |_| editor::reveal(&source, at, at));
        html! {
            <li class="parse-error">
                <button type="button" class="link" {onclick}>
                    { format!("line {}, column {}: {}", error.position.line, error.position.column + 1, error.message) }
                </button>
            </li>
        }
    });
    let items = report.diagnostics.iter().map(|diagnostic| {
        let start = (diagnostic.range.start.line, diagnostic.range.start.utf16_column);
        let end = (diagnostic.range.end.line, diagnostic.range.end.utf16_column);
        let jump = {
            let source = props.source.clone();
            Callback::from(move |_| editor::reveal(&source, start, end))
        };
        let show_docs = {
            let docs_for = docs_for.clone();
            let diagnostic = diagnostic.clone();
            Callback::from(move |_| docs_for.set(Some(diagnostic.clone())))
        };
        let severity = severity_name(diagnostic.severity);
        html! {
            <li class={classes!("diagnostic", format!("sev-{severity}"))}>
                <button type="button" class="link" onclick={jump}
                        title="Select this code in the editor">
                    <span class="where">{ format!("{}:{}", start.0, diagnostic.range.start.column + 1) }</span>
                    <code class="code">{ &diagnostic.code }</code>
                    <span class="message">{ &diagnostic.message }</span>
                </button>
                <button type="button" class="docs" onclick={show_docs}
                        aria-label={format!("Documentation of {}", diagnostic.code)}>{ "docs" }</button>
            </li>
        }
    });

    let panel = docs_for.as_ref().map(|diagnostic| {
        let close = {
            let docs_for = docs_for.clone();
            Callback::from(move |_| docs_for.set(None))
        };
        let body = match rule_doc(&diagnostic.code) {
            Some(text) => html! { <pre class="doc-text">{ text }</pre> },
            None => html! {
                <p class="muted">{ format!(
                    "The documentation of {} is not bundled with this page yet; `jitlens rule {}` prints it.",
                    diagnostic.code, diagnostic.code
                ) }</p>
            },
        };
        html! {
            <section id="rule-docs" class="rule-docs" aria-label="Rule documentation">
                <h3><code>{ &diagnostic.code }</code>{ format!(" {}", diagnostic.name) }</h3>
                <p>{ &diagnostic.message }</p>
                { body }
                <button type="button" onclick={close}>{ "Close" }</button>
            </section>
        }
    });

    html! {
        <div class="diagnostics">
            if !report.parse_errors.is_empty() {
                <h2>{ "Syntax error" }</h2>
                <ul id="parse-errors" class="plain">{ for errors }</ul>
            }
            <h2>{ format!("Diagnostics ({})", report.diagnostics.len()) }</h2>
            if report.diagnostics.is_empty() {
                <p id="no-diagnostics" class="muted">{ "Nothing stands in a JIT's way here." }</p>
            } else {
                <ul id="diagnostics" class="plain">{ for items }</ul>
            }
            { for panel }
        </div>
    }
}
