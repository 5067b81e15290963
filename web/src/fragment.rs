//! The URL fragment: `#token=...&s=...`, never sent to any server.

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

/// The runner token the page was opened with, if any.
pub(crate) fn current_token() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    parameter(&hash, "token")
}

#[cfg(test)]
mod tests {
    use super::parameter;

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
}
