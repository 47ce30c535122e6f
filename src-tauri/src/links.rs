//! Links: `matrix:` URIs and matrix.to links that open a room or a DM here,
//! and the schemes other links may use to open in the system browser.

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

/// Reads `matrix:r/alias:server`, `matrix:roomid/id:server`, `matrix:u/user:server`
/// (MSC2312, with optional `/e/…` and `?via=`) and `https://matrix.to/#/…`.
pub fn parse(link: &str) -> Option<Target> {
    let link = link.trim();
    if let Some(rest) = link.strip_prefix("matrix:") {
        let path = rest.split(['?', '#']).next()?;
        let mut parts = path.split('/');
        let (kind, id) = (parts.next()?, decode(parts.next()?)?);
        return match kind {
            "r" => valid(Target::Alias(format!("#{id}"))),
            "roomid" => valid(Target::Room(format!("!{id}"))),
            "u" => valid(Target::User(format!("@{id}"))),
            _ => None,
        };
    }
    let fragment = link
        .strip_prefix("https://matrix.to/#/")
        .or_else(|| link.strip_prefix("http://matrix.to/#/"))?;
    let id = decode(fragment.split(['?', '/']).next()?)?;
    valid(match id.chars().next()? {
        '!' => Target::Room(id),
        '#' => Target::Alias(id),
        '@' => Target::User(id),
        _ => return None,
    })
}

/// A Matrix id has a sigil, a local part, a colon and a server name — but
/// the room IDs of v12+ rooms are only a hash — and no characters that
/// could break out of where it is used.
fn valid(target: Target) -> Option<Target> {
    let (Target::Room(id) | Target::Alias(id) | Target::User(id)) = &target;
    let clean = |s: &str| !s.is_empty() && !s.chars().any(|c| c.is_control() || c.is_whitespace());
    // Every id here starts with its one-byte sigil.
    let ok = match (&target, id[1..].split_once(':')) {
        (_, Some((local, server))) => clean(local) && clean(server),
        (Target::Room(_), None) => clean(&id[1..]),
        _ => false,
    };
    (ok && id.len() <= 255).then_some(target)
}

/// Percent-decoding, refusing anything that is not UTF-8.
pub(crate) fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
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
                "matrix:roomid/abc:example.org/e/$ev",
                Target::Room("!abc:example.org".into()),
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
