//! The runner pane: pairing, the runner's environment, the inputs, Run (a benchmark) and Profile
//! (a line profile of the original, every JIT off) with live progress and Cancel, and the results.

use std::cell::Cell;
use std::rc::Rc;

use jitlens_analyzer::protocol::{JobKind, JobRequest, JobStatus, RunnerEnv};
use jitlens_analyzer::Report;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::function_picker::FunctionPicker;
use crate::components::profile::{ProfileSummary, Profiled};
use crate::components::results::{status_words, Results};
use crate::components::runner_status::Pairing;
use crate::run_defaults::{run_defaults, CapturedInputs, FrameworkChoice, RunDefaults};
use crate::services::runner::{parse_pairing, Runner};
use crate::services::{browser, job_stream};
use crate::share::{SharedProfile, SharedResults};

/// The frameworks a job can target.
pub(crate) const FRAMEWORKS: [&str; 4] = ["numba", "torch", "jax", "tensorflow"];

/// Properties of [`RunnerPanel`].
#[derive(Properties, PartialEq)]
pub(crate) struct RunnerPanelProps {
    /// The editor's text.
    pub(crate) source: Rc<String>,
    /// The analyzer's report on it.
    pub(crate) report: Rc<Report>,
    /// The runner, once a token is known.
    pub(crate) runner: Option<Runner>,
    /// Whether it answers.
    pub(crate) pairing: Pairing,
    /// Called with an address (None: this page's origin) and a token.
    pub(crate) on_pair: Callback<(Option<String>, String)>,
    /// The function chosen across the panes.
    pub(crate) function: Option<String>,
    /// Called when the user picks another function.
    pub(crate) on_function: Callback<String>,
    /// The framework the user picked, if any; otherwise the function's default holds.
    pub(crate) framework: Option<FrameworkChoice>,
    /// Called when the user picks another framework for the function shown.
    pub(crate) on_framework: Callback<FrameworkChoice>,
    /// A trace's captured inputs, used instead of the setup for their function.
    pub(crate) inputs: Option<CapturedInputs>,
    /// Called when the user goes back from captured inputs to setup code.
    pub(crate) on_clear_inputs: Callback<()>,
    /// The setup code.
    pub(crate) setup: String,
    /// Called with the new setup code on every edit.
    pub(crate) on_setup: Callback<String>,
    /// The latest result (measured here, or opened from a link).
    pub(crate) results: Option<SharedResults>,
    /// Called with each finished result.
    pub(crate) on_result: Callback<SharedResults>,
    /// The latest line profile (measured here, or opened from a link).
    pub(crate) profile: Option<Rc<Profiled>>,
    /// Whether the editor still holds the profiled text.
    pub(crate) profile_current: bool,
    /// Called with each finished profile.
    pub(crate) on_profile: Callback<Profiled>,
}

#[derive(Debug, Clone, PartialEq)]
enum Job {
    Idle,
    Submitting,
    Running {
        id: String,
        update: job_stream::Update,
    },
    Failed(String),
}

/// A benchmark of `function` against the `framework`'s rewrite, on the setup's inputs or on a
/// trace's captured ones.
fn benchmark_request(
    source: &str,
    function: String,
    framework: &str,
    setup: Option<String>,
    inputs: Option<String>,
) -> JobRequest {
    JobRequest {
        source: source.to_owned(),
        function,
        framework: Some(framework.to_owned()),
        candidate_source: None,
        setup: if inputs.is_some() { None } else { setup },
        inputs,
        timeout_s: None,
        rounds: None,
        threads: None,
        kind: JobKind::Benchmark,
        original_jit_off: false,
    }
}

/// The benchmark with the framework's best rewrite as its candidate (the one `jitlens fix`
/// writes); without one, the harness decorates the original with the plain decorator.
fn with_rewrite(mut request: JobRequest) -> JobRequest {
    let report = jitlens_analyzer::analyze(&request.source);
    let strategy = report
        .functions
        .iter()
        .find(|f| f.name == request.function)
        .and_then(|f| jitlens_analyzer::testgen::pick(f, request.framework.as_deref()));
    if let Some(strategy) = strategy {
        request.candidate_source = Some(strategy.source.clone());
    }
    request
}

/// A line profile of the original `function` with every JIT off: no framework and no candidate
/// (the runner refuses both, since a line profile of compiled code would be wrong).
fn profile_request(source: &str, function: String, setup: Option<String>) -> JobRequest {
    JobRequest {
        source: source.to_owned(),
        function,
        framework: None,
        candidate_source: None,
        setup,
        inputs: None,
        timeout_s: None,
        rounds: None,
        threads: None,
        kind: JobKind::Profile,
        original_jit_off: false,
    }
}

/// What a job needs to start, follow and report itself.
struct Launcher {
    job: UseStateHandle<Job>,
    generation: Rc<Cell<u32>>,
    runner: Option<Runner>,
    on_result: Callback<SharedResults>,
    on_profile: Callback<Profiled>,
}

impl Launcher {
    /// A click handler that sends `request` (none: nothing to run) and follows the job.
    fn callback(&self, request: Option<JobRequest>) -> Callback<MouseEvent> {
        let Self {
            job,
            generation,
            runner,
            on_result,
            on_profile,
        } = self;
        let (job, generation, runner) = (job.clone(), generation.clone(), runner.clone());
        let (on_result, on_profile) = (on_result.clone(), on_profile.clone());
        Callback::from(move |_| {
            let (Some(runner), Some(request)) = (runner.clone(), request.clone()) else {
                return;
            };
            // The candidate is jitlens's rewrite for the framework, as `jitlens bench` times it.
            let request = match request.kind {
                JobKind::Benchmark => with_rewrite(request),
                JobKind::Profile => request,
            };
            let this_run = generation.get() + 1;
            generation.set(this_run);
            let (job, generation) = (job.clone(), generation.clone());
            let (on_result, on_profile) = (on_result.clone(), on_profile.clone());
            wasm_bindgen_futures::spawn_local(async move {
                job.set(Job::Submitting);
                let accepted = match runner.submit(&request).await {
                    Ok(accepted) => accepted,
                    Err(error) => return job.set(Job::Failed(error.to_string())),
                };
                let id = accepted.id.clone();
                job.set(Job::Running {
                    id: id.clone(),
                    update: job_stream::Update {
                        status: accepted.status,
                        phase: None,
                        percent: None,
                    },
                });
                let on_update = {
                    let (job, id) = (job.clone(), id.clone());
                    move |update| {
                        job.set(Job::Running {
                            id: id.clone(),
                            update,
                        })
                    }
                };
                let keep_going = move || generation.get() == this_run;
                let Some(outcome) = job_stream::follow(&runner, &id, on_update, keep_going).await
                else {
                    return;
                };
                let result = match outcome {
                    Err(error) => return job.set(Job::Failed(error.to_string())),
                    Ok(result) if result.status == JobStatus::Done => result,
                    Ok(result) => {
                        return job.set(Job::Failed(format!(
                            "The job {}{}",
                            status_words(&result),
                            result
                                .error
                                .as_deref()
                                .map(|e| format!(": {e}"))
                                .unwrap_or_default()
                        )))
                    }
                };
                match request.kind {
                    JobKind::Benchmark => {
                        job.set(Job::Idle);
                        on_result.emit(SharedResults {
                            measured_at: browser::now_iso(),
                            function: request.function,
                            framework: request.framework,
                            job: result,
                        });
                    }
                    JobKind::Profile => match result.profile {
                        Some(profile) => {
                            job.set(Job::Idle);
                            on_profile.emit(Profiled {
                                source: Rc::new(request.source),
                                result: SharedProfile {
                                    measured_at: browser::now_iso(),
                                    function: request.function,
                                    env: result.env,
                                    profile,
                                },
                            });
                        }
                        None => job.set(Job::Failed(
                            "The runner finished without a line profile: it may be older than \
                             profile jobs (update jitlens)."
                                .to_owned(),
                        )),
                    },
                }
            });
        })
    }
}

/// The first eight characters of an id, enough to tell traces apart on the page.
fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

fn environment_view(runner_env: &RunnerEnv) -> Html {
    let environment = &runner_env.environment;
    let versions = environment.versions.iter().map(|(name, version)| {
        html! { <li>{ format!("{name} {version}") }</li> }
    });
    let jits = runner_env
        .jits
        .iter()
        .map(|jit| match (jit.usable, &jit.reason) {
            (true, _) => html! { <li class="ok">{ format!("{} ✓", jit.framework) }</li> },
            (false, reason) => html! {
                <li class="bad" title={ reason.clone().unwrap_or_default() }>
                    { format!("{} ✗ {}", jit.framework, reason.as_deref().unwrap_or("not usable")) }
                </li>
            },
        });
    html! {
        <dl id="runner-env" class="figures">
            <dt>{ "Python" }</dt>
            <dd>{ format!("{}, found by {}", environment.python, runner_env.found_by) }</dd>
            <dt>{ "CPU" }</dt><dd>{ &environment.cpu }</dd>
            <dt>{ "GPUs" }</dt><dd>{ if environment.gpus.is_empty() { "none".to_owned() } else { environment.gpus.join(", ") } }</dd>
            <dt>{ "frameworks" }</dt><dd><ul class="inline">{ for versions }</ul></dd>
            <dt>{ "JITs" }</dt><dd><ul id="runner-jits" class="inline">{ for jits }</ul></dd>
        </dl>
    }
}

/// The runner pane.
#[function_component(RunnerPanel)]
pub(crate) fn runner_panel(props: &RunnerPanelProps) -> Html {
    let job = use_state(|| Job::Idle);
    let generation = use_state(|| Rc::new(Cell::new(0u32)));
    let pairing_text = use_state(String::new);
    let pairing_error = use_state(|| None::<String>);

    let on_pairing_input = {
        let pairing_text = pairing_text.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            pairing_text.set(input.value());
        })
    };
    let on_pair = {
        let pairing_text = pairing_text.clone();
        let pairing_error = pairing_error.clone();
        let on_pair = props.on_pair.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            match parse_pairing(&pairing_text) {
                Some(pair) => {
                    pairing_error.set(None);
                    on_pair.emit(pair);
                }
                None => pairing_error.set(Some(
                    "Paste the whole URL that `jitlens serve` printed (it ends in #token=...) or the token alone."
                        .to_owned(),
                )),
            }
        })
    };
    let on_setup = {
        let on_setup = props.on_setup.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            on_setup.emit(area.value());
        })
    };

    let function = props
        .function
        .clone()
        .filter(|name| props.report.functions.iter().any(|f| &f.name == name))
        .or_else(|| props.report.functions.first().map(|f| f.name.clone()));
    let defaults = {
        let function = function.clone().unwrap_or_default();
        use_memo(
            (props.source.clone(), props.report.clone(), function),
            |(source, report, function)| match function.is_empty() {
                true => None,
                false => Some(run_defaults(source, report, function)),
            },
        )
    };
    let framework = match (&props.framework, &function, &*defaults) {
        (Some(choice), Some(function), _) if choice.applies_to(function) => {
            choice.framework.clone()
        }
        (_, _, Some(RunDefaults { framework, .. })) => framework.clone(),
        _ => FRAMEWORKS[0].to_owned(),
    };
    let example_setup = (*defaults)
        .as_ref()
        .map(|defaults| defaults.setup.clone())
        .unwrap_or_default();
    let on_framework = {
        let on_framework = props.on_framework.clone();
        let function = function.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            on_framework.emit(FrameworkChoice {
                function: function.clone(),
                framework: select.value(),
            });
        })
    };
    let connected = matches!(props.pairing, Pairing::Connected { .. });
    let busy = matches!(*job, Job::Submitting | Job::Running { .. });

    let launcher = Launcher {
        job: job.clone(),
        generation: (*generation).clone(),
        runner: props.runner.clone(),
        on_result: props.on_result.clone(),
        on_profile: props.on_profile.clone(),
    };
    // An empty setup runs the example the field shows.
    let setup = Some(props.setup.clone())
        .filter(|setup| !setup.trim().is_empty())
        .or_else(|| Some(example_setup.clone()).filter(|setup| !setup.is_empty()));
    let captured = props
        .inputs
        .clone()
        .filter(|inputs| function.as_deref() == Some(inputs.function.as_str()));
    let on_run = launcher.callback(function.clone().map(|function| {
        let trace = captured.as_ref().map(|inputs| inputs.trace.clone());
        benchmark_request(&props.source, function, &framework, setup.clone(), trace)
    }));
    let on_profile = launcher.callback(
        function
            .clone()
            .map(|function| profile_request(&props.source, function, setup.clone())),
    );
    let on_cancel = {
        let job = job.clone();
        let generation = (*generation).clone();
        let runner = props.runner.clone();
        Callback::from(move |_| {
            let Job::Running { id, .. } = &*job else {
                return;
            };
            generation.set(generation.get() + 1);
            let (job, runner, id) = (job.clone(), runner.clone(), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let Some(runner) = runner else {
                    return;
                };
                job.set(match runner.cancel(&id).await {
                    Ok(()) => Job::Failed("Cancelled.".to_owned()),
                    Err(error) => Job::Failed(format!("Cancel failed: {error}")),
                });
            });
        })
    };

    let environment = match &props.pairing {
        Pairing::Connected {
            environment: Some(Ok(environment)),
            ..
        } => environment_view(environment),
        Pairing::Connected {
            environment: None, ..
        } => html! { <p class="muted">{ "Asking the runner's Python for its environment…" }</p> },
        Pairing::Connected {
            environment: Some(Err(why)),
            ..
        } => {
            html! { <p class="muted">{ format!("The runner's environment is unknown: {why}") }</p> }
        }
        Pairing::Failed(why) => html! { <p class="error" role="alert">{ why }</p> },
        Pairing::Checking => html! { <p class="muted">{ "Connecting…" }</p> },
        Pairing::Unpaired => html! {
            <p class="muted">{ "Start a runner with `jitlens serve` and open the URL it prints, or paste that URL here." }</p>
        },
    };
    let progress = match &*job {
        Job::Idle => html! {},
        Job::Submitting => html! { <p role="status">{ "Sending the job…" }</p> },
        Job::Running { update, .. } => {
            let label = match (&update.phase, update.status) {
                (_, JobStatus::Queued) => "queued".to_owned(),
                (Some(phase), _) => phase.clone(),
                (None, _) => "running".to_owned(),
            };
            html! {
                <div class="progress" role="status">
                    <label for="job-progress">{ format!("{label} ") }</label>
                    if let Some(percent) = update.percent {
                        <progress id="job-progress" max="100" value={format!("{percent:.0}")} />
                    } else {
                        <progress id="job-progress" />
                    }
                </div>
            }
        }
        Job::Failed(message) => {
            html! { <p id="job-error" class="error" role="alert">{ message }</p> }
        }
    };
    let framework_options = FRAMEWORKS.iter().map(|name| {
        html! { <option value={*name} selected={framework == *name}>{ *name }</option> }
    });

    html! {
        <div class="runner">
            <h2>{ "Runner" }</h2>
            <form class="pairing" onsubmit={on_pair}>
                <label for="runner-pairing">{ "URL or token from `jitlens serve`" }</label>
                <input id="runner-pairing" type="text" autocomplete="off" spellcheck="false"
                       placeholder="http://127.0.0.1:8765/#token=…" value={(*pairing_text).clone()}
                       oninput={on_pairing_input} />
                <button type="submit">{ "Pair" }</button>
            </form>
            if let Some(message) = &*pairing_error {
                <p class="error" role="alert">{ message }</p>
            }
            <p class="muted">{ format!("Runner address: {}", props.runner.as_ref().map_or("not paired".to_owned(), |r| if r.base.is_empty() { "this page's origin".to_owned() } else { r.base.clone() })) }</p>
            { environment }
            <h3>{ "Benchmark or profile" }</h3>
            <div class="pickers">
                <FunctionPicker report={props.report.clone()} selected={function.clone()} on_change={props.on_function.clone()} />
                <label class="picker">{ "Framework " }
                    <select id="framework-picker" onchange={on_framework}>{ for framework_options }</select>
                </label>
            </div>
            if let Some(inputs) = &captured {
                <p id="captured-inputs" class="notice">
                    { format!("Inputs: the {} argument set(s) your program passed to {} (trace {}). Run checks the rewrite on each and times them in turn; Profile uses the setup.", inputs.samples, inputs.function, short_id(&inputs.trace)) }
                    <button type="button" class="link" onclick={props.on_clear_inputs.reform(|_| ())}>{ " Use setup code instead" }</button>
                </p>
            } else {
                <label for="setup">{ "Setup: Python that defines the function's arguments (left empty, the example shown runs)" }</label>
                <textarea id="setup" class="setup" rows="4" spellcheck="false" wrap="off"
                          placeholder={example_setup.clone()}
                          value={props.setup.clone()} oninput={on_setup} />
            }
            <div class="actions">
                <button id="run" type="button" onclick={on_run}
                        disabled={!connected || busy || function.is_none()}>{ "Run" }</button>
                <button id="profile" type="button" onclick={on_profile}
                        title="Line-profile the original function with every JIT off: where its time goes"
                        disabled={!connected || busy || function.is_none()}>{ "Profile" }</button>
                <button id="cancel" type="button" onclick={on_cancel}
                        disabled={!matches!(*job, Job::Running { .. })}>{ "Cancel" }</button>
            </div>
            { progress }
            if let Some(profiled) = &props.profile {
                <ProfileSummary profiled={profiled.clone()} current={props.profile_current} />
            }
            if let Some(results) = &props.results {
                <Results results={results.clone()} />
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_request_names_no_framework_and_no_candidate() {
        let request = profile_request("def f(x):\n    return x\n", "f".to_owned(), None);
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json["kind"], "profile");
        assert!(json.get("framework").is_none(), "{json}");
        assert!(json.get("candidate_source").is_none(), "{json}");
        assert_eq!(json["function"], "f");
    }

    #[test]
    fn a_benchmark_request_keeps_the_default_kind_off_the_wire() {
        let request =
            benchmark_request("", "f".to_owned(), "numba", Some("x = 1".to_owned()), None);
        let json = serde_json::to_value(&request).unwrap();
        assert!(json.get("kind").is_none(), "{json}");
        assert_eq!(json["framework"], "numba");
        assert_eq!(json["setup"], "x = 1");
        assert!(json.get("inputs").is_none(), "{json}");
    }

    #[test]
    fn a_benchmark_sends_the_frameworks_rewrite_as_its_candidate() {
        let example = crate::examples::ADAPTIVE_PROCESSING;
        let function = example.function.to_owned();
        let request = benchmark_request(example.source, function, "torch", None, None);
        let candidate = with_rewrite(request).candidate_source.unwrap_or_default();
        assert!(candidate.contains("torch.where"), "{candidate}");
    }

    #[test]
    fn captured_inputs_replace_the_setup() {
        let trace = "0123456789abcdef0123456789abcdef".to_owned();
        let setup = Some("x = 1".to_owned());
        let request = benchmark_request("", "f".to_owned(), "numba", setup, Some(trace.clone()));
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json["inputs"], trace.as_str());
        assert!(json.get("setup").is_none(), "{json}");
    }
}
