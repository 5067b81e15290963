//! The page: editor on the left, live report on the right, runner status on top.

use jitlens_analyzer::Report;
use yew::prelude::*;

use crate::components::editor::Editor;
use crate::components::report_panel::ReportPanel;
use crate::components::runner_status::RunnerStatus;
use crate::{fragment, services};

/// The example shown on a first visit: the product brief's torch function that compiles badly.
const EXAMPLE: &str = r#"import torch


def adaptive_processing(x, threshold=0.5):
    mask = x > threshold
    num_large = mask.sum().item()
    if num_large > x.numel() * 0.3:
        result = torch.matmul(x, x.T)
        result = result.mean(dim=0)
    else:
        result = x.mean(dim=1)
    return result
"#;

/// What one analysis produced and how long it took.
#[derive(Clone, PartialEq)]
struct Analysis {
    report: Report,
    millis: f64,
}

fn analyze_timed(source: &str) -> Analysis {
    let started = services::clock::now_ms();
    let report = jitlens_analyzer::analyze(source);
    Analysis {
        report,
        millis: services::clock::now_ms() - started,
    }
}

/// The root component.
#[function_component(App)]
pub(crate) fn app() -> Html {
    let source = use_state(|| services::autosave::load().unwrap_or_else(|| EXAMPLE.to_owned()));
    let analysis = use_memo((*source).clone(), |source| analyze_timed(source));
    let token = use_memo((), |()| fragment::current_token());

    let on_change = {
        let source = source.clone();
        Callback::from(move |text: String| {
            services::autosave::store(&text);
            source.set(text);
        })
    };

    html! {
        <div class="page">
            <header class="top">
                <h1>{ "jitlens" }</h1>
                <span class="tagline">{ "will a JIT make this faster?" }</span>
                <RunnerStatus token={(*token).clone()} />
            </header>
            <main class="panes">
                <section class="pane editor-pane">
                    <Editor value={(*source).clone()} {on_change} />
                </section>
                <section class="pane report-pane">
                    <ReportPanel report={analysis.report.clone()} millis={analysis.millis} />
                </section>
            </main>
        </div>
    }
}
