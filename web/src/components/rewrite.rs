//! The rewrite pane: each strategy for the chosen function as a side-by-side diff against the
//! original, a tab per strategy (named by what it does), with copy and download, and the pytest
//! module that checks the rewrite against the original (the one `jitlens testgen` writes).

use std::rc::Rc;

use jitlens_analyzer::report::{FunctionReport, Report, Strategy};
use jitlens_analyzer::testgen::{self, TestCase};
use yew::prelude::*;

use crate::components::function_picker::FunctionPicker;
use crate::services::browser;
use crate::text::diff::{side_by_side, Row};

/// Properties of [`Rewrite`].
#[derive(Properties, PartialEq)]
pub(crate) struct RewriteProps {
    /// The editor's text.
    pub(crate) source: Rc<String>,
    /// The analyzer's report on it.
    pub(crate) report: Rc<Report>,
    /// The function chosen across the panes.
    pub(crate) function: Option<String>,
    /// Called when the user picks another function.
    pub(crate) on_function: Callback<String>,
}

/// A tab's name: what the rewrite does, from its id's slug (`f:torch-compile-branchless`):
/// `torch.compile + branchless`, `torch: branchless`, `numba.njit`, `numba: split kernel`.
fn tab_label(strategy: &Strategy) -> String {
    rewrite_label(&strategy.id, &strategy.framework)
}

/// [`tab_label`] from a strategy's id and framework (the Workload pane names the rewrites
/// `jitlens optimize` measured by it).
pub(crate) fn rewrite_label(id: &str, framework: &str) -> String {
    let slug = id.rsplit_once(':').map_or("", |(_, slug)| slug);
    let rest = slug
        .strip_prefix(framework)
        .unwrap_or(slug)
        .trim_start_matches('-');
    let (decorator, options) = match framework {
        "numba" => ("numba.njit", rest.strip_prefix("njit")),
        "torch" => ("torch.compile", rest.strip_prefix("compile")),
        "jax" => ("jax.jit", rest.strip_prefix("jit")),
        "tensorflow" => ("tf.function", rest.strip_prefix("function")),
        _ => ("", None),
    };
    let (decorated, fixes) = match options {
        Some(options) => match options.strip_prefix("-parallel") {
            Some(fixes) => (Some(format!("{decorator}(parallel=True)")), fixes),
            None => (Some(decorator.to_owned()), options),
        },
        None => (None, rest),
    };
    let fixes = fixes.trim_start_matches('-');
    let what = match fixes {
        "" => None,
        "branchless" => Some("branchless"),
        "functional-updates" => Some("functional updates"),
        "branchless-updates" => Some("branchless, functional updates"),
        "split" => Some("split kernel"),
        "vectorize-count" => Some("vectorised"),
        other => Some(other),
    };
    match (decorated, what) {
        (Some(decorated), Some(what)) => format!("{decorated} + {what}"),
        (Some(decorated), None) => decorated,
        (None, Some(what)) => format!("{framework}: {what}"),
        (None, None) => framework.to_owned(),
    }
}

/// The original (left) beside the rewrite (right), from the rows of [`side_by_side`] or
/// [`crate::text::diff::unified_rows`].
pub(crate) fn diff_table(rows: Vec<Row>) -> Html {
    let rows = rows.into_iter().map(|row| match row {
        Row::Gap => html! {
            <tr class="gap"><td class="num">{ "⋯" }</td><td class="line"></td><td class="num">{ "⋯" }</td><td class="line"></td></tr>
        },
        Row::Same { left, right, text } => html! {
            <tr>
                <td class="num">{ left }</td><td class="line">{ text.clone() }</td>
                <td class="num">{ right }</td><td class="line">{ text }</td>
            </tr>
        },
        Row::Changed { left, right } => {
            let side = |line: Option<(usize, String)>, class: &'static str| match line {
                Some((number, text)) => html! {
                    <><td class="num">{ number }</td><td class={classes!("line", class)}>{ text }</td></>
                },
                None => html! { <><td class="num"></td><td class="line empty"></td></> },
            };
            html! { <tr>{ side(left, "removed") }{ side(right, "added") }</tr> }
        }
    });
    html! {
        <table class="diff" aria-label="The original (left) beside the rewrite (right)">
            <colgroup><col class="num" /><col /><col class="num" /><col /></colgroup>
            <thead><tr><th colspan="2">{ "original" }</th><th colspan="2">{ "rewrite" }</th></tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

/// The generated equivalence test of `strategy`, or why there is none.
fn test_module(
    source: &str,
    function: &FunctionReport,
    strategy: &Strategy,
) -> Result<String, String> {
    if function.name.contains('.') {
        return Err(format!(
            "`{}` is a method or a nested function: equivalence tests are generated for \
             module-level functions only.",
            function.name
        ));
    }
    let inputs = testgen::input_spec(source, &function.name)
        .ok_or_else(|| format!("`{}` was not found in the source.", function.name))?;
    Ok(testgen::generate(&TestCase {
        original: source,
        strategy,
        function: &function.name,
        inputs: &inputs,
    }))
}

/// Copy and download buttons for `text`, with the outcome of the copy in `copied`.
fn copy_and_download(
    text: &str,
    file_name: String,
    what: &str,
    copied: &UseStateHandle<Option<String>>,
) -> Html {
    let copy = {
        let text = text.to_owned();
        let copied = copied.clone();
        Callback::from(move |_| {
            let text = text.clone();
            let copied = copied.clone();
            wasm_bindgen_futures::spawn_local(async move {
                copied.set(Some(if browser::copy(&text).await {
                    "Copied.".to_owned()
                } else {
                    "The browser refused the clipboard: use Download.".to_owned()
                }));
            });
        })
    };
    let download = {
        let text = text.to_owned();
        Callback::from(move |_| browser::download(&file_name, &text))
    };
    html! {
        <>
            <button type="button" onclick={copy}>{ format!("Copy {what}") }</button>
            <button type="button" onclick={download}>{ "Download .py" }</button>
        </>
    }
}

/// The generated test module, folded, with its own copy and download. It is generated only
/// while unfolded (`open`), not on every edit while the pane is shown.
fn test_section(
    source: &str,
    function: &FunctionReport,
    strategy: &Strategy,
    copied: &UseStateHandle<Option<String>>,
    open: &UseStateHandle<bool>,
) -> Html {
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |event: Event| {
            if let Some(details) = event.target_dyn_into::<web_sys::Element>() {
                open.set(details.has_attribute("open"));
            }
        })
    };
    let body = match (**open).then(|| test_module(source, function, strategy)) {
        None => Html::default(),
        Some(Ok(module)) => {
            let file_name = format!("test_{}_rewrite.py", function.name);
            html! {
                <>
                    <p class="muted">
                        { "Runs the original and the rewrite on the same inputs and compares the \
                           results with pytest, wherever the framework is installed. The runner \
                           (Run tab) runs the same check before it times anything." }
                    </p>
                    <div class="actions">{ copy_and_download(&module, file_name, "test", copied) }</div>
                    <pre id="rewrite-test" class="test-module">{ module }</pre>
                </>
            }
        }
        Some(Err(reason)) => html! { <p id="rewrite-test-missing" class="muted">{ reason }</p> },
    };
    html! {
        <details class="rewrite-test" open={**open} {ontoggle}>
            <summary>{ "Equivalence test (pytest)" }</summary>
            { body }
        </details>
    }
}

/// The rewrites of one function.
#[function_component(Rewrite)]
pub(crate) fn rewrite(props: &RewriteProps) -> Html {
    let chosen_tab = use_state(|| 0usize);
    let copied = use_state(|| None::<String>);
    let test_open = use_state(|| false);
    let function = props
        .function
        .as_ref()
        .and_then(|name| props.report.functions.iter().find(|f| &f.name == name))
        .or_else(|| props.report.functions.first());

    let picker = html! {
        <FunctionPicker report={props.report.clone()}
            selected={function.map(|f| f.name.clone())} on_change={props.on_function.clone()} />
    };
    let Some(function) = function else {
        return html! { <div class="rewrite"><h2>{ "Rewrite" }</h2><p class="muted">{ "No function to rewrite." }</p></div> };
    };
    let strategies: &[Strategy] = &function.strategies;
    let tab = (*chosen_tab).min(strategies.len().saturating_sub(1));
    let tabs = strategies.iter().enumerate().map(|(index, strategy)| {
        let chosen_tab = chosen_tab.clone();
        let copied = copied.clone();
        let onclick = Callback::from(move |_| {
            chosen_tab.set(index);
            copied.set(None);
        });
        html! {
            <button type="button" role="tab" aria-selected={(index == tab).to_string()}
                    class={classes!("tab", (index == tab).then_some("active"))} {onclick}>
                { tab_label(strategy) }
            </button>
        }
    });
    let body = match strategies.get(tab) {
        None => {
            let reasons = function.verdicts.iter().filter_map(|verdict| {
                let why = verdict.no_rewrite.as_ref()?;
                Some(html! { <li>{ format!("{} ({}): {why}", verdict.framework, verdict.benefit) }</li> })
            });
            html! {
                <div id="no-rewrite">
                    <p class="muted">{ "No rewrite offered for this function." }</p>
                    <ul>{ for reasons }</ul>
                </div>
            }
        }
        Some(strategy) => {
            let file_name = format!(
                "{}_{}.py",
                function.name.replace('.', "_"),
                strategy.framework
            );
            html! {
                <>
                    <p>
                        <strong>{ &strategy.title }</strong>
                        <span class={classes!("applicability", strategy.applicability.clone())}>
                            { if strategy.applicability == "safe" { " safe: same behaviour by construction" } else { " review: trusted once the runner's equivalence tests pass" } }
                        </span>
                    </p>
                    <div class="actions">
                        { copy_and_download(&strategy.source, file_name, "rewrite", &copied) }
                        <span role="status">{ (*copied).clone().unwrap_or_default() }</span>
                    </div>
                    { diff_table(side_by_side(&props.source, &strategy.source)) }
                    { test_section(&props.source, function, strategy, &copied, &test_open) }
                </>
            }
        }
    };
    html! {
        <div class="rewrite">
            <h2>{ "Rewrite" }</h2>
            { picker }
            if !strategies.is_empty() {
                <div role="tablist" class="tabs" aria-label="Rewrites by framework">{ for tabs }</div>
            }
            { body }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strategy(id: &str, framework: &str) -> Strategy {
        Strategy {
            id: id.to_owned(),
            title: String::new(),
            framework: framework.to_owned(),
            applicability: "safe".to_owned(),
            notes: Vec::new(),
            edits: Vec::new(),
            source: String::new(),
        }
    }

    #[test]
    fn tabs_are_named_by_what_the_rewrite_does() {
        let cases = [
            ("f:torch-branchless", "torch", "torch: branchless"),
            ("f:torch-compile", "torch", "torch.compile"),
            (
                "f:torch-compile-branchless",
                "torch",
                "torch.compile + branchless",
            ),
            ("Model.f:numba-njit", "numba", "numba.njit"),
            (
                "f:numba-njit-parallel",
                "numba",
                "numba.njit(parallel=True)",
            ),
            ("f:numba-split", "numba", "numba: split kernel"),
            (
                "f:jax-jit-functional-updates",
                "jax",
                "jax.jit + functional updates",
            ),
            ("f:tensorflow-function", "tensorflow", "tf.function"),
            ("f:numba-vectorize-count", "numba", "numba: vectorised"),
        ];
        for (id, framework, label) in cases {
            assert_eq!(tab_label(&strategy(id, framework)), label, "{id}");
        }
    }
}
