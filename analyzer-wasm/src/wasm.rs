//! The JavaScript API: `analyze(source)` returns the Report as a plain object.

use wasm_bindgen::prelude::*;

/// Analyzes a Python module; the result is the Report as a JavaScript object.
#[wasm_bindgen(js_name = analyze)]
pub fn analyze_js(source: &str) -> Result<JsValue, JsError> {
    let report = crate::analyze(source);
    serde_wasm_bindgen::to_value(&report).map_err(|error| JsError::new(&error.to_string()))
}
