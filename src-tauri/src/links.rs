//! Links: `matrix:` URIs and matrix.to links that open a room or a DM here,
//! and the schemes other links may use to open in the system browser.

use trellis_core::content::Pill;

/// What a Matrix link points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Room(String),
    Alias(String),
    User(String),
}

/// Schemes handed to the system's opener; anything else is dropped.
const EXTERNAL_SCHEMES: &[&str] = &["https", "http", "mailto", "magnet", "ftp"];

pub fn is_external(url: &str) -> bool {
    url.split_once(':')
        .is_some_and(|(scheme, _)| EXTERNAL_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()))
}

/// What a `matrix:` URI or a matrix.to link opens: the room (of an event
/// link too) or the user. Read by the content pipeline's `Pill`, which
/// parses with ruma, so links open here as they render as pills.
pub fn parse(link: &str) -> Option<Target> {
    let pill = Pill::parse(link)?;
    let id = pill.target().to_owned();
    Some(match pill {
        Pill::User(_) => Target::User(id),
        Pill::RoomAlias(_) => Target::Alias(id),
        Pill::RoomId(_) => Target::Room(id),
        Pill::Event { .. } if id.starts_with('#') => Target::Alias(id),
        Pill::Event { .. } => Target::Room(id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_uris_and_matrix_to_links() {
        let cases = [
            (
                "matrix:r/team:example.org",
                Target::Alias("#team:example.org".into()),
            ),
            (
                "matrix:roomid/abc:example.org?via=example.org",
                Target::Room("!abc:example.org".into()),
            ),
            (
                "matrix:roomid/abc:example.org/e/ev",
                Target::Room("!abc:example.org".into()),
            ),
            (
                "matrix:r/team:example.org/e/ev?via=example.org",
                Target::Alias("#team:example.org".into()),
            ),
            (
                "matrix:u/alice:example.org",
                Target::User("@alice:example.org".into()),
            ),
            (
                "https://matrix.to/#/%23team%3Aexample.org",
                Target::Alias("#team:example.org".into()),
            ),
            (
                "https://matrix.to/#/!abc:example.org/$ev?via=x",
                Target::Room("!abc:example.org".into()),
            ),
            (
                "https://matrix.to/#/@alice:example.org",
                Target::User("@alice:example.org".into()),
            ),
            // v12 room IDs have no server name.
            (
                "https://matrix.to/#/!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM?via=x",
                Target::Room("!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM".into()),
            ),
            (
                "matrix:roomid/31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM",
                Target::Room("!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM".into()),
            ),
        ];
        for (link, want) in cases {
            assert_eq!(parse(link), Some(want), "{link}");
        }
        for bad in [
            "matrix:x/y:z",
            "matrix:u/alice",
            "matrix:r/team",
            "matrix:roomid/",
            "https://matrix.to/#/!",
            "matrix:u/%ff:x",
            "matrix:u/a%0ab:x",
            "https://matrix.to/#/alice:x",
            "https://evil.org/#/@alice:x",
            "javascript:alert(1)",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_allowlisted_schemes_open_outside() {
        assert!(is_external("https://example.org"));
        assert!(is_external("MAILTO:a@b"));
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "no-scheme",
        ] {
            assert!(!is_external(bad), "{bad}");
        }
    }
}
