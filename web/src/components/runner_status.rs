//! The header's badge: whether the page is paired with a runner, and if not, why.

use jitlens_analyzer::protocol::RunnerEnv;
use yew::prelude::*;

/// The page's link to a runner.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pairing {
    /// No token yet.
    Unpaired,
    /// Asking the runner.
    Checking,
    /// The runner answered; its environment when `GET /api/env` answered too.
    Connected {
        /// The runner's version.
        version: String,
        /// The interpreter, versions, CPU, GPUs and usable JITs, or why they are unknown.
        /// `None` while the runner's Python is still being asked.
        environment: Option<Result<RunnerEnv, String>>,
    },
    /// The runner could not be reached or refused us.
    Failed(String),
}

/// Properties of [`RunnerStatus`].
#[derive(Properties, PartialEq)]
pub(crate) struct RunnerStatusProps {
    /// The current pairing.
    pub(crate) pairing: Pairing,
}

/// A badge: connected to the runner (with its version), or why not.
#[function_component(RunnerStatus)]
pub(crate) fn runner_status(props: &RunnerStatusProps) -> Html {
    let (class, text) = match &props.pairing {
        Pairing::Unpaired => (
            "badge",
            "runner: not paired (open the URL that `jitlens serve` prints, or pair under Run)"
                .to_owned(),
        ),
        Pairing::Checking => ("badge", "runner: connecting…".to_owned()),
        Pairing::Connected { version, .. } => ("badge ok", format!("runner {version}: connected")),
        Pairing::Failed(message) => ("badge bad", format!("runner: {message}")),
    };
    html! { <span id="runner-status" class={class} role="status">{ text }</span> }
}
