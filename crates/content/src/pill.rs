//! Links to Matrix users, rooms and events (`https://matrix.to/#/…` and
//! `matrix:` URIs), read by ruma's `MatrixToUri` and `MatrixUri`, which the
//! UI shows as pills and the desktop shell opens in the app.

use ruma_common::{MatrixToUri, MatrixUri, matrix_uri::MatrixId};

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

const MATRIX_TO: &str = "https://matrix.to/#/";

impl Pill {
    /// Parses a link target; `None` when it is not a Matrix link we understand.
    pub fn parse(href: &str) -> Option<Self> {
        let href = href.trim();
        let id = if let Some(rest) = strip_prefix_ignore_case(href, MATRIX_TO)
            .or_else(|| strip_prefix_ignore_case(href, "http://matrix.to/#/"))
        {
            // ruma indexes the first byte of each `/`-separated part.
            let ids = rest.split('?').next().unwrap_or_default();
            let ids = ids.strip_suffix('/').unwrap_or(ids);
            if ids.split('/').filter(|p| !p.is_empty()).count() != ids.split('/').count() {
                return None;
            }
            let parse = |link: &str| MatrixToUri::parse(link).ok().map(|u| u.id().clone());
            // A query ruma does not know (it reads `via` only) does not make
            // the link mean something else: read it without.
            parse(&format!("{MATRIX_TO}{rest}")).or_else(|| parse(&format!("{MATRIX_TO}{ids}")))?
        } else if strip_prefix_ignore_case(href, "matrix:").is_some() {
            let parse = |link: &str| MatrixUri::parse(link).ok().map(|u| u.id().clone());
            let bare = href.split(['?', '#']).next().unwrap_or_default();
            parse(href).or_else(|| parse(bare))?
        } else {
            return None;
        };
        let pill = match id {
            MatrixId::User(user) => Self::User(user.into()),
            MatrixId::RoomAlias(alias) => Self::RoomAlias(alias.into()),
            MatrixId::Room(room) => Self::RoomId(room.into()),
            MatrixId::Event(room, event) => Self::Event {
                room: room.into(),
                event_id: event.into(),
            },
            _ => return None,
        };
        pill.is_clean().then_some(pill)
    }

    /// ruma checks the sigils, the server names and user IDs' characters;
    /// room IDs (only a hash since room version 12) and aliases may still
    /// hold anything. Keep out what cannot be an ID.
    fn is_clean(&self) -> bool {
        let ids = [Some(self.target()), self.event_id()];
        ids.into_iter()
            .flatten()
            .all(|id| id.len() > 1 && !id.chars().any(|c| c.is_whitespace() || c.is_control()))
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

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(room: &str, event_id: &str) -> Pill {
        Pill::Event {
            room: room.into(),
            event_id: event_id.into(),
        }
    }

    #[test]
    fn matrix_to_links() {
        let v12 = "!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM";
        for (link, want) in [
            (
                "https://matrix.to/#/@alice:example.org",
                Pill::User("@alice:example.org".into()),
            ),
            (
                "https://matrix.to/#/%23room%3Aexample.org?via=example.org",
                Pill::RoomAlias("#room:example.org".into()),
            ),
            (
                "https://matrix.to/#/#room:example.org",
                Pill::RoomAlias("#room:example.org".into()),
            ),
            (
                "https://matrix.to/#/!abc:example.org?via=a.org&via=b.org",
                Pill::RoomId("!abc:example.org".into()),
            ),
            (
                "https://matrix.to/#/!abc:example.org/$ev?via=x",
                event("!abc:example.org", "$ev"),
            ),
            (
                "https://matrix.to/#/%23room%3Aexample.org/%24ev",
                event("#room:example.org", "$ev"),
            ),
            // Room version 12: the room ID is a hash, without a server name.
            (
                &format!("https://matrix.to/#/{v12}?via=example.org"),
                Pill::RoomId(v12.into()),
            ),
            // A query ruma does not read is ignored.
            (
                "HTTPS://matrix.to/#/@alice:example.org?foo=bar",
                Pill::User("@alice:example.org".into()),
            ),
            (
                "http://matrix.to/#/@alice:example.org/",
                Pill::User("@alice:example.org".into()),
            ),
        ] {
            assert_eq!(Pill::parse(link), Some(want), "{link}");
        }
    }

    #[test]
    fn matrix_uris() {
        for (link, want) in [
            (
                "matrix:u/alice:example.org?action=chat",
                Pill::User("@alice:example.org".into()),
            ),
            (
                "matrix:roomid/abc:example.org/e/ev?via=x",
                event("!abc:example.org", "$ev"),
            ),
            (
                "matrix:r/room:example.org/e/ev",
                event("#room:example.org", "$ev"),
            ),
            (
                "matrix:r/room:example.org?via=a.org&via=b.org",
                Pill::RoomAlias("#room:example.org".into()),
            ),
            (
                "matrix:roomid/31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM",
                Pill::RoomId("!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM".into()),
            ),
        ] {
            assert_eq!(Pill::parse(link), Some(want), "{link}");
        }
    }

    #[test]
    fn what_is_not_a_matrix_link() {
        for bad in [
            "https://matrix.to/#/@alice",
            "https://matrix.to/#/!",
            "https://matrix.to/#/alice:x",
            "https://matrix.to/#/@alice:x/$ev",
            // Found by the fuzzer: a multi-byte first character.
            "https://matrix.to/#/%E2%80%AE@x:y",
            // An empty part, whose first byte ruma would index.
            "https://matrix.to/#///x",
            "https://matrix.to/#/!r:x//$e",
            "https://matrix.to/#/!a%20b:x",
            "https://matrix.to/#/!a%0Ab",
            "https://example.org/#/@alice:example.org",
            "matrix:u/alice:example.org/e/ev",
            "matrix:x/alice:example.org",
            "matrix:u/alice",
            "matrix:r/team",
            "matrix:roomid/",
            "matrix:u/%ff:x",
            "matrix:u/a%0ab:x",
            "javascript:alert(1)",
        ] {
            assert_eq!(Pill::parse(bad), None, "{bad}");
        }
    }
}
