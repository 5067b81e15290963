//! The Workload pane: the traces `jitlens trace` stored (the user's own program run with every
//! JIT off), each function's share of the time as a bar, its calls, signatures, samples and
//! verdict; opening a function puts its file in the editor and points the Run pane at the
//! trace's real inputs.

use jitlens_analyzer::protocol::{Trace, TraceSummary, TracedFunction};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::services::runner::Runner;

/// A traced function the user opened: its file's text, and the trace whose inputs to run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OpenedTraced {
    /// The file as it is now.
    pub(crate) source: String,
    /// The file, relative to the trace's root.
    pub(crate) file: String,
    /// The function's qualified name.
    pub(crate) function: String,
    /// The trace's id.
    pub(crate) trace: String,
    /// How many argument sets it kept of the function.
    pub(crate) samples: u32,
}

/// Properties of [`Workload`].
#[derive(Properties, PartialEq)]
pub(crate) struct WorkloadProps {
    /// The runner, once paired.
    pub(crate) runner: Option<Runner>,
    /// Called when the user opens a function.
    pub(crate) on_open: Callback<OpenedTraced>,
}

#[derive(Debug, Clone, PartialEq)]
enum Loaded<T> {
    Waiting,
    Failed(String),
    Ready(T),
}

/// The Workload pane.
#[function_component(Workload)]
pub(crate) fn workload(props: &WorkloadProps) -> Html {
    let list = use_state(|| Loaded::<Vec<TraceSummary>>::Waiting);
    let chosen = use_state(|| None::<String>);
    let trace = use_state(|| Loaded::<Trace>::Waiting);
    let opening = use_state(|| None::<String>);
    {
        let (list, chosen) = (list.clone(), chosen.clone());
        use_effect_with(props.runner.clone(), move |runner| {
            if let Some(runner) = runner.clone() {
                wasm_bindgen_futures::spawn_local(async move {
                    match runner.traces().await {
                        Ok(page) => {
                            chosen.set(page.traces.first().map(|t| t.id.clone()));
                            list.set(Loaded::Ready(page.traces));
                        }
                        Err(error) => list.set(Loaded::Failed(error.to_string())),
                    }
                });
            }
        });
    }
    {
        let trace = trace.clone();
        use_effect_with(
            (props.runner.clone(), (*chosen).clone()),
            move |(runner, chosen)| {
                if let (Some(runner), Some(id)) = (runner.clone(), chosen.clone()) {
                    trace.set(Loaded::Waiting);
                    wasm_bindgen_futures::spawn_local(async move {
                        trace.set(match runner.trace(&id).await {
                            Ok(found) => Loaded::Ready(found),
                            Err(error) => Loaded::Failed(error.to_string()),
                        });
                    });
                }
            },
        );
    }
    let Some(runner) = props.runner.clone() else {
        return html! {
            <div class="workload">
                <h2>{ "Workload" }</h2>
                <p class="muted">{ "Pair a runner (Run tab) to see the traces of your own programs." }</p>
            </div>
        };
    };
    let picker = match &*list {
        Loaded::Waiting => html! { <p class="muted">{ "Asking the runner for its traces…" }</p> },
        Loaded::Failed(why) => html! { <p class="error" role="alert">{ why.clone() }</p> },
        Loaded::Ready(traces) if traces.is_empty() => html! {
            <p id="no-traces" class="muted">
                { "No traces yet. Trace your program with every JIT off: " }
                <code>{ "jitlens trace -- python your_program.py" }</code>
                { " (or " }<code>{ "-- python -m pytest tests/" }</code>{ "), then reload." }
            </p>
        },
        Loaded::Ready(traces) => {
            let onchange = {
                let chosen = chosen.clone();
                Callback::from(move |event: Event| {
                    let select: HtmlSelectElement = event.target_unchecked_into();
                    chosen.set(Some(select.value()));
                })
            };
            let options = traces.iter().map(|summary| {
                let selected = chosen.as_deref() == Some(summary.id.as_str());
                html! {
                    <option value={summary.id.clone()} {selected}>
                        { format!("{} · {:.2} s · {} function(s)", summary.command.join(" "), summary.wall_s, summary.functions) }
                    </option>
                }
            });
            html! {
                <label class="picker">{ "Trace " }
                    <select id="trace-picker" {onchange}>{ for options }</select>
                </label>
            }
        }
    };
    let body = match &*trace {
        Loaded::Waiting if chosen.is_some() => {
            html! { <p class="muted">{ "Loading the trace…" }</p> }
        }
        Loaded::Waiting => html! {},
        Loaded::Failed(why) => html! { <p class="error" role="alert">{ why.clone() }</p> },
        Loaded::Ready(trace) => trace_view(trace, &runner, &opening, &props.on_open),
    };
    html! {
        <div class="workload">
            <h2>{ "Workload" }</h2>
            { picker }
            { body }
        </div>
    }
}

fn trace_view(
    trace: &Trace,
    runner: &Runner,
    opening: &UseStateHandle<Option<String>>,
    on_open: &Callback<OpenedTraced>,
) -> Html {
    let rows = trace
        .functions
        .iter()
        .map(|function| function_row(trace, function, runner, opening, on_open));
    let jits = if trace.jit_disabled.is_empty() {
        String::new()
    } else {
        format!("; JIT off for {}", trace.jit_disabled.join(", "))
    };
    html! {
        <>
            <p class="muted">
                { format!("{:.3} s wall, {:.3} s in the project's own functions{jits}.", trace.wall_s, trace.traced_s) }
                if let Some(error) = &trace.error {
                    { format!(" The program ended with {error}; what ran before is kept.") }
                }
            </p>
            if let Some(why) = &**opening {
                <p class="error" role="alert">{ why.clone() }</p>
            }
            <table id="workload-functions" class="figures workload-table">
                <thead><tr>
                    <th>{ "function" }</th><th>{ "share of the time" }</th><th>{ "calls" }</th>
                    <th>{ "signatures" }</th><th>{ "samples" }</th><th>{ "verdict" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </>
    }
}

fn function_row(
    trace: &Trace,
    function: &TracedFunction,
    runner: &Runner,
    opening: &UseStateHandle<Option<String>>,
    on_open: &Callback<OpenedTraced>,
) -> Html {
    let percent = (function.share * 100.0).clamp(0.0, 100.0);
    let onclick = {
        let (runner, opening, on_open) = (runner.clone(), opening.clone(), on_open.clone());
        let (trace_id, file, name, samples) = (
            trace.id.clone(),
            function.file.clone(),
            function.name.clone(),
            function.samples,
        );
        Callback::from(move |_| {
            let (runner, opening, on_open) = (runner.clone(), opening.clone(), on_open.clone());
            let (trace_id, file, name) = (trace_id.clone(), file.clone(), name.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match runner.traced_source(&trace_id, &file).await {
                    Ok(found) => {
                        opening.set(None);
                        on_open.emit(OpenedTraced {
                            source: found.source,
                            file: found.file,
                            function: name,
                            trace: trace_id,
                            samples,
                        });
                    }
                    Err(error) => opening.set(Some(format!("Could not open {file}: {error}"))),
                }
            });
        })
    };
    html! {
        <tr class="traced-function">
            <td>
                <button type="button" class="link open-traced" {onclick}
                        title="Open its file in the editor; Run uses the trace's real inputs">
                    { &function.name }
                </button>
                <div class="muted">{ format!("{}:{}", function.file, function.line) }</div>
            </td>
            <td class="share" title={format!("own {:.4} s, cumulative {:.4} s", function.own_s, function.cumulative_s)}>
                <span class="bar-track"><span class="bar" style={format!("width: {percent:.1}%")}></span></span>
                <span class="share-figure">{ format!("{percent:.1}%") }</span>
            </td>
            <td>{ function.calls }</td>
            <td>{ function.signatures }</td>
            <td>{ function.samples }</td>
            <td>{ function.verdict.clone().unwrap_or_else(|| "-".to_owned()) }</td>
        </tr>
    }
}
