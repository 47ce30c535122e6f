//! The text of a notification, made once here and carried in
//! `SyncNotification.title` and `.body`, so the desktop shell and the web
//! UI say the same: the room's name, and who said what (display names, as
//! the room's member state has them).

use serde::Deserialize;
use serde_json::value::RawValue;
use trellis_rpc::{
    events::SyncNotification,
    model::{Event, EventRowId, Room, unread_type},
};

use crate::store::{StoreResult, Tx, state};

/// The most characters of the message a body shows.
pub const BODY_CHARS: usize = 140;

/// The notifications for the `(rowid, unread_type)` of events that notify,
/// read from `events` (the ones the same `sync_complete` carries) and the
/// member state in `tx`. An event not among `events` gets none.
pub async fn describe(
    tx: &mut Tx,
    room_id: &str,
    meta: Option<&Room>,
    events: &[Event],
    notifying: &[(EventRowId, i64)],
) -> StoreResult<Vec<SyncNotification>> {
    let mut out = Vec::with_capacity(notifying.len());
    for &(rowid, unread) in notifying {
        let Some(ev) = events.iter().find(|e| e.rowid == rowid) else {
            continue;
        };
        let member = state::content(tx, room_id, "m.room.member", &ev.sender).await?;
        let sender = crate::sync::meta::text_field(member.as_deref(), "displayname");
        out.push(SyncNotification {
            event_rowid: rowid,
            sound: unread & unread_type::SOUND != 0,
            highlight: unread & unread_type::HIGHLIGHT != 0,
            title: title(room_id, meta),
            body: body(ev, sender.as_deref(), meta),
        });
    }
    Ok(out)
}

/// The room's name, else its alias, else its ID.
pub fn title(room_id: &str, meta: Option<&Room>) -> String {
    meta.and_then(|m| m.name.clone().or_else(|| m.canonical_alias.clone()))
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| room_id.to_owned())
}

/// "Alice: the message", cut at `BODY_CHARS`; without the name in a DM
/// from its partner, whose name is the title already.
pub fn body(ev: &Event, display_name: Option<&str>, meta: Option<&Room>) -> String {
    let name = display_name.unwrap_or_else(|| localpart(&ev.sender));
    let in_dm = meta.and_then(|m| m.dm_user_id.as_deref()) == Some(ev.sender.as_str());
    let text = match what(ev) {
        What::Emote(action) => format!("* {name} {action}"),
        What::Text(text) if in_dm => text,
        What::Text(text) => format!("{name}: {text}"),
    };
    shorten(&text)
}

/// A user ID's localpart: what is left to show without a display name.
fn localpart(user_id: &str) -> &str {
    user_id
        .strip_prefix('@')
        .and_then(|rest| rest.split(':').next())
        .unwrap_or(user_id)
}

enum What {
    Text(String),
    Emote(String),
}

/// The message in words: its body, what kind of media it is, or why it
/// cannot be read.
fn what(ev: &Event) -> What {
    #[derive(Deserialize)]
    struct Content {
        msgtype: Option<String>,
        body: Option<String>,
        #[serde(rename = "m.new_content")]
        new_content: Option<Box<RawValue>>,
    }
    let text = |s: &str| What::Text(s.to_owned());
    if ev.redacted_by.is_some() {
        return text("Message deleted");
    }
    let (event_type, content) = match (&ev.decrypted_type, &ev.decrypted) {
        (Some(t), Some(c)) => (t.as_str(), c.get()),
        _ => (ev.event_type.as_str(), ev.content.get()),
    };
    if event_type == "m.room.encrypted" {
        return text("Encrypted message");
    }
    if event_type == "m.sticker" {
        return text("Sticker");
    }
    let Ok(mut c) = serde_json::from_str::<Content>(content) else {
        return text("New message");
    };
    // An edit notifies with its new text.
    if ev.relation_type.as_deref() == Some("m.replace")
        && let Some(new) = c
            .new_content
            .take()
            .and_then(|n| serde_json::from_str::<Content>(n.get()).ok())
    {
        c = new;
    }
    let body = c.body.filter(|b| !b.trim().is_empty());
    match (c.msgtype.as_deref(), body) {
        (Some("m.image"), _) => text("Image"),
        (Some("m.video"), _) => text("Video"),
        (Some("m.audio"), _) => text("Audio"),
        (Some("m.file"), None) => text("File"),
        (Some("m.emote"), Some(b)) => What::Emote(b),
        (_, Some(b)) => What::Text(b),
        (_, None) => text("New message"),
    }
}

/// One line, at most `BODY_CHARS` characters and an ellipsis.
fn shorten(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(BODY_CHARS) {
        Some((cut, _)) => format!("{}…", line[..cut].trim_end()),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event(content: serde_json::Value) -> Event {
        serde_json::from_value(json!({
            "rowid": 7, "room_id": "!r:x", "event_id": "$e", "sender": "@alice:x",
            "type": "m.room.message", "timestamp": 1, "content": content,
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn room(name: Option<&str>, dm_user_id: Option<&str>) -> Room {
        serde_json::from_value(json!({
            "room_id": "!r:x", "name": name, "name_quality": 3, "explicit_avatar": false,
            "has_member_list": false, "preview_event_rowid": 7, "sorting_timestamp": 1,
            "unread_messages": 1, "unread_notifications": 1, "unread_highlights": 0,
            "dm_user_id": dm_user_id,
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_display_name_not_the_localpart() {
        let ev = event(json!({"msgtype": "m.text", "body": "lunch   at\nnoon?"}));
        let team = room(Some("Team"), None);
        assert_eq!(title("!r:x", Some(&team)), "Team");
        assert_eq!(
            body(&ev, Some("Alice Liddell"), Some(&team)),
            "Alice Liddell: lunch at noon?"
        );
        // Only without a display name does the localpart stand in.
        assert_eq!(body(&ev, None, Some(&team)), "alice: lunch at noon?");
        // In a DM from its partner the title is their name already.
        let dm = room(Some("Alice Liddell"), Some("@alice:x"));
        assert_eq!(
            body(&ev, Some("Alice Liddell"), Some(&dm)),
            "lunch at noon?"
        );
        assert_eq!(title("!r:x", Some(&room(None, None))), "!r:x");
    }

    #[test]
    fn encrypted_media_and_emotes() {
        let mut locked = event(json!({"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "…"}));
        locked.event_type = "m.room.encrypted".into();
        locked.decryption_error = Some("no key".into());
        assert_eq!(
            body(&locked, Some("Alice"), None),
            "Alice: Encrypted message"
        );
        // Decrypted, it reads as its cleartext.
        locked.decrypted_type = Some("m.room.message".into());
        locked.decrypted =
            RawValue::from_string(r#"{"msgtype":"m.text","body":"psst"}"#.into()).ok();
        locked.decryption_error = None;
        assert_eq!(body(&locked, Some("Alice"), None), "Alice: psst");
        let image = event(json!({"msgtype": "m.image", "body": "cat.png", "url": "mxc://x/y"}));
        assert_eq!(body(&image, Some("Alice"), None), "Alice: Image");
        let file = event(json!({"msgtype": "m.file", "body": "report.pdf"}));
        assert_eq!(body(&file, Some("Alice"), None), "Alice: report.pdf");
        let emote = event(json!({"msgtype": "m.emote", "body": "waves"}));
        assert_eq!(body(&emote, Some("Alice"), None), "* Alice waves");
        let mut edit = event(json!({"msgtype": "m.text", "body": "* fixed",
                                    "m.new_content": {"msgtype": "m.text", "body": "fixed"}}));
        edit.relation_type = Some("m.replace".into());
        assert_eq!(body(&edit, Some("Alice"), None), "Alice: fixed");
        let mention = event(json!({"msgtype": "m.text", "body": "Bob: lunch?",
                                   "m.mentions": {"user_ids": ["@bob:x"]}}));
        assert_eq!(body(&mention, Some("Alice"), None), "Alice: Bob: lunch?");
    }

    #[test]
    fn long_bodies_are_cut_short() {
        let ev = event(json!({"msgtype": "m.text", "body": "word ".repeat(100)}));
        let text = body(&ev, Some("Alice"), None);
        assert_eq!(text.chars().count(), BODY_CHARS + 1, "{text}");
        assert!(
            text.starts_with("Alice: word word") && text.ends_with('…'),
            "{text}"
        );
        // Cut by characters, never inside one.
        let wide = event(json!({"msgtype": "m.text", "body": "é".repeat(300)}));
        assert_eq!(body(&wide, None, None).chars().count(), BODY_CHARS + 1);
    }
}
