//! `GET /api/env`: the interpreter the runner uses, framework versions, CPU, GPUs, usable JITs.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use jitlens_analyzer::protocol::RunnerEnv;

use super::error::ApiError;
use super::AppState;

/// The env route.
pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/api/env", get(env))
}

async fn env(State(state): State<AppState>) -> Result<Json<RunnerEnv>, ApiError> {
    state
        .env
        .get()
        .await
        .map(Json)
        .map_err(|error| ApiError::unavailable(format!("could not probe Python: {error}")))
}
