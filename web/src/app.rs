//! The page: the editor on the left with live analysis; report, rewrite and runner panes on the
//! right; share links and runner pairing in the header.

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use jitlens_analyzer::Report;
use yew::prelude::*;

use crate::components::diagnostics::{severity_name, Diagnostics};
use crate::components::editor::{Editor, Mark};
use crate::components::profile::{heat_lines, Profiled};
use crate::components::rewrite::Rewrite;
use crate::components::runner_panel::RunnerPanel;
use crate::components::runner_status::{Pairing, RunnerStatus};
use crate::components::verdicts::Verdicts;
use crate::components::workload::{OpenedTraced, Workload};
use crate::examples::{self, Example};
use crate::fragment;
use crate::run_defaults::{CapturedInputs, FrameworkChoice};
use crate::services::autosave::{self, RUNNER_BASE, SETUP, SOURCE, SOURCE_BEFORE_LINK};
use crate::services::runner::Runner;
use crate::services::{browser, clock};
use crate::share::{self, Options, SharedProfile, SharedResults, SharedState};
use crate::text::timing;

/// An analysis slower than this (milliseconds) waits for a pause in typing.
const SLOW_ANALYSIS_MS: f64 = 12.0;
/// The pause, in milliseconds.
const PAUSE_MS: u32 = 150;

/// What one analysis produced and how long it took.
struct Analysis {
    report: Rc<Report>,
    marks: Rc<Vec<Mark>>,
    millis: f64,
}

fn analyze_timed(source: &str) -> Analysis {
    let started = clock::now_ms();
    // Diagnostics and verdicts on every edit; the rewrites (which re-analyse each candidate)
    // are made only for the Rewrite pane, see `rewrites` in `app`.
    let report = jitlens_analyzer::analyze_without_strategies(source);
    let millis = clock::now_ms() - started;
    let errors = report.parse_errors.iter().map(|error| {
        let at = (error.position.line, error.position.utf16_column);
        Mark {
            start: at,
            end: at,
            severity: "error",
            message: format!("syntax error: {}", error.message),
        }
    });
    let findings = report.diagnostics.iter().map(|diagnostic| Mark {
        start: (
            diagnostic.range.start.line,
            diagnostic.range.start.utf16_column,
        ),
        end: (diagnostic.range.end.line, diagnostic.range.end.utf16_column),
        severity: severity_name(diagnostic.severity),
        message: format!("{}: {}", diagnostic.code, diagnostic.message),
    });
    let marks = errors.chain(findings).collect();
    Analysis {
        report: Rc::new(report),
        marks: Rc::new(marks),
        millis,
    }
}

/// What a share link did to the page on opening.
#[derive(Debug, Clone, PartialEq)]
enum LinkNotice {
    None,
    /// A link's code is in the editor; `kept_own` when the user's own work was set aside.
    Opened {
        kept_own: bool,
    },
    /// The link could not be opened; the editor holds the user's own work.
    Broken(String),
    /// An example is in the editor; `kept_own` when the user's own work was set aside.
    Example {
        label: &'static str,
        kept_own: bool,
    },
    /// A traced file is in the editor (from the Workload pane).
    Traced {
        file: String,
        function: String,
        kept_own: bool,
    },
}

/// The editor's text and what follows it, for replacing the text from a button (an example, a
/// traced file) as a link does.
#[derive(Clone)]
struct EditorSlot {
    source: UseStateHandle<Rc<String>>,
    analyzed: UseStateHandle<Rc<String>>,
    pending: Rc<std::cell::RefCell<Option<Timeout>>>,
    link_in_address: Rc<std::cell::RefCell<bool>>,
}

impl EditorSlot {
    /// Puts `text` in the editor and analyses it at once; the user's own work (anything but an
    /// example) is set aside for "Restore my work". Returns whether own work is set aside.
    fn replace(&self, text: &str) -> bool {
        // An analysis still waiting for a pause in typing is of the text being replaced.
        self.pending.borrow_mut().take();
        let own = autosave::load(SOURCE)
            .filter(|own| examples::EXAMPLES.iter().all(|e| e.source != own.as_str()));
        if let Some(own) = &own {
            autosave::store(SOURCE_BEFORE_LINK, own);
        }
        autosave::store(SOURCE, text);
        let text = Rc::new(text.to_owned());
        self.source.set(text.clone());
        self.analyzed.set(text);
        self.link_in_address.replace(false);
        fragment::replace("s", None);
        own.is_some() || autosave::load(SOURCE_BEFORE_LINK).is_some()
    }
}

/// Everything the page starts from: the fragment's share state, else the autosave.
struct Start {
    source: String,
    options: Options,
    results: Option<SharedResults>,
    profile: Option<SharedProfile>,
    notice: LinkNotice,
}

fn start() -> Start {
    let own = autosave::load(SOURCE);
    let own_or_example = || {
        own.clone()
            .unwrap_or_else(|| examples::ADAPTIVE_PROCESSING.source.to_owned())
    };
    let setup = autosave::load(SETUP).filter(|setup| !setup.is_empty());
    match fragment::current_share().map(|encoded| share::decode(&encoded)) {
        Some(Ok(state)) => {
            // The user's own work stays in its slot (untouched until they edit) and is copied
            // aside, so "Restore my work" can bring it back even after edits.
            let kept_own = match own.filter(|own| *own != state.code) {
                Some(own) => {
                    autosave::store(SOURCE_BEFORE_LINK, &own);
                    true
                }
                None => false,
            };
            Start {
                source: state.code,
                options: state.options,
                results: state.results,
                profile: state.profile,
                notice: LinkNotice::Opened { kept_own },
            }
        }
        // No link, or one that cannot be opened: the user's own work (or the example).
        no_link_or_broken => Start {
            source: own_or_example(),
            options: Options {
                setup,
                ..Options::default()
            },
            results: None,
            profile: None,
            notice: match no_link_or_broken {
                Some(Err(error)) => LinkNotice::Broken(error.to_string()),
                _ => LinkNotice::None,
            },
        },
    }
}

fn mark_first_analysis() {
    // Read by the browser tests: milliseconds from navigation to the first analysis on screen.
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(
            &window,
            &"__jitlens_first_analysis_ms".into(),
            &clock::now_ms().into(),
        );
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tab {
    Report,
    Rewrite,
    Run,
    Workload,
}

/// The root component.
#[function_component(App)]
pub(crate) fn app() -> Html {
    let initial = use_memo((), |()| start());
    let source = use_state(|| Rc::new(initial.source.clone()));
    let function = use_state(|| initial.options.function.clone());
    // The user's (or the link's) framework; otherwise the Run pane follows the code.
    let framework = use_state(|| {
        initial
            .options
            .framework
            .clone()
            .map(|framework| FrameworkChoice {
                function: initial.options.function.clone(),
                framework,
            })
    });
    let setup = use_state(|| initial.options.setup.clone().unwrap_or_default());
    // A trace's real inputs for the function opened from the Workload pane.
    let inputs = use_state(|| None::<CapturedInputs>);
    let results = use_state(|| initial.results.clone());
    // A link's profile is of the link's code.
    let profile = use_state(|| {
        initial.profile.clone().map(|result| {
            Rc::new(Profiled {
                source: Rc::new(initial.source.clone()),
                result,
            })
        })
    });
    let notice = use_state(|| initial.notice.clone());
    let link_in_address = use_mut_ref(|| matches!(initial.notice, LinkNotice::Opened { .. }));
    let share_url = use_state(|| None::<(String, String)>);
    let tab = use_state(|| {
        if initial.results.is_some() {
            Tab::Run
        } else {
            Tab::Report
        }
    });
    let runner = use_state(|| {
        fragment::current_token().map(|token| Runner {
            base: autosave::load(RUNNER_BASE).unwrap_or_default(),
            token,
        })
    });
    let pairing = use_state(|| Pairing::Unpaired);

    // What the analysis last ran on. It follows every edit at once while analyses are quick;
    // on a large module (a slow analysis) it waits for a pause in typing, so keys stay smooth.
    let analyzed = use_state(|| (*source).clone());
    let last_millis = use_mut_ref(|| 0.0f64);
    let recent_millis = use_mut_ref(Vec::<f64>::new);
    let pending = use_mut_ref(|| None::<Timeout>);
    let analysis = {
        let (last_millis, recent_millis) = (last_millis.clone(), recent_millis.clone());
        use_memo((*analyzed).clone(), move |source| {
            let analysis = analyze_timed(source);
            *last_millis.borrow_mut() = analysis.millis;
            let mut recent = recent_millis.borrow_mut();
            if recent.len() == timing::RECENT {
                recent.remove(0);
            }
            recent.push(analysis.millis);
            analysis
        })
    };
    // The rewrites, made only while the Rewrite pane shows them, for the analysed text.
    let rewrites = use_memo(
        ((*analyzed).clone(), *tab == Tab::Rewrite),
        |(source, shown)| shown.then(|| Rc::new(jitlens_analyzer::analyze(source))),
    );
    // The heat belongs to the profiled text: an edit hides it, and undoing the edit brings it back.
    let profile_current = profile
        .as_ref()
        .is_some_and(|profiled| profiled.source == *source);
    let heat = use_memo(
        ((*profile).clone(), profile_current, (*source).clone()),
        |(profile, current, source)| match profile {
            Some(profiled) if *current => {
                heat_lines(&profiled.result.profile, source.split('\n').count())
            }
            _ => Vec::new(),
        },
    );
    use_effect_with((), |()| mark_first_analysis());
    {
        let pairing = pairing.clone();
        use_effect_with((*runner).clone(), move |runner| {
            if let Some(runner) = runner.clone() {
                pairing.set(Pairing::Checking);
                wasm_bindgen_futures::spawn_local(async move {
                    let health = match runner.health().await {
                        Ok(health) => health,
                        Err(error) => {
                            pairing.set(Pairing::Failed(error.to_string()));
                            return;
                        }
                    };
                    // Connected as soon as the runner answers: its environment comes from a
                    // Python probe that imports the frameworks, which takes seconds.
                    pairing.set(Pairing::Connected {
                        version: health.version.clone(),
                        environment: None,
                    });
                    pairing.set(Pairing::Connected {
                        version: health.version,
                        environment: Some(runner.environment().await.map_err(|e| e.to_string())),
                    });
                });
            }
        });
    }

    let on_change = {
        let (source, analyzed) = (source.clone(), analyzed.clone());
        let (link_in_address, pending) = (link_in_address.clone(), pending.clone());
        Callback::from(move |text: String| {
            autosave::store(SOURCE, &text);
            if link_in_address.replace(false) {
                // The address no longer describes the editor: drop the stale link from it.
                fragment::replace("s", None);
            }
            let text = Rc::new(text);
            source.set(text.clone());
            let analyzed = analyzed.clone();
            if *last_millis.borrow() < SLOW_ANALYSIS_MS {
                pending.borrow_mut().take();
                analyzed.set(text);
            } else {
                // Replacing the timeout cancels the one before.
                *pending.borrow_mut() = Some(Timeout::new(PAUSE_MS, move || analyzed.set(text)));
            }
        })
    };
    let on_restore = {
        let (source, notice, link_in_address) =
            (source.clone(), notice.clone(), link_in_address.clone());
        let (analyzed, pending) = (analyzed.clone(), pending.clone());
        Callback::from(move |_| {
            // An analysis still waiting for a pause in typing is of the text being replaced.
            pending.borrow_mut().take();
            if let Some(own) = autosave::load(SOURCE_BEFORE_LINK) {
                autosave::store(SOURCE, &own);
                autosave::remove(SOURCE_BEFORE_LINK);
                let own = Rc::new(own);
                source.set(own.clone());
                analyzed.set(own);
            }
            link_in_address.replace(false);
            fragment::replace("s", None);
            notice.set(LinkNotice::None);
        })
    };
    let editor_slot = EditorSlot {
        source: source.clone(),
        analyzed: analyzed.clone(),
        pending: pending.clone(),
        link_in_address: link_in_address.clone(),
    };
    let on_example = {
        let (slot, notice) = (editor_slot.clone(), notice.clone());
        let (function, framework, setup) = (function.clone(), framework.clone(), setup.clone());
        move |example: Example| {
            let (slot, notice) = (slot.clone(), notice.clone());
            let (function, framework, setup) = (function.clone(), framework.clone(), setup.clone());
            Callback::from(move |_| {
                let kept_own = slot.replace(example.source);
                autosave::store(SETUP, example.setup);
                function.set(Some(example.function.to_owned()));
                framework.set(Some(FrameworkChoice {
                    function: Some(example.function.to_owned()),
                    framework: example.framework.to_owned(),
                }));
                setup.set(example.setup.to_owned());
                notice.set(LinkNotice::Example {
                    label: example.label,
                    kept_own,
                });
            })
        }
    };
    let on_open_traced = {
        let (slot, notice, tab) = (editor_slot.clone(), notice.clone(), tab.clone());
        let (function, framework, inputs) = (function.clone(), framework.clone(), inputs.clone());
        Callback::from(move |opened: OpenedTraced| {
            let kept_own = slot.replace(&opened.source);
            function.set(Some(opened.function.clone()));
            // The framework follows the opened code again.
            framework.set(None);
            notice.set(LinkNotice::Traced {
                file: opened.file.clone(),
                function: opened.function.clone(),
                kept_own,
            });
            inputs.set(Some(CapturedInputs {
                trace: opened.trace,
                function: opened.function,
                samples: opened.samples,
            }));
            tab.set(Tab::Run);
        })
    };
    let on_clear_inputs = {
        let inputs = inputs.clone();
        Callback::from(move |()| inputs.set(None))
    };
    let example_buttons = examples::EXAMPLES
        .iter()
        .enumerate()
        .map(|(index, example)| {
            html! {
                <button id={format!("example-{index}")} type="button" class="link"
                        onclick={on_example(*example)}>{ example.label }</button>
            }
        });
    let on_dismiss = {
        let notice = notice.clone();
        Callback::from(move |_| notice.set(LinkNotice::None))
    };
    let on_copy_link = {
        let state = SharedState {
            code: (**source).clone(),
            options: Options {
                function: (*function).clone(),
                framework: (*framework)
                    .as_ref()
                    .filter(|choice| match &*function {
                        Some(function) => choice.applies_to(function),
                        None => choice.function.is_none(),
                    })
                    .map(|choice| choice.framework.clone()),
                setup: Some((*setup).clone()).filter(|setup| !setup.trim().is_empty()),
            },
            results: (*results).clone(),
            // A profile of an earlier text would put its heat on the wrong lines.
            profile: (*profile)
                .as_ref()
                .filter(|_| profile_current)
                .map(|profiled| profiled.result.clone()),
        };
        let share_url = share_url.clone();
        Callback::from(move |_| {
            let url = fragment::share_url(&share::encode(&state));
            let share_url = share_url.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let said = if browser::copy(&url).await {
                    "Link copied. It holds the code, the choices and the results, never your runner token."
                } else {
                    "Copy this link (the browser refused the clipboard):"
                };
                share_url.set(Some((url, said.to_owned())));
            });
        })
    };
    let on_pair = {
        let runner = runner.clone();
        Callback::from(move |(base, token): (Option<String>, String)| {
            let own_origin = web_sys::window()
                .and_then(|window| window.location().origin().ok())
                .unwrap_or_default();
            let base = base.filter(|base| *base != own_origin).unwrap_or_default();
            if base.is_empty() {
                autosave::remove(RUNNER_BASE);
            } else {
                autosave::store(RUNNER_BASE, &base);
            }
            fragment::replace("token", Some(&token));
            runner.set(Some(Runner { base, token }));
        })
    };
    let on_function = {
        let function = function.clone();
        Callback::from(move |name: String| function.set(Some(name)))
    };
    let on_framework = {
        let (framework, function) = (framework.clone(), function.clone());
        Callback::from(move |choice: FrameworkChoice| {
            // The choice pins the function it was made for (the pane may have shown the first).
            if choice.function.is_some() {
                function.set(choice.function.clone());
            }
            framework.set(Some(choice));
        })
    };
    let on_setup = {
        let setup = setup.clone();
        Callback::from(move |text: String| {
            autosave::store(SETUP, &text);
            setup.set(text);
        })
    };
    let on_result = {
        let results = results.clone();
        Callback::from(move |result: SharedResults| results.set(Some(result)))
    };
    let on_profile = {
        let profile = profile.clone();
        Callback::from(move |profiled: Profiled| profile.set(Some(Rc::new(profiled))))
    };

    let banner = match &*notice {
        LinkNotice::None => html! {},
        LinkNotice::Opened { kept_own } => html! {
            <div id="link-notice" class="notice" role="status">
                { "Opened a shared link." }
                if *kept_own {
                    { " Your own work is kept: " }
                    <button id="restore" type="button" onclick={on_restore.clone()}>{ "Restore my work" }</button>
                }
                <button type="button" class="link" onclick={on_dismiss.clone()}>{ "Dismiss" }</button>
            </div>
        },
        LinkNotice::Example { label, kept_own } => html! {
            <div id="example-notice" class="notice" role="status">
                { format!("Opened the example “{label}”: its setup is in the Run pane, ready to run.") }
                if *kept_own {
                    { " Your own work is kept: " }
                    <button id="restore" type="button" onclick={on_restore.clone()}>{ "Restore my work" }</button>
                }
                <button type="button" class="link" onclick={on_dismiss.clone()}>{ "Dismiss" }</button>
            </div>
        },
        LinkNotice::Traced {
            file,
            function,
            kept_own,
        } => html! {
            <div id="traced-notice" class="notice" role="status">
                { format!("Opened {file} from the trace: Run measures {function} on the inputs your program passed it.") }
                if *kept_own {
                    { " Your own work is kept: " }
                    <button id="restore" type="button" onclick={on_restore.clone()}>{ "Restore my work" }</button>
                }
                <button type="button" class="link" onclick={on_dismiss.clone()}>{ "Dismiss" }</button>
            </div>
        },
        LinkNotice::Broken(message) => html! {
            <div id="link-error" class="notice bad" role="alert">
                { message.clone() }{ " Your own work is unchanged." }
                <button type="button" class="link" onclick={on_dismiss.clone()}>{ "Dismiss" }</button>
            </div>
        },
    };
    let tab_button = |which: Tab, label: &'static str, id: &'static str| {
        let tab_handle = tab.clone();
        let onclick = Callback::from(move |_| tab_handle.set(which));
        let chosen = *tab == which;
        html! {
            <button {id} type="button" role="tab" aria-selected={chosen.to_string()}
                    class={classes!("tab", chosen.then_some("active"))} {onclick}>{ label }</button>
        }
    };
    let status = html! {
        <span id="analysis-time" class="muted">{ timing::analysis_time(&recent_millis.borrow()) }</span>
    };
    let pane = match *tab {
        Tab::Report => html! {
            <>
                <Diagnostics source={(*source).clone()} report={analysis.report.clone()} />
                <Verdicts report={analysis.report.clone()} profile={(*profile).clone()} {profile_current} />
            </>
        },
        Tab::Rewrite => html! {
            <Rewrite source={(*source).clone()}
                     report={(*rewrites).clone().unwrap_or_else(|| analysis.report.clone())}
                     function={(*function).clone()} on_function={on_function.clone()} />
        },
        Tab::Workload => html! {
            <Workload runner={(*runner).clone()} on_open={on_open_traced.clone()} />
        },
        Tab::Run => html! {
            <RunnerPanel source={(*source).clone()} report={analysis.report.clone()}
                runner={(*runner).clone()} pairing={(*pairing).clone()} {on_pair}
                function={(*function).clone()} on_function={on_function.clone()}
                framework={(*framework).clone()} {on_framework}
                inputs={(*inputs).clone()} {on_clear_inputs}
                setup={(*setup).clone()} {on_setup}
                results={(*results).clone()} {on_result}
                profile={(*profile).clone()} {profile_current} {on_profile} />
        },
    };

    html! {
        <div class="page">
            <header class="top">
                <h1>{ "jitlens" }</h1>
                <span class="tagline">{ "will a JIT make this faster?" }</span>
                <button id="copy-link" type="button" onclick={on_copy_link}>{ "Copy link" }</button>
                <RunnerStatus pairing={(*pairing).clone()} />
            </header>
            <nav id="examples" class="examples" aria-label="Examples">{ "Try an example: " }{ for example_buttons }</nav>
            { banner }
            if let Some((url, said)) = &*share_url {
                <div class="notice share" role="status">
                    <label for="share-url">{ said.clone() }</label>
                    <input id="share-url" type="text" readonly=true value={url.clone()} />
                </div>
            }
            <main class="panes">
                <section class="pane editor-pane" aria-label="Editor">
                    <Editor value={(**source).clone()} {on_change} marks={analysis.marks.clone()} heat={heat.clone()} {status} />
                </section>
                <section class="pane side-pane" aria-label="Results">
                    <div role="tablist" class="tabs" aria-label="Panes">
                        { tab_button(Tab::Report, "Report", "tab-report") }
                        { tab_button(Tab::Rewrite, "Rewrite", "tab-rewrite") }
                        { tab_button(Tab::Run, "Run", "tab-run") }
                        { tab_button(Tab::Workload, "Workload", "tab-workload") }
                    </div>
                    { pane }
                </section>
            </main>
        </div>
    }
}
