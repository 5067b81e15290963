//! Why a share link could not be opened, in words for the page.

/// A share link that cannot be opened.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ShareError {
    /// Characters outside base64url: the link was cut or edited.
    NotBase64,
    /// The compressed data does not inflate to UTF-8 JSON.
    Corrupt,
    /// It would inflate beyond the size cap.
    TooLarge,
    /// A version this page does not know (made by a newer playground).
    UnknownVersion(u64),
    /// Valid JSON of a known version, but not the shape that version promised.
    Invalid(String),
}

impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("This share link cannot be opened: ")?;
        match self {
            Self::NotBase64 | Self::Corrupt => f.write_str(
                "it is damaged (was it cut short or edited?). Ask for the link again.",
            ),
            Self::TooLarge => f.write_str("it holds more than the playground accepts (1 MB)."),
            Self::UnknownVersion(version) => write!(
                f,
                "it was made by a newer playground (format v{version}). Reload to get the newest page."
            ),
            Self::Invalid(why) => write!(f, "its content is malformed ({why})."),
        }
    }
}
