//! Whether the page is paired with a local runner.

use yew::prelude::*;

use crate::services::runner;

/// Properties of [`RunnerStatus`].
#[derive(Properties, PartialEq)]
pub(crate) struct RunnerStatusProps {
    /// The token from the URL that `jitlens serve` printed, if the page was opened with one.
    pub(crate) token: Option<String>,
}

#[derive(Clone, PartialEq)]
enum Status {
    Unpaired,
    Checking,
    Connected(String),
    Failed(String),
}

/// A badge: connected to the runner (with its version), or why not.
#[function_component(RunnerStatus)]
pub(crate) fn runner_status(props: &RunnerStatusProps) -> Html {
    let status = use_state(|| Status::Unpaired);
    {
        let status = status.clone();
        use_effect_with(props.token.clone(), move |token| {
            if let Some(token) = token.clone() {
                status.set(Status::Checking);
                wasm_bindgen_futures::spawn_local(async move {
                    status.set(match runner::health(&token).await {
                        Ok(health) => Status::Connected(health.version),
                        Err(error) => Status::Failed(error.to_string()),
                    });
                });
            }
        });
    }
    let (class, text) = match &*status {
        Status::Unpaired => (
            "badge",
            "runner: not paired (open the URL that `jitlens serve` prints)".to_owned(),
        ),
        Status::Checking => ("badge", "runner: connecting…".to_owned()),
        Status::Connected(version) => ("badge ok", format!("runner {version}: connected")),
        Status::Failed(message) => ("badge bad", format!("runner: {message}")),
    };
    html! { <span id="runner-status" class={class}>{ text }</span> }
}
