//! The API's one error type: a status and a message, rendered as `{"error": "..."}`, and the
//! JSON extractor whose rejections use it.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// A client-visible failure of an API request.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    /// 401: the token is missing or wrong.
    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "missing or wrong token: open the URL that `jitlens serve` printed",
        )
    }

    /// 403 with a reason.
    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 400 with what is wrong.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404 for a job id that does not exist (or cannot).
    pub(crate) fn no_such_job() -> Self {
        Self::new(StatusCode::NOT_FOUND, "no such job")
    }

    /// 404 for a trace id that does not exist (or cannot).
    pub(crate) fn no_such_trace() -> Self {
        Self::new(StatusCode::NOT_FOUND, "no such trace")
    }

    /// 404 for a trace that `jitlens optimize` has not run on: the command that does.
    pub(crate) fn not_optimized(trace: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            format!(
                "optimize has not run on trace {trace}: `jitlens optimize {trace}` measures its \
                 rewrites"
            ),
        )
    }

    /// 404 for a path the API does not have.
    pub(crate) fn no_such_route() -> Self {
        Self::new(StatusCode::NOT_FOUND, "no such API route")
    }

    /// 429: the queue is full.
    pub(crate) fn queue_full(capacity: usize) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("the queue is full ({capacity} jobs wait already): try again when one ends"),
        )
    }

    /// 500: logged in full, reported without details.
    pub(crate) fn internal(error: &anyhow::Error) -> Self {
        eprintln!("jitlens: internal error: {error:#}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error: see the runner's terminal",
        )
    }

    /// 503: the runner cannot do this now.
    pub(crate) fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }

    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message });
        (self.status, Json(body)).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = match rejection.status() {
            // A well-formed body of the wrong shape is as much the client's fault as bad JSON.
            StatusCode::UNPROCESSABLE_ENTITY => StatusCode::BAD_REQUEST,
            other => other,
        };
        Self::new(status, rejection.body_text())
    }
}

/// `Json<T>` whose rejections are [`ApiError`]s (status plus a message naming the problem).
pub(crate) struct AppJson<T>(pub(crate) T);

impl<S, T> FromRequest<S> for AppJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejection.into()),
        }
    }
}
