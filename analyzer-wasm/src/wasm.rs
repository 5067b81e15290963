//! The JavaScript API: the Report as a plain object, with or without the rewrites.

use wasm_bindgen::prelude::*;

/// Analyzes a Python module, rewrites included; the Report as a JavaScript object.
#[wasm_bindgen(js_name = analyze)]
pub fn analyze_js(source: &str) -> Result<JsValue, JsError> {
    to_js(&crate::analyze(source))
}

/// Diagnostics and verdicts only, what the playground runs on every edit (the rewrites, which
/// re-analyse each candidate, are made when asked for).
#[wasm_bindgen(js_name = analyzeWithoutRewrites)]
pub fn analyze_without_rewrites_js(source: &str) -> Result<JsValue, JsError> {
    to_js(&crate::analyze_without_strategies(source))
}

fn to_js(report: &crate::Report) -> Result<JsValue, JsError> {
    serde_wasm_bindgen::to_value(report).map_err(|error| JsError::new(&error.to_string()))
}
