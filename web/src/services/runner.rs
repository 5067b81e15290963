//! Talking to a runner (`jitlens serve`) over HTTP: health, environment, jobs, traces.
//!
//! The runner is the page's own origin by default, or any address the user sets (a hosted
//! playground talks to a runner started with `--allow-origin`). Every call carries the token as
//! `Authorization: Bearer`; the event stream, which cannot carry headers, takes it as `?token=`.

use jitlens_analyzer::protocol::{
    Accepted, Health, JobRequest, JobResult, Optimized, RunnerEnv, Trace, TracePage, TracedSource,
};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why a request to the runner failed, in words for the page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RunnerError {
    /// No runner answered (not started, another port, or its `--allow-origin` lacks this page).
    Unreachable,
    /// The runner refused the token.
    Unauthorized,
    /// The runner refused this page's origin.
    Forbidden,
    /// The queue is full.
    Busy,
    /// The runner explained what went wrong.
    Refused(String),
    /// The runner has no such thing (404), and said so.
    NotFound(String),
    /// Any other answer.
    Unexpected(String),
}

impl std::fmt::Display for RunnerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreachable => f.write_str(
                "no runner answered: start one with `jitlens serve` (for a page hosted \
                 elsewhere, add `--allow-origin` with this page's origin)",
            ),
            Self::Unauthorized => f.write_str(
                "the runner refused the token: open or paste the URL that `jitlens serve` printed",
            ),
            Self::Forbidden => f.write_str(
                "the runner refused this page: start it with `--allow-origin` and this page's origin",
            ),
            Self::Busy => f.write_str("the runner is busy: wait for the queued jobs, then retry"),
            Self::Refused(message) | Self::NotFound(message) => {
                write!(f, "the runner said: {message}")
            }
            Self::Unexpected(message) => write!(f, "unexpected answer from the runner: {message}"),
        }
    }
}

/// Where a runner is and the token it accepts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Runner {
    /// Origin of the runner without a trailing slash; empty for the page's own origin.
    pub(crate) base: String,
    /// The per-start token.
    pub(crate) token: String,
}

/// The runner address and token in something pasted: a URL that `jitlens serve` printed
/// (`http://127.0.0.1:8765/#token=...`) or a bare token.
pub(crate) fn parse_pairing(pasted: &str) -> Option<(Option<String>, String)> {
    let pasted = pasted.trim();
    if pasted.is_empty() {
        return None;
    }
    match pasted.split_once("#") {
        Some((address, fragment)) => {
            let token = fragment
                .split('&')
                .find_map(|pair| pair.strip_prefix("token="))
                .filter(|token| !token.is_empty())?;
            let base = address.trim_end_matches('/');
            Some((
                (!base.is_empty()).then(|| base.to_owned()),
                token.to_owned(),
            ))
        }
        None if pasted.contains('/') || pasted.contains(' ') => None,
        None => Some((None, pasted.to_owned())),
    }
}

impl Runner {
    /// `GET /api/health`.
    pub(crate) async fn health(&self) -> Result<Health, RunnerError> {
        self.call("GET", "/api/health", None).await
    }

    /// `GET /api/env`: the interpreter and how it was found, versions, CPU, GPUs, usable JITs.
    pub(crate) async fn environment(&self) -> Result<RunnerEnv, RunnerError> {
        self.call("GET", "/api/env", None).await
    }

    /// `POST /api/jobs`.
    pub(crate) async fn submit(&self, request: &JobRequest) -> Result<Accepted, RunnerError> {
        let body = serde_json::to_string(request)
            .map_err(|error| RunnerError::Unexpected(error.to_string()))?;
        self.call("POST", "/api/jobs", Some(&body)).await
    }

    /// `GET /api/jobs/{id}`.
    pub(crate) async fn job(&self, id: &str) -> Result<JobResult, RunnerError> {
        self.call("GET", &format!("/api/jobs/{id}"), None).await
    }

    /// `GET /api/traces`: the traces `jitlens trace` stored, newest first.
    pub(crate) async fn traces(&self) -> Result<TracePage, RunnerError> {
        self.call("GET", "/api/traces", None).await
    }

    /// `GET /api/traces/{id}`: one trace, its functions by own time with their verdicts.
    pub(crate) async fn trace(&self, id: &str) -> Result<Trace, RunnerError> {
        self.call("GET", &format!("/api/traces/{id}"), None).await
    }

    /// `GET /api/traces/{id}/source?file=F`: a traced file as it is now.
    pub(crate) async fn traced_source(
        &self,
        id: &str,
        file: &str,
    ) -> Result<TracedSource, RunnerError> {
        let file = js_sys::encode_uri_component(file);
        self.call("GET", &format!("/api/traces/{id}/source?file={file}"), None)
            .await
    }

    /// `GET /api/traces/{id}/optimize`: what `jitlens optimize` measured on the trace, or `None`
    /// when it has not run on it.
    pub(crate) async fn optimized(&self, id: &str) -> Result<Option<Optimized>, RunnerError> {
        match self
            .call("GET", &format!("/api/traces/{id}/optimize"), None)
            .await
        {
            Ok(found) => Ok(Some(found)),
            Err(RunnerError::NotFound(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// `DELETE /api/jobs/{id}`: cancels it.
    pub(crate) async fn cancel(&self, id: &str) -> Result<(), RunnerError> {
        self.send("DELETE", &format!("/api/jobs/{id}"), None)
            .await
            .map(drop)
    }

    /// The URL of the job's progress stream (Server-Sent Events).
    pub(crate) fn events_url(&self, id: &str) -> String {
        format!(
            "{}/api/jobs/{id}/events?token={}",
            self.base,
            js_sys::encode_uri_component(&self.token)
        )
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Result<T, RunnerError> {
        let text = self.send(method, path, body).await?;
        serde_json::from_str(&text).map_err(|error| RunnerError::Unexpected(error.to_string()))
    }

    /// One authenticated request; returns the body of a 2xx answer.
    async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Result<String, RunnerError> {
        let window = web_sys::window().ok_or(RunnerError::Unreachable)?;
        let init = web_sys::RequestInit::new();
        init.set_method(method);
        if let Some(body) = body {
            init.set_body(&wasm_bindgen::JsValue::from_str(body));
        }
        let url = format!("{}{path}", self.base);
        let request = web_sys::Request::new_with_str_and_init(&url, &init)
            .map_err(|_| RunnerError::Unexpected(format!("{url} is not a valid address")))?;
        let headers = request.headers();
        let bearer = format!("Bearer {}", self.token);
        let set = headers
            .set("Authorization", &bearer)
            .and_then(|()| match body {
                Some(_) => headers.set("Content-Type", "application/json"),
                None => Ok(()),
            });
        set.map_err(|_| RunnerError::Unexpected("the token cannot be sent as a header".into()))?;
        let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(|_| RunnerError::Unreachable)?
            .unchecked_into();
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .ok()
                .and_then(|text| text.as_string())
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        match response.status() {
            200..=299 => Ok(text),
            401 => Err(RunnerError::Unauthorized),
            403 => Err(RunnerError::Forbidden),
            429 => Err(RunnerError::Busy),
            404 => Err(match error_message(&text) {
                Some(message) => RunnerError::NotFound(message),
                None => RunnerError::Unexpected("HTTP 404".to_owned()),
            }),
            status => Err(match error_message(&text) {
                Some(message) => RunnerError::Refused(message),
                None => RunnerError::Unexpected(format!("HTTP {status}")),
            }),
        }
    }
}

/// The `error` of a `{"error": "..."}` body.
fn error_message(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    value.get("error")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_from_a_printed_url_or_a_bare_token() {
        assert_eq!(
            parse_pairing(" http://127.0.0.1:8765/#token=abc&s=x "),
            Some((Some("http://127.0.0.1:8765".to_owned()), "abc".to_owned()))
        );
        assert_eq!(parse_pairing("#token=abc"), Some((None, "abc".to_owned())));
        assert_eq!(parse_pairing("abc123"), Some((None, "abc123".to_owned())));
        assert_eq!(parse_pairing("http://127.0.0.1:8765/"), None);
        assert_eq!(parse_pairing("http://x/#s=1"), None);
        assert_eq!(parse_pairing(""), None);
    }

    #[test]
    fn reads_the_runners_error_body() {
        assert_eq!(
            error_message(r#"{"error": "no such function: f"}"#).as_deref(),
            Some("no such function: f")
        );
        assert_eq!(error_message("<html>"), None);
    }
}
