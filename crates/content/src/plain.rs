//! Plain-text bodies: escaped and linkified for display, reply fallbacks
//! cut off, emoji-only messages spotted.

use linkify::{LinkFinder, LinkKind};

use super::{escape::push_escaped, pill::Pill, sanitize::LINK_SCHEMES};

/// `body` as HTML: escaped, with web, mail and Matrix links made clickable.
pub fn linkify(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 16);
    for span in LinkFinder::new().spans(body) {
        let text = span.as_str();
        let href = match span.kind() {
            Some(LinkKind::Url) => link_href(text),
            Some(LinkKind::Email) => Some(format!("mailto:{text}")),
            _ => None,
        };
        let Some(href) = href else {
            push_escaped(&mut out, text);
            continue;
        };
        out.push_str("<a href=\"");
        push_escaped(&mut out, &href);
        out.push_str("\" rel=\"noopener noreferrer\"");
        if let Some(pill) = Pill::parse(&href) {
            out.push_str(" class=\"");
            out.push_str(pill.class());
            out.push_str("\" data-mx-pill=\"");
            push_escaped(&mut out, pill.target());
            out.push('"');
            if let Some(event_id) = pill.event_id() {
                out.push_str(" data-mx-event=\"");
                push_escaped(&mut out, event_id);
                out.push('"');
            }
        }
        out.push('>');
        push_escaped(&mut out, text);
        out.push_str("</a>");
    }
    out
}

/// The href for a URL found in text when its scheme is one we link, with
/// the scheme written lowercase (found by cargo fuzz: `Http://…` was kept
/// as written, which our own checks and the UI compare case-sensitively).
fn link_href(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once(':')?;
    let scheme = scheme.to_ascii_lowercase();
    LINK_SCHEMES
        .contains(&scheme.as_str())
        .then(|| format!("{scheme}:{rest}"))
}

/// `body` without the `> ` quoted lines an older client put before a reply;
/// `None` when there are none.
pub fn strip_reply_fallback(body: &str) -> Option<&str> {
    if !body.starts_with("> ") {
        return None;
    }
    let mut rest = body;
    while rest.starts_with('>') {
        rest = rest.split_once('\n').map_or("", |(_, r)| r);
    }
    Some(rest.strip_prefix('\n').unwrap_or(rest))
}

/// A short message of emoji only, shown in a large font.
pub fn is_big_emoji(body: &str) -> bool {
    let body = body.trim();
    !body.is_empty()
        && body.len() < 100
        && body.chars().all(|c| is_emoji_part(c) || c == ' ')
        && body.chars().any(is_pictograph)
}

/// Characters that start an emoji picture (Unicode's Extended_Pictographic
/// blocks and regional indicators).
fn is_pictograph(c: char) -> bool {
    matches!(c as u32,
        0x00A9 | 0x00AE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x2199 | 0x21A9..=0x21AA
        | 0x231A..=0x231B | 0x2328 | 0x23CF | 0x23E9..=0x23F3 | 0x23F8..=0x23FA | 0x24C2
        | 0x25AA..=0x25AB | 0x25B6 | 0x25C0 | 0x25FB..=0x25FE | 0x2600..=0x27BF
        | 0x2934..=0x2935 | 0x2B05..=0x2B07 | 0x2B1B..=0x2B1C | 0x2B50 | 0x2B55 | 0x3030
        | 0x303D | 0x3297 | 0x3299 | 0x1F000..=0x1FAFF)
}

/// Anything that may be part of an emoji sequence: pictographs, skin tones
/// and regional indicators (inside 0x1F000..), joiners, variation
/// selectors, tags and keycap bases.
fn is_emoji_part(c: char) -> bool {
    is_pictograph(c)
        || matches!(
            c as u32,
            0x200D | 0xFE0E | 0xFE0F | 0x20E3 | 0xE0020..=0xE007F
        )
        || c.is_ascii_digit()
        || matches!(c, '#' | '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_escaped_and_linkified() {
        assert_eq!(linkify("a <b> & c"), "a &lt;b&gt; &amp; c");
        assert_eq!(
            linkify("see https://example.org/?a=1&b=2."),
            "see <a href=\"https://example.org/?a=1&amp;b=2\" rel=\"noopener noreferrer\">https://example.org/?a=1&amp;b=2</a>."
        );
        assert_eq!(
            linkify("<A Http://67.10S</A>"),
            "&lt;A <a href=\"http://67.10S\" rel=\"noopener noreferrer\">Http://67.10S</a>&lt;/A&gt;"
        );
        assert_eq!(
            linkify("mail bob@example.org"),
            "mail <a href=\"mailto:bob@example.org\" rel=\"noopener noreferrer\">bob@example.org</a>"
        );
        assert_eq!(
            linkify("javascript://%0Aalert(1)"),
            "javascript://%0Aalert(1)"
        );
        assert!(
            linkify("hi https://matrix.to/#/@bob:example.org")
                .contains("class=\"mx-pill mx-pill-user\" data-mx-pill=\"@bob:example.org\"")
        );
    }

    #[test]
    fn reply_fallbacks_are_cut() {
        assert_eq!(
            strip_reply_fallback("> <@a:x> hi\n> there\n\nanswer"),
            Some("answer")
        );
        assert_eq!(
            strip_reply_fallback("> <@a:x> hi\n\nanswer\n> not fallback"),
            Some("answer\n> not fallback")
        );
        assert_eq!(strip_reply_fallback("no quote"), None);
    }

    #[test]
    fn big_emoji() {
        assert!(is_big_emoji("😀"));
        assert!(is_big_emoji("👍🏽 🇫🇮 👨‍👩‍👧"));
        assert!(is_big_emoji("❤️"));
        assert!(!is_big_emoji("😀 hi"));
        assert!(!is_big_emoji("123"));
        assert!(!is_big_emoji(""));
        assert!(!is_big_emoji(&"😀".repeat(30)));
    }
}
