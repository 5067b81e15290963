//! Share links: the playground's state carried in the URL fragment as `s=...`.
//!
//! Every version uses the same envelope: UTF-8 JSON with a `"v"` field -> raw DEFLATE (RFC 1951)
//! -> base64url without padding. [`encode`] always writes the newest version; [`decode`] reads the
//! version number and hands the JSON to that version's decoder. A version that was ever written
//! keeps its decoder (and a committed fixture) for good: links live in chat logs for years.
//!
//! To add v2: write `v2.rs` with its own frozen wire types, point [`encode`] at it, add a `2 =>`
//! arm to [`decode`], and keep `v1.rs` and its fixture unchanged.
//!
//! Personal settings (theme, layout, the runner's address and token) never enter a link.

mod error;
mod v1;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jitlens_analyzer::protocol::{Environment, JobResult, LineProfile};
use miniz_oxide::inflate::TINFLStatus;

pub(crate) use error::ShareError;

/// Decoded JSON larger than this is refused (a small link can inflate enormously).
pub(crate) const MAX_DECODED_BYTES: usize = 1024 * 1024;

/// Encoded text longer than this is refused before any work is done.
const MAX_ENCODED_BYTES: usize = 2 * 1024 * 1024;

/// What a link carries, in the page's current terms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SharedState {
    /// The module in the editor.
    pub(crate) code: String,
    /// The choices that shape the results.
    pub(crate) options: Options,
    /// A benchmark result, when one was measured.
    pub(crate) results: Option<SharedResults>,
    /// A line profile of `code`, when one was measured (only ever of this very text).
    pub(crate) profile: Option<SharedProfile>,
}

/// The shared choices of the runner panel.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Options {
    /// The function picked for benchmarking.
    pub(crate) function: Option<String>,
    /// The framework picked for benchmarking.
    pub(crate) framework: Option<String>,
    /// The setup code that builds the inputs.
    pub(crate) setup: Option<String>,
}

/// A measured result and what it was measured for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SharedResults {
    /// When it was measured (ISO 8601, UTC).
    pub(crate) measured_at: String,
    /// The function that was benchmarked.
    pub(crate) function: String,
    /// The framework of the candidate, when a rewrite was benchmarked.
    pub(crate) framework: Option<String>,
    /// The runner's result, with the environment it ran in.
    pub(crate) job: JobResult,
}

/// A line profile and what it was measured for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SharedProfile {
    /// When it was measured (ISO 8601, UTC).
    pub(crate) measured_at: String,
    /// The function that was profiled.
    pub(crate) function: String,
    /// Where it ran, when the runner said.
    pub(crate) env: Option<Environment>,
    /// The runner's profile.
    pub(crate) profile: LineProfile,
}

/// The `s=` value for `state`, in the newest version.
pub(crate) fn encode(state: &SharedState) -> String {
    let json = v1::to_json(state);
    let compressed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    URL_SAFE_NO_PAD.encode(compressed)
}

/// The state in an `s=` value of any version ever written.
pub(crate) fn decode(text: &str) -> Result<SharedState, ShareError> {
    if text.len() > MAX_ENCODED_BYTES {
        return Err(ShareError::TooLarge);
    }
    let Ok(compressed) = URL_SAFE_NO_PAD.decode(text.trim()) else {
        return Err(ShareError::NotBase64);
    };
    let json =
        match miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_DECODED_BYTES) {
            Ok(json) => json,
            Err(error) if error.status == TINFLStatus::HasMoreOutput => {
                return Err(ShareError::TooLarge)
            }
            Err(_) => return Err(ShareError::Corrupt),
        };
    let Ok(json) = String::from_utf8(json) else {
        return Err(ShareError::Corrupt);
    };
    let value: serde_json::Value = serde_json::from_str(&json).map_err(|_| ShareError::Corrupt)?;
    match value.get("v").and_then(serde_json::Value::as_u64) {
        Some(1) => v1::from_value(value),
        Some(version) => Err(ShareError::UnknownVersion(version)),
        None => Err(ShareError::Invalid("it has no version".to_owned())),
    }
}

#[cfg(test)]
mod tests;
