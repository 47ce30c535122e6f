//! Outgoing messages: the composer's markdown as `m.room.message` content.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};
use serde_json::{Value, json};

use super::{HTML_FORMAT, pill::Pill};

/// Message content for what the user typed: CommonMark with strikethrough,
/// tables and `||spoilers||`; a leading `/me ` or `/notice ` picks the
/// msgtype. Raw HTML in the input stays text, line breaks stay line
/// breaks. When markdown changes nothing the message is plain (`body`
/// only). Links to users (`https://matrix.to/#/@user:server`) become pills
/// and `m.mentions.user_ids`; `@room` sets `m.mentions.room`.
///
/// The caller keeps `text` itself as the local echo's `edit_source`.
pub fn markdown_to_content(text: &str) -> Value {
    let (msgtype, text) = if let Some(rest) = text.strip_prefix("/me ") {
        ("m.emote", rest)
    } else if let Some(rest) = text.strip_prefix("/notice ") {
        ("m.notice", rest)
    } else {
        ("m.text", text)
    };
    let mut mentions = json!({});
    let mut user_ids: Vec<String> = Vec::new();
    if mentions_room(text) {
        mentions["room"] = Value::Bool(true);
    }
    let events = with_spoilers(
        Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES).map(|ev| {
            match ev {
                // Typed HTML is shown as typed, not interpreted.
                Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
                // Chat convention: a newline is a line break.
                Event::SoftBreak => Event::HardBreak,
                other => other,
            }
        }),
    );
    for ev in &events {
        if let Event::Start(Tag::Link { dest_url, .. }) = ev
            && let Some(Pill::User(id)) = Pill::parse(dest_url)
            && !user_ids.contains(&id)
        {
            user_ids.push(id);
        }
    }
    if !user_ids.is_empty() {
        mentions["user_ids"] = json!(user_ids);
    }
    let mut content = json!({"msgtype": msgtype, "body": text, "m.mentions": mentions});
    if !is_plain(&events, text) {
        let mut out = String::with_capacity(text.len() * 2);
        html::push_html(&mut out, events.into_iter());
        content["format"] = json!(HTML_FORMAT);
        content["formatted_body"] = json!(unwrap_single_paragraph(out.trim_end()));
    }
    content
}

/// Makes `content` a reply to `event_id` (sent by `sender`, who is
/// mentioned). No fallback is added: the spec has dropped them.
pub fn reply_to(content: &mut Value, event_id: &str, sender: &str) {
    content["m.relates_to"] = json!({"m.in_reply_to": {"event_id": event_id}});
    let mentions = &mut content["m.mentions"];
    if !mentions.is_object() {
        *mentions = json!({});
    }
    let ids = &mut mentions["user_ids"];
    if !ids.is_array() {
        *ids = json!([]);
    }
    if let Some(list) = ids.as_array_mut()
        && !list.iter().any(|v| v == sender)
    {
        list.push(json!(sender));
    }
}

/// An edit of `event_id` replacing its content with `new_content` (from
/// `markdown_to_content`). The outer body is the `* `-prefixed fallback;
/// the outer `m.mentions` stays empty so an edit does not ping again.
pub fn edit_of(mut new_content: Value, event_id: &str) -> Value {
    if let Some(obj) = new_content.as_object_mut() {
        obj.remove("m.relates_to");
    }
    let star = |key: &str| {
        new_content
            .get(key)
            .and_then(Value::as_str)
            .map(|s| format!("* {s}"))
    };
    let mut outer = json!({
        "msgtype": new_content.get("msgtype").cloned().unwrap_or_else(|| json!("m.text")),
        "body": star("body").unwrap_or_default(),
        "m.mentions": {},
        "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
    });
    if let Some(html) = star("formatted_body") {
        outer["format"] = json!(HTML_FORMAT);
        outer["formatted_body"] = json!(html);
    }
    outer["m.new_content"] = new_content;
    outer
}

fn mentions_room(text: &str) -> bool {
    text.match_indices("@room").any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + 5..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '@')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == ':')
    })
}

/// `||text||` within one block becomes `<span data-mx-spoiler>`; an
/// unpaired `||` stays as typed.
fn with_spoilers<'a>(events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut out: Vec<Event<'a>> = Vec::new();
    // The unpaired marker's place in `out` and the inline depth it is at.
    let mut open: Option<(usize, usize)> = None;
    let mut depth = 0usize;
    for ev in events {
        match ev {
            Event::Text(text) if text.contains("||") => {
                for (i, piece) in text.split("||").enumerate() {
                    if i > 0 {
                        match open.take() {
                            Some((at, d)) if d == depth => {
                                out[at] = Event::Html(CowStr::Borrowed("<span data-mx-spoiler>"));
                                out.push(Event::Html(CowStr::Borrowed("</span>")));
                            }
                            _ => {
                                open = Some((out.len(), depth));
                                out.push(Event::Text(CowStr::Borrowed("||")));
                            }
                        }
                    }
                    if !piece.is_empty() {
                        out.push(Event::Text(CowStr::from(piece.to_owned())));
                    }
                }
            }
            Event::Start(ref tag) => {
                if is_inline(&tag.to_end()) {
                    depth += 1;
                } else {
                    open = None;
                }
                out.push(ev);
            }
            Event::End(ref tag) => {
                if is_inline(tag) {
                    depth = depth.saturating_sub(1);
                    open = open.filter(|(_, d)| *d <= depth);
                } else {
                    open = None;
                }
                out.push(ev);
            }
            other => out.push(other),
        }
    }
    out
}

fn is_inline(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Plain when the only structure is one paragraph of text and line breaks
/// whose text is exactly what was typed (so no escapes were consumed).
fn is_plain(events: &[Event<'_>], typed: &str) -> bool {
    let mut text = String::with_capacity(typed.len());
    let mut paragraphs = 0;
    for ev in events {
        match ev {
            Event::Start(Tag::Paragraph) => paragraphs += 1,
            Event::End(TagEnd::Paragraph) => {}
            Event::Text(t) => text.push_str(t),
            Event::HardBreak => text.push('\n'),
            _ => return false,
        }
    }
    paragraphs <= 1 && text == typed.trim()
}

/// `<p>x</p>` alone is sent as `x`, as other clients do.
fn unwrap_single_paragraph(html: &str) -> &str {
    html.strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
        .filter(|inner| !inner.contains("<p>"))
        .unwrap_or(html)
}
