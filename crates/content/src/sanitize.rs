//! The ammonia configuration: the Matrix spec's allowlist for
//! `formatted_body`, plus the attribute rules ammonia cannot express alone.

use std::{
    borrow::Cow,
    collections::{HashMap, HashSet},
    sync::LazyLock,
};

use ammonia::{Builder, UrlRelative};

use super::{
    nesting,
    tree::{self, Element},
};

/// Tags kept from `formatted_body` (the spec's list, `font` and `mx-reply` aside).
pub const TAGS: &[&str] = &[
    "del",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "p",
    "a",
    "ul",
    "ol",
    "sup",
    "sub",
    "li",
    "b",
    "i",
    "u",
    "strong",
    "em",
    "s",
    "code",
    "hr",
    "br",
    "div",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "pre",
    "span",
    "img",
    "details",
    "summary",
];

/// Attributes kept per tag; values are checked further in `filter_attribute`.
pub const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "target"]),
    ("img", &["src", "width", "height", "alt", "title"]),
    ("ol", &["start"]),
    ("code", &["class"]),
    (
        "span",
        &[
            "data-mx-bg-color",
            "data-mx-color",
            "data-mx-spoiler",
            "data-mx-maths",
        ],
    ),
    ("div", &["data-mx-maths"]),
];

/// Schemes a link may use.
pub const LINK_SCHEMES: &[&str] = &["https", "http", "ftp", "mailto", "magnet", "matrix"];

const MEDIA_PREFIX: &str = "_gomuks/media/";

/// Where the UI loads `mxc://server/id` media from (served by the backend).
pub fn media_url(mxc: &str) -> Option<String> {
    let rest = mxc.trim().strip_prefix("mxc://")?;
    let (server, id) = rest.split_once('/')?;
    let server_ok = !server.is_empty()
        && server
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    let id_ok = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
    (server_ok && id_ok).then(|| format!("{MEDIA_PREFIX}{server}/{id}?encrypted=false"))
}

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    b.tags(TAGS.iter().copied().collect())
        .tag_attributes(
            TAG_ATTRIBUTES
                .iter()
                .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect::<HashSet<_>>()))
                .collect::<HashMap<_, _>>(),
        )
        // mxc is only for img src; filter_attribute drops it from links.
        .url_schemes(LINK_SCHEMES.iter().copied().chain(["mxc"]).collect())
        // The only relative URLs are the media URLs filter_attribute wrote
        // (ammonia looks at them after the filter); others would resolve
        // against the UI's own origin.
        .url_relative(UrlRelative::Custom(Box::new(only_media_urls)))
        .link_rel(Some("noopener noreferrer"))
        // Reply fallbacks are gone with their contents, like script and style.
        .clean_content_tags(["script", "style", "mx-reply"].into_iter().collect())
        .strip_comments(true)
        .attribute_filter(filter_attribute);
    b
});

/// Parses and cleans `html` into a tree whose root holds what was kept.
pub fn clean(html: &str) -> Element {
    tree::parse(&ammonia_clean(&nesting::cap(html)))
}

/// Ammonia alone: `html` parsed as it is, cleaned and written out.
pub(crate) fn ammonia_clean(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

fn filter_attribute<'u>(tag: &str, attr: &str, value: &'u str) -> Option<Cow<'u, str>> {
    let keep = match (tag, attr) {
        // Whitespace and control characters go, as browsers drop them from
        // URLs anyway, so they can't hide what the link really is.
        ("a", "href") => {
            let clean: Cow<'u, str> = if value
                .chars()
                .any(|c| c.is_ascii_whitespace() || c.is_control())
            {
                Cow::Owned(
                    value
                        .chars()
                        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                        .collect(),
                )
            } else {
                Cow::Borrowed(value)
            };
            // The scheme is checked here too: ammonia judges the value it was
            // given, before this filter cleaned it.
            let url = ammonia::Url::parse(&clean).ok()?;
            let scheme = url.scheme();
            if !LINK_SCHEMES.contains(&scheme) {
                return None;
            }
            // Browsers take schemes in any case; we write them lowercase, so
            // the UI and our checks can compare them as written.
            return match clean.get(..scheme.len()) {
                Some(written) if written != scheme && written.eq_ignore_ascii_case(scheme) => {
                    Some(Cow::Owned(format!("{scheme}{}", &clean[scheme.len()..])))
                }
                _ => Some(clean),
            };
        }
        ("a", "target") => value == "_blank",
        ("img", "src") => return media_url(value).map(Cow::Owned),
        ("img", "width" | "height") | ("ol", "start") => {
            value.len() <= 6 && value.parse::<u32>().is_ok()
        }
        ("code", "class") => {
            return value
                .split_ascii_whitespace()
                .find(|c| is_language_class(c))
                .map(|c| Cow::Owned(c.to_owned()));
        }
        ("span", "data-mx-color" | "data-mx-bg-color") => is_hex_colour(value),
        _ => true,
    };
    keep.then_some(Cow::Borrowed(value))
}

fn only_media_urls(url: &str) -> Option<Cow<'_, str>> {
    url.starts_with(MEDIA_PREFIX).then_some(Cow::Borrowed(url))
}

fn is_language_class(class: &str) -> bool {
    class.strip_prefix("language-").is_some_and(|lang| {
        !lang.is_empty()
            && lang.len() <= 40
            && lang
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'#' | b'.'))
    })
}

fn is_hex_colour(value: &str) -> bool {
    value.len() == 7 && value.starts_with('#') && value[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_urls_are_strict() {
        assert_eq!(
            media_url("mxc://example.org/AbC_1-2").as_deref(),
            Some("_gomuks/media/example.org/AbC_1-2?encrypted=false")
        );
        assert_eq!(
            media_url("mxc://[::1]:8448/x").as_deref(),
            Some("_gomuks/media/[::1]:8448/x?encrypted=false")
        );
        for bad in [
            "mxc://example.org/../x",
            "mxc://example.org/a/b",
            "mxc:///x",
            "mxc://ex ample/x",
            "mxc://example.org/x?y",
            "https://example.org/x",
            "mxc://example.org/",
        ] {
            assert_eq!(media_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn attribute_values_are_checked() {
        assert!(filter_attribute("span", "data-mx-color", "#00ff00").is_some());
        for bad in [
            "red",
            "#0f0",
            "#00ff00;background:url(x)",
            "expression(alert(1))",
            "#00ff0g",
        ] {
            assert!(
                filter_attribute("span", "data-mx-color", bad).is_none(),
                "{bad}"
            );
        }
        assert_eq!(
            filter_attribute("code", "class", "foo language-rust bar").as_deref(),
            Some("language-rust")
        );
        assert!(filter_attribute("code", "class", "hljs").is_none());
        assert!(filter_attribute("code", "class", "language-\"x").is_none());
        assert!(filter_attribute("ol", "start", "3").is_some());
        assert!(filter_attribute("ol", "start", "3;x").is_none());
        assert!(filter_attribute("a", "href", "mxc://a/b").is_none());
        assert_eq!(
            filter_attribute("a", "href", "\thttps://x").as_deref(),
            Some("https://x")
        );
        assert!(filter_attribute("a", "target", "_top").is_none());
        // Found by cargo fuzz: a scheme in capitals is written lowercase.
        assert_eq!(
            filter_attribute("a", "href", "Http://67.10S").as_deref(),
            Some("http://67.10S")
        );
    }
}
