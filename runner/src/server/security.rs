//! Who may talk to the runner: the security model of DESIGN.md, applied to every request.
//!
//! The runner executes code that arrives over HTTP, so a request must prove it comes from the
//! user's own page or terminal:
//! - the Host header must name loopback with our port (defeats DNS rebinding);
//! - an Origin header, when present, must be exactly our own origin or an `--allow-origin`
//!   (defeats other web pages; no CORS headers are sent to them);
//! - every `/api/` route needs the per-start token, compared in constant time. The progress
//!   stream (`/api/jobs/{id}/events`) also takes it as `?token=`, because `EventSource` cannot
//!   send headers.

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::AppState;

/// The allow-lists and the token of one `jitlens serve` start.
#[derive(Debug)]
pub struct Security {
    token: String,
    allowed_hosts: Vec<String>,
    allowed_origins: Vec<String>,
}

impl Security {
    /// A fresh random token, and allow-lists for loopback on `port` plus `extra_origins`.
    pub fn new(port: u16, extra_origins: &[String]) -> anyhow::Result<Self> {
        let mut bytes = [0u8; 24];
        getrandom::fill(&mut bytes)
            .map_err(|error| anyhow::anyhow!("no randomness for the token: {error}"))?;
        let token = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        Ok(Self::with_token(token, port, extra_origins))
    }

    /// Allow-lists for loopback on `port` plus `extra_origins`, with a given token.
    pub fn with_token(token: String, port: u16, extra_origins: &[String]) -> Self {
        let allowed_hosts: Vec<String> = ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|host| format!("{host}:{port}"))
            .collect();
        let mut allowed_origins: Vec<String> = allowed_hosts
            .iter()
            .map(|host| format!("http://{host}"))
            .collect();
        allowed_origins.extend(
            extra_origins
                .iter()
                .map(|origin| origin.trim_end_matches('/').to_owned()),
        );
        Self {
            token,
            allowed_hosts,
            allowed_origins,
        }
    }

    /// The token that the printed URL carries.
    pub fn token(&self) -> &str {
        &self.token
    }

    fn host_allowed(&self, headers: &HeaderMap) -> bool {
        let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        self.allowed_hosts.contains(&host)
    }

    fn token_matches(&self, headers: &HeaderMap) -> bool {
        let Some(given) = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
        else {
            return false;
        };
        constant_time_eq(given.as_bytes(), self.token.as_bytes())
    }

    fn query_token_matches(&self, query: Option<&str>) -> bool {
        let Some(given) = query
            .unwrap_or_default()
            .split('&')
            .find_map(|pair| pair.strip_prefix("token="))
        else {
            return false;
        };
        constant_time_eq(given.as_bytes(), self.token.as_bytes())
    }
}

/// Whether `path` is a job's progress stream, the one route that accepts `?token=`.
fn is_event_stream(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/jobs/") else {
        return false;
    };
    matches!(rest.split_once('/'), Some((id, "events")) if !id.is_empty())
}

/// Compares two byte strings in time that depends only on their lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The middleware that applies [`Security`] to every request and adds CORS headers.
pub(crate) async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let security = &state.security;
    let headers = request.headers();
    if !security.host_allowed(headers) {
        return ApiError::forbidden("this Host is not allowed: use http://127.0.0.1")
            .into_response();
    }
    let origin = match headers.get(header::ORIGIN) {
        None => None,
        Some(value) => {
            let allowed = value.to_str().ok().filter(|origin| {
                security
                    .allowed_origins
                    .iter()
                    .any(|allowed| allowed == origin)
            });
            match allowed {
                Some(_) => Some(value.clone()),
                None => {
                    return ApiError::forbidden(
                        "this Origin is not allowed: start the runner with --allow-origin",
                    )
                    .into_response()
                }
            }
        }
    };
    let is_api = request.uri().path().starts_with("/api/");
    if is_api && request.method() == Method::OPTIONS {
        return preflight(origin, headers);
    }
    let uri = request.uri();
    let token_ok = security.token_matches(headers)
        || (is_event_stream(uri.path()) && security.query_token_matches(uri.query()));
    if is_api && !token_ok {
        let mut response = ApiError::unauthorized().into_response();
        add_cors(response.headers_mut(), origin);
        return response;
    }
    let mut response = next.run(request).await;
    add_cors(response.headers_mut(), origin);
    response
}

/// Answers a CORS preflight from an allowed origin (or none).
fn preflight(origin: Option<HeaderValue>, request_headers: &HeaderMap) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, DELETE, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, content-type"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    if request_headers.contains_key("access-control-request-private-network") {
        headers.insert(
            "access-control-allow-private-network",
            HeaderValue::from_static("true"),
        );
    }
    add_cors(headers, origin);
    response
}

fn add_cors(headers: &mut HeaderMap, origin: Option<HeaderValue>) {
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
}

#[cfg(test)]
mod tests {

    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    const PORT: u16 = 9999;

    fn test_app() -> axum::Router {
        let security =
            Security::with_token("secret".into(), PORT, &["https://hosted.example".into()]);
        let state = super::super::test_state(security);
        super::super::app(
            state,
            super::super::Playground::Folder(std::env::temp_dir().join("jitlens-no-web")),
        )
    }

    async fn status_of(request: Request<Body>) -> (StatusCode, HeaderMap) {
        let response = test_app().oneshot(request).await.unwrap();
        (response.status(), response.headers().clone())
    }

    fn health() -> axum::http::request::Builder {
        Request::get("/api/health").header("host", format!("127.0.0.1:{PORT}"))
    }

    #[tokio::test]
    async fn token_is_required_and_checked() {
        let (status, _) = status_of(health().body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let wrong = health().header("authorization", "Bearer secreT");
        assert_eq!(
            status_of(wrong.body(Body::empty()).unwrap()).await.0,
            StatusCode::UNAUTHORIZED
        );
        let right = health().header("authorization", "Bearer secret");
        assert_eq!(
            status_of(right.body(Body::empty()).unwrap()).await.0,
            StatusCode::OK
        );
    }

    #[tokio::test]
    async fn foreign_host_and_origin_are_forbidden() {
        let request = Request::get("/api/health")
            .header("host", "evil.example")
            .header("authorization", "Bearer secret");
        assert_eq!(
            status_of(request.body(Body::empty()).unwrap()).await.0,
            StatusCode::FORBIDDEN
        );
        let request = health()
            .header("origin", "https://evil.example")
            .header("authorization", "Bearer secret");
        let (status, headers) = status_of(request.body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
    }

    #[tokio::test]
    async fn allowed_origin_gets_cors_and_preflight() {
        let request = health()
            .method(Method::OPTIONS)
            .header("origin", "https://hosted.example")
            .header("access-control-request-method", "POST")
            .header("access-control-request-private-network", "true");
        let (status, headers) = status_of(request.body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(
            headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://hosted.example"
        );
        assert_eq!(headers["access-control-allow-private-network"], "true");
        assert_eq!(headers[header::VARY], "Origin");
    }

    #[tokio::test]
    async fn query_token_is_accepted_on_the_event_stream_only() {
        let id = "0123456789abcdef0123456789abcdef";
        let events = Request::get(format!("/api/jobs/{id}/events?token=secret"))
            .header("host", format!("127.0.0.1:{PORT}"));
        // Past the guard: the job does not exist, so 404 rather than 401.
        let (status, _) = status_of(events.body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let wrong = Request::get(format!("/api/jobs/{id}/events?token=secreT"))
            .header("host", format!("127.0.0.1:{PORT}"));
        let (status, _) = status_of(wrong.body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let elsewhere = Request::get(format!("/api/jobs/{id}?token=secret"))
            .header("host", format!("127.0.0.1:{PORT}"));
        let (status, _) = status_of(elsewhere.body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn event_stream_paths_are_recognised() {
        assert!(is_event_stream("/api/jobs/abc/events"));
        assert!(!is_event_stream("/api/jobs/abc"));
        assert!(!is_event_stream("/api/jobs//events"));
        assert!(!is_event_stream("/api/health/events"));
    }

    #[test]
    fn constant_time_eq_compares_whole_strings() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
