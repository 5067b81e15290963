//! The trace routes: `GET /api/traces` (newest first), `GET /api/traces/{id}` (a whole trace
//! with jitlens's verdict beside each function; `latest` for the newest) and
//! `GET /api/traces/{id}/source?file=F` (a traced file as it is now, for the page's editor: only
//! files the trace holds functions of, read under its root).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use jitlens_analyzer::protocol::{Trace, TracePage, TracedSource};
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
