//! Links to Matrix users, rooms and events (`https://matrix.to/#/…` and
//! `matrix:` URIs), which the UI shows as pills instead of plain links.

/// What a Matrix link points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pill {
    User(String),
    RoomAlias(String),
    RoomId(String),
    /// An event, with the room (ID or alias) it is in.
    Event {
        room: String,
        event_id: String,
    },
}

impl Pill {
    /// Parses a link target; `None` when it is not a Matrix link we understand.
    pub fn parse(href: &str) -> Option<Self> {
        let href = href.trim();
        if let Some(rest) = strip_prefix_ignore_case(href, "https://matrix.to/#/") {
            let path = rest.split('?').next().unwrap_or_default();
            let mut parts = path.splitn(2, '/');
            let first = decode(parts.next()?)?;
            let second = match parts.next() {
                Some(part) => Some(decode(part)?),
                None => None,
            };
            return Self::from_ids(first, second);
        }
        let rest = strip_prefix_ignore_case(href, "matrix:")?;
        let path = rest.split(['?', '#']).next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').collect();
        let (kind, id, event) = match segments.as_slice() {
            [kind, id] => (*kind, *id, None),
            [kind, id, "e", event] => (*kind, *id, Some(*event)),
            _ => return None,
        };
        let sigil = sigil_of(kind)?;
        let event = match event {
            Some(e) => Some(format!("${}", decode(e)?)),
            None => None,
        };
        Self::from_ids(format!("{sigil}{}", decode(id)?), event)
    }

    fn from_ids(first: String, second: Option<String>) -> Option<Self> {
        if !is_plausible_id(&first) {
            return None;
        }
        match (first.chars().next()?, second) {
            ('@', None) => Some(Self::User(first)),
            ('#', None) => Some(Self::RoomAlias(first)),
            ('!', None) => Some(Self::RoomId(first)),
            ('!' | '#', Some(event_id)) if event_id.starts_with('$') && event_id.len() > 1 => {
                Some(Self::Event {
                    room: first,
                    event_id,
                })
            }
            _ => None,
        }
    }

    /// The class the UI styles the pill by.
    pub fn class(&self) -> &'static str {
        match self {
            Self::User(_) => "mx-pill mx-pill-user",
            Self::RoomAlias(_) => "mx-pill mx-pill-room-alias",
            Self::RoomId(_) => "mx-pill mx-pill-room-id",
            Self::Event { .. } => "mx-pill mx-pill-event",
        }
    }

    /// The user, room alias or room ID the pill names.
    pub fn target(&self) -> &str {
        match self {
            Self::User(id) | Self::RoomAlias(id) | Self::RoomId(id) => id,
            Self::Event { room, .. } => room,
        }
    }

    pub fn event_id(&self) -> Option<&str> {
        match self {
            Self::Event { event_id, .. } => Some(event_id),
            _ => None,
        }
    }
}

fn sigil_of(kind: &str) -> Option<char> {
    match kind {
        "u" | "user" => Some('@'),
        "r" | "room" => Some('#'),
        "roomid" => Some('!'),
        _ => None,
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn decode(part: &str) -> Option<String> {
    percent_encoding::percent_decode_str(part)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// A sigil, something, a colon, a server name; no spaces or controls. Matrix
/// IDs are loosely specified, so this only keeps out what is clearly not one.
fn is_plausible_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next();
    id.len() > 3
        && id.len() <= 255
        && chars.as_str().contains(':')
        && !id.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_to_links() {
        assert_eq!(
            Pill::parse("https://matrix.to/#/@alice:example.org"),
            Some(Pill::User("@alice:example.org".into()))
        );
        assert_eq!(
            Pill::parse("https://matrix.to/#/%23room%3Aexample.org?via=example.org"),
            Some(Pill::RoomAlias("#room:example.org".into()))
        );
        assert_eq!(
            Pill::parse("https://matrix.to/#/!abc:example.org/$ev?via=x"),
            Some(Pill::Event {
                room: "!abc:example.org".into(),
                event_id: "$ev".into()
            })
        );
        assert_eq!(Pill::parse("https://matrix.to/#/@alice"), None);
        // Found by the fuzzer: a multi-byte first character.
        assert_eq!(Pill::parse("https://matrix.to/#/%E2%80%AE@x:y"), None);
        assert_eq!(Pill::parse("https://matrix.to/#/@alice:x/$ev"), None);
        assert_eq!(
            Pill::parse("https://example.org/#/@alice:example.org"),
            None
        );
    }

    #[test]
    fn matrix_uris() {
        assert_eq!(
            Pill::parse("matrix:u/alice:example.org?action=chat"),
            Some(Pill::User("@alice:example.org".into()))
        );
        assert_eq!(
            Pill::parse("matrix:roomid/abc:example.org/e/ev?via=x"),
            Some(Pill::Event {
                room: "!abc:example.org".into(),
                event_id: "$ev".into()
            })
        );
        assert_eq!(
            Pill::parse("matrix:r/room:example.org"),
            Some(Pill::RoomAlias("#room:example.org".into()))
        );
        assert_eq!(Pill::parse("matrix:u/alice:example.org/e/ev"), None);
        assert_eq!(Pill::parse("matrix:x/alice:example.org"), None);
    }
}
