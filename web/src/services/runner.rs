//! Talking to the local runner (`jitlens serve`) over HTTP.

use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// What `GET /api/health` answers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Health {
    /// The runner's version.
    pub(crate) version: String,
}

/// Why a request to the runner failed, in words for the page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RunnerError {
    /// No runner answered (not started, or another port).
    Unreachable,
    /// The runner refused the token.
    Unauthorized,
    /// Any other answer.
    Unexpected(String),
}

impl std::fmt::Display for RunnerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreachable => f.write_str("no runner answered: start one with `jitlens serve`"),
            Self::Unauthorized => f.write_str(
                "the runner refused the token: open the URL that `jitlens serve` printed",
            ),
            Self::Unexpected(message) => write!(f, "unexpected answer from the runner: {message}"),
        }
    }
}

/// Asks the runner that served this page whether it is healthy.
pub(crate) async fn health(token: &str) -> Result<Health, RunnerError> {
    let text = get("/api/health", token).await?;
    serde_json::from_str(&text).map_err(|error| RunnerError::Unexpected(error.to_string()))
}

/// One authenticated GET; returns the body of a 2xx answer.
async fn get(path: &str, token: &str) -> Result<String, RunnerError> {
    let window = web_sys::window().ok_or(RunnerError::Unreachable)?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    let request = web_sys::Request::new_with_str_and_init(path, &init)
        .map_err(|_| RunnerError::Unexpected("could not build the request".into()))?;
    request
        .headers()
        .set("Authorization", &format!("Bearer {token}"))
        .map_err(|_| RunnerError::Unexpected("could not set the token".into()))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| RunnerError::Unreachable)?
        .unchecked_into();
    match response.status() {
        200..=299 => (),
        401 => return Err(RunnerError::Unauthorized),
        status => return Err(RunnerError::Unexpected(format!("HTTP {status}"))),
    }
    let text_promise = response
        .text()
        .map_err(|_| RunnerError::Unexpected("unreadable body".into()))?;
    let text = JsFuture::from(text_promise)
        .await
        .map_err(|_| RunnerError::Unexpected("unreadable body".into()))?;
    Ok(text.as_string().unwrap_or_default())
}
