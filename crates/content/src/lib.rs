//! The message content pipeline. Incoming: every stored `m.room.message`
//! gets a `local_content` (sanitized HTML the UI may render, and what the
//! UI needs to know about it). Outgoing: `markdown_to_content` turns the
//! composer's markdown into message content.
//!
//! Sanitizing is ammonia with the Matrix spec's allowlist (`sanitize`); its
//! output is read back into a depth-capped tree (`tree`), written out with
//! pills marked (`render`) and turned into the `edit_source` markdown
//! (`to_markdown`).

mod check;
pub mod compose;
mod escape;
mod nesting;
mod pill;
mod plain;
mod render;
mod sanitize;
mod to_markdown;
mod tree;

use serde_json::Value;
use trellis_rpc::model::LocalContent;

pub use check::check_output;
pub use compose::{edit_of, markdown_to_content, reply_to};
pub use pill::Pill;
pub use render::{MAX_DEPTH, is_output_attribute};
pub use sanitize::{LINK_SCHEMES, TAGS, media_url};

/// Raised whenever the sanitizer's output changes, so stored events are
/// sanitized again at the next start (trellis-core's `content::upgrade`).
pub const HTML_VERSION: i64 = 2;

pub const HTML_FORMAT: &str = "org.matrix.custom.html";

/// What the UI shows for an event of `event_type` (the decrypted type of an
/// encrypted one) with `content` (decrypted). `None` for events that are not
/// messages or whose content is not a JSON object. `edit_source` is made for
/// `own_message`s only: nobody edits another's message, and recovering
/// markdown is a third of the cost.
pub fn local_content(
    event_type: &str,
    content: &str,
    relation_type: Option<&str>,
    own_message: bool,
) -> Option<LocalContent> {
    if event_type != "m.room.message" {
        return None;
    }
    let outer: Value = serde_json::from_str(content).ok()?;
    let is_reply = outer
        .pointer("/m.relates_to/m.in_reply_to/event_id")
        .is_some();
    // An edit is shown as its new content.
    let content = match outer.get("m.new_content") {
        Some(new) if relation_type == Some("m.replace") && new.is_object() => new,
        _ => &outer,
    };
    if !content.is_object() {
        return None;
    }
    let field = |key: &str| content.get(key).and_then(Value::as_str);
    let body = field("body").unwrap_or_default();
    let prefix = match field("msgtype") {
        Some("m.emote") => "/me ",
        Some("m.notice") => "/notice ",
        _ => "",
    };
    let formatted = field("formatted_body")
        .filter(|html| field("format") == Some(HTML_FORMAT) && !html.is_empty());
    let mut lc = LocalContent {
        html_version: HTML_VERSION,
        ..LocalContent::default()
    };
    // The body without a reply fallback; for HTML messages only the emoji
    // check reads it (the sender's own plain rendering, cheaper than ours).
    let fallback = plain::strip_reply_fallback(body).filter(|_| is_reply);
    let text = fallback.unwrap_or(body);
    lc.big_emoji = plain::is_big_emoji(text);
    match formatted {
        Some(html) => {
            lc.reply_fallback_removed = contains_ignore_case(html, "<mx-reply");
            let root = sanitize::clean(html);
            let rendered = render::render(&root);
            lc.sanitized_html = rendered.html;
            lc.has_math = rendered.has_math;
            if own_message {
                lc.edit_source = format!("{prefix}{}", to_markdown::to_markdown(&root));
            }
        }
        None => {
            lc.reply_fallback_removed = fallback.is_some();
            let html = plain::linkify(text);
            if html != body {
                lc.sanitized_html = html;
            }
            lc.was_plaintext = true;
            if own_message {
                lc.edit_source = format!("{prefix}{text}");
            }
        }
    }
    Some(lc)
}

/// `formatted_body` as the HTML the UI may render: the sanitizing part of
/// `local_content` alone.
pub fn sanitize_html(formatted_body: &str) -> String {
    render::render(&sanitize::clean(formatted_body)).html
}

/// `local_content` as the JSON stored in the `event.local_content` column.
pub fn local_content_json(
    event_type: &str,
    content: &str,
    relation_type: Option<&str>,
    own_message: bool,
) -> Option<String> {
    serde_json::to_string(&local_content(
        event_type,
        content,
        relation_type,
        own_message,
    )?)
    .ok()
}

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests;
