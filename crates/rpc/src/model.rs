//! The database objects the RPC exposes (gomuks's `database.*` types).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// A JSON object passed through as it is. Raw JSON fields
/// (`Box<RawValue>`) hold one too: event content, unsigned data, request
/// bodies, which the Matrix spec makes objects.
pub type JsonObject = serde_json::Map<String, serde_json::Value>;

pub type EventRowId = i64;
pub type TimelineRowId = i64;

/// Unread bitmask of an event: which counters it raises.
pub mod unread_type {
    pub const NORMAL: i64 = 1;
    pub const NOTIFY: i64 = 2;
    pub const HIGHLIGHT: i64 = 4;
    pub const SOUND: i64 = 8;
}

fn is_false(b: &bool) -> bool {
    !*b
}
fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// `database.Event`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub rowid: EventRowId,
    #[serde(default)]
    pub timeline_rowid: TimelineRowId,
    pub room_id: String,
    pub event_id: String,
    pub sender: String,
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_key: Option<String>,
    pub timestamp: i64,
    pub content: Box<RawValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decrypted: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decrypted_type: Option<String>,
    /// Absent (local echoes) is kept as `None` in the store, which tells
    /// echoes apart; frontends read fields of it unchecked, so it goes out
    /// as `{}`.
    #[serde(default, serialize_with = "unsigned_or_empty")]
    pub unsigned: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_content: Option<LocalContent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redacted_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relates_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decryption_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reactions: Option<BTreeMap<String, i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_edit_rowid: Option<EventRowId>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unread_type: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticky_duration_ms: Option<i64>,
}

fn unsigned_or_empty<S: serde::Serializer>(
    unsigned: &Option<Box<RawValue>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match unsigned.as_deref().filter(|u| u.get() != "null") {
        Some(raw) => raw.serialize(serializer),
        None => serde_json::Map::new().serialize(serializer),
    }
}

/// `database.LocalContent`: what the backend derived from an event's content.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LocalContent {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sanitized_html: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub html_version: i64,
    #[serde(default, skip_serializing_if = "is_false")]
    pub was_plaintext: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub big_emoji: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub has_math: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub edit_source: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub reply_fallback_removed: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub push_rule_id: String,
}

/// How good a room's name is, in gomuks's order.
pub mod name_quality {
    pub const NIL: i64 = 0;
    pub const PARTICIPANTS: i64 = 1;
    pub const CANONICAL_ALIAS: i64 = 2;
    pub const EXPLICIT: i64 = 3;
}

/// `database.Room`: a joined room's metadata as the room list needs it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Room {
    pub room_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_content: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tombstone: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub name_quality: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    pub explicit_avatar: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dm_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_alias: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lazy_load_summary: Option<LazyLoadSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_event: Option<Box<RawValue>>,
    pub has_member_list: bool,
    pub preview_event_rowid: EventRowId,
    pub sorting_timestamp: i64,
    pub unread_highlights: i64,
    pub unread_notifications: i64,
    pub unread_messages: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marked_unread: Option<bool>,
}

/// The `summary` block of a sync room (heroes and member counts).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LazyLoadSummary {
    #[serde(rename = "m.heroes", default, skip_serializing_if = "Vec::is_empty")]
    pub heroes: Vec<String>,
    #[serde(
        rename = "m.joined_member_count",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub joined_member_count: Option<i64>,
    #[serde(
        rename = "m.invited_member_count",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub invited_member_count: Option<i64>,
}

/// `database.TimelineRowTuple`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct TimelineRowTuple {
    pub timeline_rowid: TimelineRowId,
    pub event_rowid: EventRowId,
}

/// `database.Receipt`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Receipt {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub room_id: String,
    pub user_id: String,
    pub receipt_type: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub thread_id: String,
    pub event_id: String,
    pub timestamp: i64,
}

/// `database.AccountData`, global or per room.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountData {
    pub user_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub room_id: String,
    #[serde(rename = "type")]
    pub data_type: String,
    pub content: Box<RawValue>,
}

/// `database.InvitedRoom`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvitedRoom {
    pub room_id: String,
    pub created_at: i64,
    /// Stripped state events, passed through as the homeserver sent them.
    pub invite_state: Vec<Box<RawValue>>,
}

/// `database.SpaceEdge`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SpaceEdge {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub space_id: String,
    pub child_id: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub child_event_rowid: EventRowId,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub order: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub suggested: bool,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub parent_event_rowid: EventRowId,
    #[serde(default, skip_serializing_if = "is_false")]
    pub canonical: bool,
}
