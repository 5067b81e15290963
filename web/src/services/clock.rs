//! A millisecond clock with sub-millisecond resolution where the browser gives one.

/// Milliseconds since the page's time origin (0 outside a browser).
pub(crate) fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}
