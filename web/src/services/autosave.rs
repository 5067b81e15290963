//! The user's own work, kept in localStorage so that a reload (or a bad link) never loses it.

const KEY: &str = "jitlens.source";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The source the user was last editing, if any.
pub(crate) fn load() -> Option<String> {
    storage()?.get_item(KEY).ok()?
}

/// Keeps `source` for the next visit; a full or disabled storage is ignored.
pub(crate) fn store(source: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(KEY, source);
    }
}
