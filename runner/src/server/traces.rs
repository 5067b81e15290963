//! The trace routes: `GET /api/traces` (newest first), `GET /api/traces/{id}` (a whole trace
//! with jitlens's verdict beside each function; `latest` for the newest) and
//! `GET /api/traces/{id}/source?file=F` (a traced file as it is now, for the page's editor: only
//! files the trace holds functions of, read under its root) and `GET /api/traces/{id}/optimize`
//! (the newest `jitlens optimize` result of the trace; 404 when optimize has not run on it).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use jitlens_analyzer::protocol::{Optimized, Trace, TracePage, TracedSource};
use serde::Deserialize;

use super::error::ApiError;
use super::AppState;
use crate::jobs::is_valid_id;
use crate::store::traces;

/// Pages of the trace list hold at most this many traces.
const MAX_TRACES: u32 = 100;

/// The trace routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/traces", get(list))
        .route("/api/traces/{id}", get(fetch))
        .route("/api/traces/{id}/source", get(source))
        .route("/api/traces/{id}/optimize", get(optimized))
}

async fn optimized(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Optimized>, ApiError> {
    if !is_valid_id(&id) {
        return Err(ApiError::no_such_trace());
    }
    let lookup = id.clone();
    let (known, result) = state
        .store
        .run(move |connection| {
            let known = traces::python(connection, &lookup)?.is_some();
            Ok((known, traces::optimized(connection, &lookup)?))
        })
        .await
        .map_err(|error| ApiError::internal(&error))?;
    match (known, result) {
        (_, Some(result)) => Ok(Json(result)),
        (true, None) => Err(ApiError::not_optimized(&id)),
        (false, None) => Err(ApiError::no_such_trace()),
    }
}

/// `?file=` of the source route.
#[derive(Debug, Deserialize)]
struct SourceParams {
    file: String,
}

async fn source(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Result<Query<SourceParams>, QueryRejection>,
) -> Result<Json<TracedSource>, ApiError> {
    let Query(SourceParams { file }) =
        params.map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
    if !is_valid_id(&id) {
        return Err(ApiError::no_such_trace());
    }
    let found = state
        .store
        .run(move |connection| traces::get(connection, &id))
        .await
        .map_err(|error| ApiError::internal(&error))?;
    let Some(trace) = found else {
        return Err(ApiError::no_such_trace());
    };
    // Only a file the trace recorded functions of: the route reads nothing else on the disk.
    if !trace.functions.iter().any(|function| function.file == file) {
        return Err(ApiError::bad_request(format!(
            "the trace holds no function of {file:?}"
        )));
    }
    let path = std::path::Path::new(&trace.root).join(&file);
    match tokio::fs::read_to_string(&path).await {
        Ok(source) => Ok(Json(TracedSource { file, source })),
        Err(error) => Err(ApiError::bad_request(format!(
            "{file} cannot be read now ({error}): was it moved since the trace?"
        ))),
    }
}

async fn list(State(state): State<AppState>) -> Result<Json<TracePage>, ApiError> {
    state
        .store
        .run(|connection| traces::list(connection, MAX_TRACES))
        .await
        .map(|traces| Json(TracePage { traces }))
        .map_err(|error| ApiError::internal(&error))
}

async fn fetch(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Trace>, ApiError> {
    if id != "latest" && !is_valid_id(&id) {
        return Err(ApiError::no_such_trace());
    }
    let store = state.store.clone();
    // Reading the traced files and analysing them is blocking work.
    let found = tokio::task::spawn_blocking(move || {
        let id = match id.as_str() {
            "latest" => store.run_here(traces::latest)?,
            _ => Some(id),
        };
        let Some(id) = id else {
            return Ok(None);
        };
        let mut trace = store.run_here(|connection| traces::get(connection, &id))?;
        if let Some(trace) = &mut trace {
            crate::trace::add_verdicts(trace);
        }
        anyhow::Ok(trace)
    })
    .await
    .map_err(|error| ApiError::internal(&anyhow::anyhow!("a trace task failed: {error}")))?;
    match found {
        Ok(Some(trace)) => Ok(Json(trace)),
        Ok(None) => Err(ApiError::no_such_trace()),
        Err(error) => Err(ApiError::internal(&error)),
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use http_body_util::BodyExt;
    use jitlens_analyzer::protocol::{Optimized, ProjectedSpeedup};
    use tower::ServiceExt;

    use crate::server::{app, test_state, Playground, Security};
    use crate::store::traces;

    const PORT: u16 = 9998;
    const TRACE: &str = "0123456789abcdef0123456789abcdef";

    /// `GET path` with the token, on an app whose store holds `TRACE` (not yet optimized, or
    /// optimized once when `optimized`): the status and the JSON body.
    async fn get(path: &str, optimized: bool) -> (StatusCode, serde_json::Value) {
        let state = test_state(Security::with_token("secret".into(), PORT, &[]));
        state
            .store
            .run(move |connection| {
                traces::insert_running(connection, TRACE, &["python".into()], "/tmp", "python")?;
                if optimized {
                    traces::put_optimized(
                        connection,
                        &Optimized {
                            trace: TRACE.to_owned(),
                            functions: Vec::new(),
                            projected_speedup: ProjectedSpeedup {
                                median: 1.0,
                                ci_low: 1.0,
                                ci_high: 1.0,
                            },
                            applied: false,
                        },
                    )?;
                }
                Ok(())
            })
            .await
            .unwrap();
        let playground = Playground::Folder(std::env::temp_dir().join("jitlens-no-web"));
        let request = Request::get(path)
            .header("host", format!("127.0.0.1:{PORT}"))
            .header("authorization", "Bearer secret")
            .body(Body::empty())
            .unwrap();
        let response = app(state, playground).oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn optimize_result_is_404_with_the_command_until_optimize_runs() {
        let (status, body) = get(&format!("/api/traces/{TRACE}/optimize"), false).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            body["error"],
            format!(
                "optimize has not run on trace {TRACE}: `jitlens optimize {TRACE}` measures its \
                 rewrites"
            )
        );
        let other = "fedcba9876543210fedcba9876543210";
        let (status, body) = get(&format!("/api/traces/{other}/optimize"), false).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"], "no such trace");
        let (status, body) = get("/api/traces/..%2Fetc/optimize", false).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

        let (status, body) = get(&format!("/api/traces/{TRACE}/optimize"), true).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let parsed: Optimized = serde_json::from_value(body).unwrap();
        assert_eq!(parsed.trace, TRACE);
    }
}
