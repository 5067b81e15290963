//! `GET /api/health`: is the runner up, and which version is it.

use axum::routing::get;
use axum::{Json, Router};
use jitlens_analyzer::protocol::Health;

use super::AppState;

/// The health route.
pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/api/health", get(health))
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}
