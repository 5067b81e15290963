//! What the page keeps in localStorage: the user's own work, so that a reload (or a bad link)
//! never loses it, and personal settings, which never enter a share link.

/// The source the user was last editing.
pub(crate) const SOURCE: &str = "jitlens.source";
/// The user's own source, set aside when a share link replaced it in the editor.
pub(crate) const SOURCE_BEFORE_LINK: &str = "jitlens.source.before-link";
/// The setup code of the runner panel.
pub(crate) const SETUP: &str = "jitlens.setup";
/// The runner's address, when it is not the page's own origin (a personal setting).
pub(crate) const RUNNER_BASE: &str = "jitlens.runner-base";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The text kept under `key`, if any.
pub(crate) fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

/// Keeps `value` under `key`; a full or disabled storage is ignored.
pub(crate) fn store(key: &str, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, value);
    }
}

/// Forgets `key`.
pub(crate) fn remove(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}
