//! The URL fragment: `#token=...&s=...`, never sent to any server.
//!
//! `token` pairs the page with a runner (personal: never put in a share link); `s` is a share
//! link's state (see [`crate::share`]).

/// The value of `key` in a fragment such as `#token=abc&s=xyz`.
fn parameter(fragment: &str, key: &str) -> Option<String> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == key)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// `fragment` with `key` set to `value` (or removed when `None`), other parameters kept in order.
fn with_parameter(fragment: &str, key: &str, value: Option<&str>) -> String {
    let mut pairs: Vec<String> = fragment
        .trim_start_matches('#')
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some(key))
        .map(str::to_owned)
        .collect();
    if let Some(value) = value {
        pairs.push(format!("{key}={value}"));
    }
    pairs.join("&")
}

fn current_hash() -> Option<String> {
    web_sys::window()?.location().hash().ok()
}

/// The runner token the page was opened with, if any.
pub(crate) fn current_token() -> Option<String> {
    parameter(&current_hash()?, "token")
}

/// The share state (`s=`) the page was opened with, if any.
pub(crate) fn current_share() -> Option<String> {
    parameter(&current_hash()?, "s")
}

/// Sets or removes one parameter of the address bar's fragment, without a reload or a history
/// entry.
pub(crate) fn replace(key: &str, value: Option<&str>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let fragment = with_parameter(&location.hash().unwrap_or_default(), key, value);
    let path = location.pathname().unwrap_or_default() + &location.search().unwrap_or_default();
    let url = if fragment.is_empty() {
        path
    } else {
        format!("{path}#{fragment}")
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// A link to this page that carries only the share state `encoded` (never the token).
pub(crate) fn share_url(encoded: &str) -> String {
    let Some(location) = web_sys::window().map(|window| window.location()) else {
        return format!("#s={encoded}");
    };
    format!(
        "{}{}{}#s={encoded}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::{parameter, with_parameter};

    #[test]
    fn finds_parameters_in_any_order() {
        assert_eq!(
            parameter("#token=abc&s=xyz", "token").as_deref(),
            Some("abc")
        );
        assert_eq!(
            parameter("#s=xyz&token=abc", "token").as_deref(),
            Some("abc")
        );
        assert_eq!(parameter("#s=xyz", "token"), None);
        assert_eq!(parameter("#token=", "token"), None);
        assert_eq!(parameter("", "token"), None);
    }

    #[test]
    fn sets_and_removes_one_parameter() {
        assert_eq!(with_parameter("#token=abc&s=xyz", "s", None), "token=abc");
        assert_eq!(
            with_parameter("#token=abc", "s", Some("q")),
            "token=abc&s=q"
        );
        assert_eq!(with_parameter("#s=old", "s", Some("new")), "s=new");
        assert_eq!(with_parameter("", "token", None), "");
    }
}
