//! The rewrite pane: each strategy for the chosen function as a side-by-side diff against the
//! original, a tab per strategy (named by its framework), with copy and download.

use std::rc::Rc;

use jitlens_analyzer::report::{Report, Strategy};
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

fn diff_table(before: &str, after: &str) -> Html {
    let rows = side_by_side(before, after).into_iter().map(|row| match row {
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
            <thead><tr><th colspan="2">{ "original" }</th><th colspan="2">{ "rewrite" }</th></tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

/// The rewrites of one function.
#[function_component(Rewrite)]
pub(crate) fn rewrite(props: &RewriteProps) -> Html {
    let chosen_tab = use_state(|| 0usize);
    let copied = use_state(|| None::<String>);
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
                { &strategy.framework }
            </button>
        }
    });
    let body = match strategies.get(tab) {
        None => {
            html! { <p id="no-rewrite" class="muted">{ "No rewrite offered for this function." }</p> }
        }
        Some(strategy) => {
            let copy = {
                let text = strategy.source.clone();
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
                let text = strategy.source.clone();
                let name = format!(
                    "{}_{}.py",
                    function.name.replace('.', "_"),
                    strategy.framework
                );
                Callback::from(move |_| browser::download(&name, &text))
            };
            html! {
                <>
                    <p>
                        <strong>{ &strategy.title }</strong>
                        <span class={classes!("applicability", strategy.applicability.clone())}>
                            { if strategy.applicability == "safe" { " safe: same behaviour by construction" } else { " review: trusted once the runner's equivalence tests pass" } }
                        </span>
                    </p>
                    <div class="actions">
                        <button type="button" onclick={copy}>{ "Copy rewrite" }</button>
                        <button type="button" onclick={download}>{ "Download .py" }</button>
                        <span role="status">{ (*copied).clone().unwrap_or_default() }</span>
                    </div>
                    { diff_table(&props.source, &strategy.source) }
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
