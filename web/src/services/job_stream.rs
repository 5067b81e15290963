//! Following a running job: its Server-Sent Events stream for live progress, and polling
//! `GET /api/jobs/{id}` when the stream is unavailable, until the job is final.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use jitlens_analyzer::protocol::{JobResult, JobStatus, Progress};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::services::runner::{Runner, RunnerError};

/// How often the page looks at the stream's latest event.
const TICK_MS: u32 = 150;
/// Ticks between two polls once the stream has failed.
const TICKS_PER_POLL: u32 = 5;

/// Where a followed job is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Update {
    /// Queued or running.
    pub(crate) status: JobStatus,
    /// What it is doing, when the stream says.
    pub(crate) phase: Option<String>,
    /// 0 to 100, when the stream says.
    pub(crate) percent: Option<f64>,
}

/// An open event stream; closed on drop.
struct Stream {
    source: Option<web_sys::EventSource>,
    latest: Rc<RefCell<Option<Progress>>>,
    finished: Rc<Cell<bool>>,
    failed: Rc<Cell<bool>>,
    _on_message: Option<Closure<dyn FnMut(web_sys::MessageEvent)>>,
    _on_error: Option<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Stream {
    fn open(url: &str) -> Self {
        let latest = Rc::new(RefCell::new(None));
        let finished = Rc::new(Cell::new(false));
        let failed = Rc::new(Cell::new(false));
        let Ok(source) = web_sys::EventSource::new(url) else {
            failed.set(true);
            return Self {
                source: None,
                latest,
                finished,
                failed,
                _on_message: None,
                _on_error: None,
            };
        };
        let on_message = {
            let (latest, finished) = (latest.clone(), finished.clone());
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let Some(text) = event.data().as_string() else {
                    return;
                };
                if let Ok(progress) = serde_json::from_str::<Progress>(&text) {
                    finished.set(finished.get() || progress.status.is_final());
                    *latest.borrow_mut() = Some(progress);
                }
            })
        };
        // The runner names each event `progress` and sends a `Progress` as its data.
        let _ = source
            .add_event_listener_with_callback("progress", on_message.as_ref().unchecked_ref());
        let on_error = {
            let failed = failed.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| failed.set(true))
        };
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Self {
            source: Some(source),
            latest,
            finished,
            failed,
            _on_message: Some(on_message),
            _on_error: Some(on_error),
        }
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        if let Some(source) = &self.source {
            source.close();
        }
    }
}

/// Follows job `id` until it is final and returns it; `on_update` hears each change, and the
/// job is abandoned (`None`) as soon as `keep_going` says false.
pub(crate) async fn follow(
    runner: &Runner,
    id: &str,
    on_update: impl Fn(Update),
    keep_going: impl Fn() -> bool,
) -> Option<Result<JobResult, RunnerError>> {
    let stream = Stream::open(&runner.events_url(id));
    let mut tick = 0u32;
    loop {
        TimeoutFuture::new(TICK_MS).await;
        if !keep_going() {
            return None;
        }
        if let Some(progress) = stream.latest.borrow_mut().take() {
            on_update(Update {
                status: progress.status,
                phase: Some(progress.phase),
                percent: Some(progress.percent),
            });
        }
        if stream.finished.get() {
            break;
        }
        if stream.failed.get() {
            if let Some(source) = &stream.source {
                source.close();
            }
            tick += 1;
            if tick % TICKS_PER_POLL == 1 {
                match runner.job(id).await {
                    Ok(job) if job.status.is_final() => return Some(Ok(job)),
                    Ok(job) => on_update(Update {
                        status: job.status,
                        phase: None,
                        percent: None,
                    }),
                    Err(error) => return Some(Err(error)),
                }
            }
        }
    }
    drop(stream);
    Some(runner.job(id).await)
}
