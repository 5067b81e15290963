//! `GET /api/health`: is the runner up, and which version is it.

use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::AppState;

/// What `/api/health` answers.
#[derive(Debug, Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
}

/// The health route.
pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/api/health", get(health))
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}
