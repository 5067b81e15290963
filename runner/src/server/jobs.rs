//! The job routes: submit, list, fetch, follow (Server-Sent Events) and cancel.

use std::convert::Infallible;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::stream::{self, Stream};
use jitlens_analyzer::protocol::{Accepted, JobPage, JobRequest, JobResult, JobStatus, Progress};
use serde::Deserialize;
use tokio::sync::broadcast;

use super::error::{ApiError, AppJson};
use super::AppState;
use crate::jobs::{is_valid_id, validate, SubmitError};

/// Pages of the job list hold at most this many jobs.
const MAX_PAGE: u32 = 100;

/// The job routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/jobs", get(list).post(submit))
        .route("/api/jobs/{id}", get(fetch).delete(cancel))
        .route("/api/jobs/{id}/events", get(events))
}

async fn submit(
    State(state): State<AppState>,
    AppJson(request): AppJson<JobRequest>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    if let Err(message) = validate(&request) {
        return Err(ApiError::bad_request(message));
    }
    match state.jobs.submit(request).await {
        Ok(id) => Ok((
            StatusCode::ACCEPTED,
            Json(Accepted {
                id,
                status: JobStatus::Queued,
            }),
        )),
        Err(SubmitError::Full(capacity)) => Err(ApiError::queue_full(capacity)),
        Err(SubmitError::Store(error)) => Err(ApiError::internal(&error)),
    }
}

/// `?limit=&offset=` of the job list.
#[derive(Debug, Deserialize)]
struct PageParams {
    limit: Option<u32>,
    offset: Option<u64>,
}

async fn list(
    State(state): State<AppState>,
    params: Result<Query<PageParams>, QueryRejection>,
) -> Result<Json<JobPage>, ApiError> {
    let Query(params) = params.map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
    let limit = params.limit.unwrap_or(20).clamp(1, MAX_PAGE);
    let offset = params.offset.unwrap_or(0);
    state
        .jobs
        .list(limit, offset)
        .await
        .map(Json)
        .map_err(|error| ApiError::internal(&error))
}

async fn fetch(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<JobResult>, ApiError> {
    if !is_valid_id(&id) {
        return Err(ApiError::no_such_job());
    }
    match state.jobs.get(&id).await {
        Ok(Some(result)) => Ok(Json(result)),
        Ok(None) => Err(ApiError::no_such_job()),
        Err(error) => Err(ApiError::internal(&error)),
    }
}

async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Accepted>, ApiError> {
    if !is_valid_id(&id) {
        return Err(ApiError::no_such_job());
    }
    match state.jobs.cancel(&id).await {
        Ok(Some(status)) => Ok(Json(Accepted { id, status })),
        Ok(None) => Err(ApiError::no_such_job()),
        Err(error) => Err(ApiError::internal(&error)),
    }
}

/// A stream of `progress` events for one job: its state now, then each step, ending with the
/// event that carries a final status.
async fn events(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    if !is_valid_id(&id) {
        return Err(ApiError::no_such_job());
    }
    // Subscribe before reading the state, so that no step falls between the two.
    let receiver = state.jobs.subscribe();
    let current = match state.jobs.get(&id).await {
        Ok(Some(result)) => result,
        Ok(None) => return Err(ApiError::no_such_job()),
        Err(error) => return Err(ApiError::internal(&error)),
    };
    let first = Progress {
        id: id.clone(),
        status: current.status,
        phase: current
            .phase
            .unwrap_or_else(|| phase_of(current.status).to_owned()),
        percent: current.percent.unwrap_or(if current.status.is_final() {
            100.0
        } else {
            0.0
        }),
    };
    let start = Follow {
        id,
        pending: Some(first),
        receiver,
        ended: false,
    };
    let stream = stream::unfold(start, |mut follow| async move {
        let progress = follow.next().await?;
        follow.ended = progress.status.is_final();
        let event = Event::default()
            .event("progress")
            .json_data(&progress)
            .unwrap_or_else(|_| Event::default().event("progress"));
        Some((Ok(event), follow))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

struct Follow {
    id: String,
    pending: Option<Progress>,
    receiver: broadcast::Receiver<Progress>,
    ended: bool,
}

impl Follow {
    async fn next(&mut self) -> Option<Progress> {
        if self.ended {
            return None;
        }
        if let Some(progress) = self.pending.take() {
            return Some(progress);
        }
        loop {
            match self.receiver.recv().await {
                Ok(progress) if progress.id == self.id => return Some(progress),
                // Another job's step, or steps dropped for a slow reader: the next one will do.
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => (),
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

fn phase_of(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Queued => "queued",
        JobStatus::Running => "starting",
        _ => "finished",
    }
}
