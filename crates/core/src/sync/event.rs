//! Turning raw Matrix events into rows for the `event` table.

use matrix_sdk::{
    deserialized_responses::{TimelineEvent, TimelineEventKind},
    ruma::push::Action,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use trellis_rpc::model::unread_type;

use crate::store::event::NewEvent;

/// The envelope fields of any room event, borrowed from its JSON.
#[derive(Deserialize)]
struct Fields<'a> {
    event_id: Option<String>,
    sender: Option<String>,
    #[serde(rename = "type")]
    event_type: String,
    state_key: Option<String>,
    #[serde(default)]
    origin_server_ts: i64,
    #[serde(borrow)]
    content: Option<&'a RawValue>,
    #[serde(borrow)]
    unsigned: Option<&'a RawValue>,
    redacts: Option<String>,
    /// MSC4354 sticky events, under their unstable name.
    #[serde(rename = "msc4354_sticky")]
    sticky: Option<Sticky>,
}

#[derive(Deserialize)]
struct Sticky {
    duration_ms: i64,
}

/// The parts of content the store indexes.
#[derive(Deserialize, Default)]
struct ContentFields {
    #[serde(rename = "m.relates_to")]
    relates_to: Option<RelatesTo>,
    redacts: Option<String>,
}

#[derive(Deserialize)]
struct RelatesTo {
    rel_type: Option<String>,
    event_id: Option<String>,
    key: Option<String>,
    #[serde(rename = "m.in_reply_to")]
    in_reply_to: Option<InReplyTo>,
}

#[derive(Deserialize)]
struct InReplyTo {
    event_id: Option<String>,
}

/// Why an event could not be stored.
#[derive(Debug, thiserror::Error)]
#[error("unusable event from the homeserver: {0}")]
pub struct BadEvent(String);

/// Picks a raw event apart: the columns of any event, relations included.
/// Timeline events go through `from_timeline`, which adds `local_content`.
pub fn from_json(room_id: &str, json: &str) -> Result<NewEvent, BadEvent> {
    let f: Fields<'_> = serde_json::from_str(json).map_err(|e| BadEvent(e.to_string()))?;
    let event_id = f.event_id.ok_or_else(|| BadEvent("no event_id".into()))?;
    let sender = f
        .sender
        .ok_or_else(|| BadEvent(format!("{event_id} has no sender")))?;
    let content = f
        .content
        .map_or_else(|| "{}".to_owned(), |c| c.get().to_owned());
    let mut event = NewEvent {
        room_id: room_id.to_owned(),
        event_id,
        sender,
        event_type: f.event_type,
        state_key: f.state_key,
        timestamp: f.origin_server_ts,
        content,
        decrypted: None,
        decrypted_type: None,
        unsigned: f.unsigned.map(|u| u.get().to_owned()),
        redacts: f.redacts,
        relates_to: None,
        relation_type: None,
        reaction_key: None,
        megolm_session_id: None,
        decryption_error: None,
        unread_type: 0,
        transaction_id: f.unsigned.and_then(|u| {
            #[derive(Deserialize)]
            struct Unsigned {
                transaction_id: Option<String>,
            }
            serde_json::from_str::<Unsigned>(u.get())
                .ok()?
                .transaction_id
        }),
        local_content: None,
        sticky_duration_ms: f.sticky.as_ref().map(|s| s.duration_ms),
        sticky_until: f.sticky.as_ref().map(|s| {
            crate::store::event::sticky_until(
                f.origin_server_ts,
                s.duration_ms,
                super::process::now_ms(),
            )
        }),
    };
    index_relations(&mut event);
    Ok(event)
}

/// Fills the relation and redaction columns from the (decrypted) content.
pub(crate) fn index_relations(e: &mut NewEvent) {
    let source = e.decrypted.as_deref().unwrap_or(&e.content);
    let c: ContentFields = serde_json::from_str(source).unwrap_or_default();
    if e.redacts.is_none() && e.event_type == "m.room.redaction" {
        e.redacts = c.redacts;
    }
    if let Some(rel) = c.relates_to {
        match (rel.rel_type, rel.event_id) {
            (Some(rel_type), Some(target)) => {
                if rel_type == "m.annotation" {
                    e.reaction_key = rel.key;
                }
                e.relation_type = Some(rel_type);
                e.relates_to = Some(target);
            }
            _ => {
                if let Some(target) = rel.in_reply_to.and_then(|r| r.event_id) {
                    e.relation_type = Some("m.in_reply_to".to_owned());
                    e.relates_to = Some(target);
                }
            }
        }
    }
}

/// Fills `local_content` from the (decrypted) content. Every stored timeline
/// event passes here; a local echo arrives with its own, which keeps the
/// typed text as edit_source.
pub(crate) fn fill_local_content(e: &mut NewEvent, own_user_id: &str) {
    if e.local_content.is_some() {
        return;
    }
    let source = e.decrypted.as_deref().unwrap_or(&e.content);
    let event_type = e.decrypted_type.as_deref().unwrap_or(&e.event_type);
    e.local_content = crate::content::local_content_json(
        event_type,
        source,
        e.relation_type.as_deref(),
        e.sender == own_user_id,
    );
}

/// A timeline event as matrix-sdk hands it over, decrypted where it could.
pub fn from_timeline(
    room_id: &str,
    own_user_id: &str,
    ev: &TimelineEvent,
) -> Result<NewEvent, BadEvent> {
    let mut event = match &ev.kind {
        TimelineEventKind::PlainText { event } => from_json(room_id, event.json().get())?,
        TimelineEventKind::UnableToDecrypt { event, utd_info } => {
            let mut e = from_json(room_id, event.json().get())?;
            e.megolm_session_id = utd_info.session_id.clone();
            e.decryption_error = Some(crate::crypto::utd::describe(&utd_info.reason, e.timestamp));
            e
        }
        TimelineEventKind::Decrypted(d) => {
            // matrix-sdk gives the cleartext event; the ciphertext is not kept.
            let mut e = from_json(room_id, d.event.json().get())?;
            let info = &d.encryption_info;
            let session_id = info.session_id().map(str::to_owned);
            e.decrypted_type = Some(std::mem::replace(
                &mut e.event_type,
                "m.room.encrypted".to_owned(),
            ));
            // What is left of the envelope, and the device the key came
            // from, whose trust a frontend can show beside the message.
            let envelope = serde_json::json!({
                "algorithm": "m.megolm.v1.aes-sha2",
                "session_id": session_id,
                "device_id": info.sender_device.as_ref().map(|d| d.as_str()),
            });
            e.decrypted = Some(std::mem::replace(&mut e.content, envelope.to_string()));
            e.megolm_session_id = session_id;
            index_relations(&mut e);
            e
        }
    };
    fill_local_content(&mut event, own_user_id);
    event.unread_type = unread_type_of(&event, own_user_id, ev.push_actions());
    Ok(event)
}

/// Which unread counters an event raises, from its push actions.
pub fn unread_type_of(e: &NewEvent, own_user_id: &str, actions: Option<&[Action]>) -> i64 {
    let effective_type = e.decrypted_type.as_deref().unwrap_or(&e.event_type);
    let counts = matches!(
        effective_type,
        "m.room.message" | "m.sticker" | "m.poll.start" | "m.room.encrypted"
    ) && e.sender != own_user_id
        && e.state_key.is_none()
        && e.relation_type.as_deref() != Some("m.replace");
    if !counts {
        return 0;
    }
    let mut unread = unread_type::NORMAL;
    for action in actions.unwrap_or_default() {
        if action.should_notify() {
            unread |= unread_type::NOTIFY;
        }
        if action.is_highlight() {
            unread |= unread_type::HIGHLIGHT;
        }
        if action.sound().is_some() {
            unread |= unread_type::SOUND;
        }
    }
    unread
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_are_indexed() {
        let edit = from_json(
            "!r:x",
            r#"{"event_id":"$e","sender":"@a:x","type":"m.room.message","origin_server_ts":5,
                "content":{"body":"* hi","m.new_content":{"body":"hi"},
                "m.relates_to":{"rel_type":"m.replace","event_id":"$orig"}}}"#,
        )
        .unwrap();
        assert_eq!(edit.relation_type.as_deref(), Some("m.replace"));
        assert_eq!(edit.relates_to.as_deref(), Some("$orig"));

        let reaction = from_json(
            "!r:x",
            r#"{"event_id":"$r","sender":"@a:x","type":"m.reaction","origin_server_ts":5,
                "content":{"m.relates_to":{"rel_type":"m.annotation","event_id":"$m","key":"👍"}}}"#,
        )
        .unwrap();
        assert_eq!(reaction.reaction_key.as_deref(), Some("👍"));

        let reply = from_json(
            "!r:x",
            r#"{"event_id":"$p","sender":"@a:x","type":"m.room.message","origin_server_ts":5,
                "content":{"body":"yes","m.relates_to":{"m.in_reply_to":{"event_id":"$q"}}}}"#,
        )
        .unwrap();
        assert_eq!(reply.relation_type.as_deref(), Some("m.in_reply_to"));
        assert_eq!(reply.relates_to.as_deref(), Some("$q"));

        let redaction = from_json(
            "!r:x",
            r#"{"event_id":"$x","sender":"@a:x","type":"m.room.redaction","origin_server_ts":5,
                "content":{"redacts":"$m"}}"#,
        )
        .unwrap();
        assert_eq!(redaction.redacts.as_deref(), Some("$m"));
    }

    #[test]
    fn malformed_events_are_refused_not_panicked_on() {
        assert!(from_json("!r:x", "not json").is_err());
        assert!(from_json("!r:x", r#"{"type":"m.room.message","sender":"@a:x"}"#).is_err());
        assert!(from_json("!r:x", r#"{"event_id":"$1","type":"m.room.message"}"#).is_err());
        // Content that is not an object is stored as is, without relations.
        let odd = from_json(
            "!r:x",
            r#"{"event_id":"$1","sender":"@a:x","type":"t","content":[1]}"#,
        )
        .unwrap();
        assert_eq!(odd.content, "[1]");
    }

    #[test]
    fn own_messages_and_edits_are_not_unread() {
        let mut e = from_json(
            "!r:x",
            r#"{"event_id":"$1","sender":"@me:x","type":"m.room.message","content":{"body":"x"}}"#,
        )
        .unwrap();
        assert_eq!(unread_type_of(&e, "@me:x", None), 0);
        assert_eq!(unread_type_of(&e, "@other:x", None), unread_type::NORMAL);
        e.relation_type = Some("m.replace".into());
        assert_eq!(unread_type_of(&e, "@other:x", None), 0);
    }
}
