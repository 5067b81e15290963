//! The Workload pane: the traces `jitlens trace` stored (the user's own program run with every
//! JIT off), each function's share of the time as a bar, its calls, signatures, samples and
//! verdict, and what `jitlens optimize` measured on it (status and the kept rewrite's speedup;
//! a click on the row opens the figures and the rewrite's diff); opening a function puts its file
//! in the editor and points the Run pane at the trace's real inputs.

use jitlens_analyzer::protocol::{
    FunctionOutcome, OptimizeStatus, Optimized, Trace, TraceSummary, TracedFunction, Variant,
};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::results::seconds;
use crate::components::rewrite::{diff_table, rewrite_label};
use crate::services::runner::Runner;
use crate::text::diff::unified_rows;

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
    let optimized = use_state(|| Loaded::<Option<Optimized>>::Waiting);
    let expanded = use_state(|| None::<String>);
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
        let (trace, optimized, expanded) = (trace.clone(), optimized.clone(), expanded.clone());
        use_effect_with(
            (props.runner.clone(), (*chosen).clone()),
            move |(runner, chosen)| {
                if let (Some(runner), Some(id)) = (runner.clone(), chosen.clone()) {
                    trace.set(Loaded::Waiting);
                    optimized.set(Loaded::Waiting);
                    expanded.set(None);
                    wasm_bindgen_futures::spawn_local(async move {
                        trace.set(match runner.trace(&id).await {
                            Ok(found) => Loaded::Ready(found),
                            Err(error) => Loaded::Failed(error.to_string()),
                        });
                        optimized.set(match runner.optimized(&id).await {
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
        Loaded::Ready(trace) => trace_view(
            trace,
            &optimized,
            &expanded,
            &Opener {
                runner: runner.clone(),
                opening: opening.clone(),
                on_open: props.on_open.clone(),
            },
        ),
    };
    html! {
        <div class="workload">
            <h2>{ "Workload" }</h2>
            { picker }
            { body }
        </div>
    }
}

/// What opening a function into the editor needs.
struct Opener {
    runner: Runner,
    opening: UseStateHandle<Option<String>>,
    on_open: Callback<OpenedTraced>,
}

fn trace_view(
    trace: &Trace,
    optimized: &Loaded<Option<Optimized>>,
    expanded: &UseStateHandle<Option<String>>,
    opener: &Opener,
) -> Html {
    let result = match optimized {
        Loaded::Ready(Some(result)) => Some(result),
        _ => None,
    };
    let rows = trace.functions.iter().map(|function| {
        let outcome = result.and_then(|r| {
            r.functions
                .iter()
                .find(|o| o.name == function.name && o.file == function.file)
        });
        let open = outcome.is_some() && expanded.as_deref() == Some(function.name.as_str());
        html! {
            <>
                { function_row(trace, function, outcome, result.is_some(), open, expanded, opener) }
                if let (true, Some(outcome)) = (open, outcome) {
                    { outcome_detail(outcome) }
                }
            </>
        }
    });
    let jits = if trace.jit_disabled.is_empty() {
        String::new()
    } else {
        format!("; JIT off for {}", trace.jit_disabled.join(", "))
    };
    let optimize_line = match optimized {
        Loaded::Waiting => html! {},
        Loaded::Failed(why) => html! {
            <p class="error" role="alert">{ format!("Could not read what optimize measured: {why}") }</p>
        },
        Loaded::Ready(None) => html! {
            <p id="optimize-missing" class="muted">
                { "Run " }<code>{ format!("jitlens optimize {}", trace.id) }</code>
                { " to measure rewrites of these functions on the trace's inputs." }
            </p>
        },
        Loaded::Ready(Some(result)) => {
            let p = &result.projected_speedup;
            html! {
                <p id="optimize-summary" class="muted">
                    { format!(
                        "jitlens optimize measured {} function(s): the verified rewrites would make the program {:.2}× faster (95% interval {:.2}×–{:.2}×){}. Click a measured function for its figures and diff.",
                        result.functions.len(), p.median, p.ci_low, p.ci_high,
                        if result.applied { "; they were applied" } else { "" },
                    ) }
                </p>
            }
        }
    };
    html! {
        <>
            <p class="muted">
                { format!("{:.3} s wall, {:.3} s in the project's own functions{jits}.", trace.wall_s, trace.traced_s) }
                if let Some(error) = &trace.error {
                    { format!(" The program ended with {error}; what ran before is kept.") }
                }
            </p>
            { optimize_line }
            if let Some(why) = &*opener.opening {
                <p class="error" role="alert">{ why.clone() }</p>
            }
            <table id="workload-functions" class="figures workload-table">
                <thead><tr>
                    <th>{ "function" }</th><th>{ "share of the time" }</th><th>{ "optimize" }</th>
                    <th>{ "calls" }</th><th>{ "signatures" }</th><th>{ "samples" }</th><th>{ "verdict" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </>
    }
}

/// `12.31× (10.02×–14.87×)`.
fn speedup_words(speedup: &jitlens_analyzer::protocol::Speedup) -> String {
    format!(
        "{:.2}× ({:.2}×–{:.2}×)",
        speedup.median, speedup.ci_low, speedup.ci_high
    )
}

/// A strategy id for a reader: `numba.njit(parallel=True)` (the id itself is the title); ids that are no strategy's (the
/// plain decorator timed for reference) as they are.
fn strategy_words(id: &str) -> String {
    let slug = id.rsplit_once(':').map_or("", |(_, slug)| slug);
    let framework = ["numba", "torch", "jax", "tensorflow"]
        .into_iter()
        .find(|framework| slug.starts_with(framework));
    match framework {
        Some(framework) => rewrite_label(id, framework),
        None => id.to_owned(),
    }
}

/// `numba.njit verified 12.30×, 2 recompiles`.
fn variant_words(variant: &Variant) -> String {
    let mut line = format!(
        "{} {}",
        strategy_words(&variant.strategy),
        variant.status.as_str()
    );
    if let Some(speedup) = variant.speedup {
        line.push_str(&format!(" {speedup:.2}×"));
    }
    line.push_str(&variant.compile_notes());
    line
}

/// The opened row: what optimize measured for one function, and the diff of its kept rewrite.
fn outcome_detail(outcome: &FunctionOutcome) -> Html {
    let dash = || "–".to_owned();
    let speedup = outcome.speedup.as_ref().map_or_else(dash, |s| {
        format!(
            "{:.2}× (95% interval {:.2}×–{:.2}×) on the captured inputs",
            s.median, s.ci_low, s.ci_high
        )
    });
    let break_even = match outcome.break_even_calls {
        Some(calls) => format!(
            "after {calls} call(s); the trace made {}",
            outcome.traced_calls
        ),
        None if outcome.speedup.is_some() => {
            format!("never, over the trace's {} call(s)", outcome.traced_calls)
        }
        None => dash(),
    };
    let equivalence = outcome.equivalence.map_or_else(dash, |e| {
        format!(
            "{} on {} captured argument set(s)",
            if e.passed {
                "same results"
            } else {
                "DIFFERENT results"
            },
            e.cases
        )
    });
    let variants = outcome
        .variants
        .iter()
        .map(|variant| html! { <li>{ variant_words(variant) }</li> });
    let diff = match &outcome.diff {
        Some(diff) => html! {
            <>
                <h4>{ format!("The rewrite of {} (against the file as it was measured)", outcome.file) }</h4>
                { diff_table(unified_rows(diff)) }
            </>
        },
        None => html! { <p class="muted">{ "No rewrite was kept, so there is no diff." }</p> },
    };
    html! {
        <tr class="optimize-detail">
            <td colspan="7">
                <dl class="figures">
                    <dt>{ "status" }</dt>
                    <dd class={classes!("optimize-status", outcome.status.as_str())}>{ outcome.status.as_str() }</dd>
                    if let Some(reason) = &outcome.reason {
                        <dt>{ "why" }</dt><dd class="optimize-reason">{ reason.clone() }</dd>
                    }
                    <dt>{ "rewrite kept" }</dt>
                    <dd title={outcome.rewrite.clone()}>{ outcome.rewrite.as_deref().map_or_else(dash, strategy_words) }</dd>
                    <dt>{ "speedup" }</dt><dd class="optimize-speedup">{ speedup }</dd>
                    if let Some(compiled) = &outcome.compiled_speedup {
                        <dt>{ "compiled already" }</dt>
                        <dd>{ format!("{} its Python speed", speedup_words(compiled)) }</dd>
                    }
                    <dt>{ "compile" }</dt>
                    <dd>{ outcome.compile_s.map_or_else(dash, |s| format!("{} (the first call)", seconds(s))) }</dd>
                    <dt>{ "pays back" }</dt><dd>{ break_even }</dd>
                    <dt>{ "equivalence" }</dt><dd>{ equivalence }</dd>
                    if !outcome.variants.is_empty() {
                        <dt>{ "tried" }</dt><dd><ul class="variants">{ for variants }</ul></dd>
                    }
                    if let Some(test) = &outcome.replay_test {
                        <dt>{ "replay test" }</dt><dd><code>{ test.clone() }</code></dd>
                    }
                </dl>
                { diff }
            </td>
        </tr>
    }
}

fn optimize_cell(outcome: Option<&FunctionOutcome>, measured: bool, open: bool) -> Html {
    let Some(outcome) = outcome else {
        let words = if measured { "not measured" } else { "–" };
        return html! { <td class="optimize muted">{ words }</td> };
    };
    let speedup = match (&outcome.speedup, outcome.status) {
        (_, OptimizeStatus::NoRewrite | OptimizeStatus::Failed) | (None, _) => String::new(),
        (Some(speedup), _) => speedup_words(speedup),
    };
    html! {
        <td class="optimize">
            <button type="button" class="link optimize-toggle" aria-expanded={open.to_string()}
                    title="Show what optimize measured and the rewrite's diff">
                <span class={classes!("optimize-status", outcome.status.as_str())}>{ outcome.status.as_str() }</span>
                if !speedup.is_empty() {
                    <span class="optimize-speedup">{ speedup }</span>
                }
            </button>
        </td>
    }
}

fn function_row(
    trace: &Trace,
    function: &TracedFunction,
    outcome: Option<&FunctionOutcome>,
    measured: bool,
    open: bool,
    expanded: &UseStateHandle<Option<String>>,
    opener: &Opener,
) -> Html {
    let percent = (function.share * 100.0).clamp(0.0, 100.0);
    let onclick = {
        let (runner, opening, on_open) = (
            opener.runner.clone(),
            opener.opening.clone(),
            opener.on_open.clone(),
        );
        let (trace_id, file, name, samples) = (
            trace.id.clone(),
            function.file.clone(),
            function.name.clone(),
            function.samples,
        );
        Callback::from(move |event: MouseEvent| {
            // The row's own click opens the optimize figures; this one opens the file.
            event.stop_propagation();
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
    let toggle = outcome.map(|_| {
        let (expanded, name) = (expanded.clone(), function.name.clone());
        Callback::from(move |_: MouseEvent| {
            expanded.set((expanded.as_deref() != Some(name.as_str())).then(|| name.clone()));
        })
    });
    html! {
        <tr class={classes!("traced-function", outcome.is_some().then_some("measured"), open.then_some("open"))}
            onclick={toggle}>
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
            { optimize_cell(outcome, measured, open) }
            <td>{ function.calls }</td>
            <td>{ function.signatures }</td>
            <td>{ function.samples }</td>
            <td>{ function.verdict.clone().unwrap_or_else(|| "-".to_owned()) }</td>
        </tr>
    }
}
