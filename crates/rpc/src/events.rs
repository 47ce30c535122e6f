//! Payloads of the events the backend sends to frontends.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::crypto::VerificationInfo;
use crate::model::{
    AccountData, Event, EventRowId, InvitedRoom, Receipt, Room, SpaceEdge, TimelineRowTuple,
};

/// The event table, written once: the `name::*` constants the backend emits
/// under, `BackendEvent` (an event as Rust values, for a frontend in the
/// backend's own process) and (read by the TypeScript generator in
/// `tests/generated_types.rs`) each event's payload type.
macro_rules! events {
    ($($(#[$doc:meta])* $variant:ident / $konst:ident = $name:literal: $payload:ty,)*) => {
        /// Event command names.
        pub mod name {
            $($(#[$doc])* pub const $konst: &str = $name;)*
        }

        /// A backend event: serialized, it is the envelope's `data`. Made
        /// once and moved into an `Arc` by the bus, so its size costs one
        /// move: boxing the large variants would cost an allocation more.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Serialize)]
        #[serde(untagged)]
        pub enum BackendEvent {
            $($(#[$doc])* $variant($payload),)*
        }

        impl BackendEvent {
            /// The envelope's `command`.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => name::$konst,)*
                }
            }
        }
    };
}

events! {
    SyncComplete / SYNC_COMPLETE = "sync_complete": SyncComplete,
    SyncStatus / SYNC_STATUS = "sync_status": SyncStatus,
    EventsDecrypted / EVENTS_DECRYPTED = "events_decrypted": EventsDecrypted,
    Typing / TYPING = "typing": Typing,
    SendComplete / SEND_COMPLETE = "send_complete": SendComplete,
    ClientState / CLIENT_STATE = "client_state": ClientState,
    InitComplete / INIT_COMPLETE = "init_complete": InitComplete,
    RunId / RUN_ID = "run_id": RunData,
    /// Trellis: a verification flow's whole state, at every change.
    Verification / VERIFICATION = "verification": VerificationInfo,
    /// Websocket only: a short-lived token for media fetches without the cookie.
    ImageAuthToken / IMAGE_AUTH_TOKEN = "image_auth_token": String,
}

/// `sync_complete`. Every field the spec lists is always sent, empty or
/// not, so frontends need no presence checks.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SyncComplete {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(default)]
    pub clear_state: bool,
    #[serde(default)]
    pub account_data: BTreeMap<String, AccountData>,
    #[serde(default)]
    pub rooms: BTreeMap<String, SyncRoom>,
    #[serde(default)]
    pub left_rooms: Vec<String>,
    #[serde(default)]
    pub invited_rooms: Vec<InvitedRoom>,
    #[serde(default)]
    pub space_edges: BTreeMap<String, Vec<SpaceEdge>>,
    /// `null` leaves the frontend's list as it is; a list replaces it.
    #[serde(default)]
    pub top_level_spaces: Option<Vec<String>>,
}

impl SyncComplete {
    pub fn is_empty(&self) -> bool {
        self.rooms.is_empty()
            && self.left_rooms.is_empty()
            && self.invited_rooms.is_empty()
            && self.account_data.is_empty()
            && self.space_edges.is_empty()
            && self.top_level_spaces.is_none()
    }
}

/// One room's part of a `sync_complete`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SyncRoom {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Room>,
    #[serde(default)]
    pub timeline: Vec<TimelineRowTuple>,
    #[serde(default)]
    pub reset: bool,
    #[serde(default)]
    pub state: BTreeMap<String, BTreeMap<String, EventRowId>>,
    #[serde(default)]
    pub account_data: BTreeMap<String, AccountData>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub receipts: BTreeMap<String, Vec<Receipt>>,
    #[serde(default)]
    pub dismiss_notifications: bool,
    #[serde(default)]
    pub notifications: Vec<SyncNotification>,
}

/// An event the push rules say should notify.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SyncNotification {
    pub event_rowid: EventRowId,
    pub sound: bool,
    pub highlight: bool,
    /// Trellis: the notification's title (the room's name), made by the
    /// backend so every frontend shows the same.
    pub title: String,
    /// Trellis: its body ("Alice: the message", display names, cut short).
    pub body: String,
}

/// `sync_status.type`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum SyncStatusType {
    #[serde(rename = "ok")]
    Ok,
    #[serde(rename = "waiting")]
    Waiting,
    #[serde(rename = "erroring")]
    Erroring,
    #[serde(rename = "permanently-failed")]
    PermanentlyFailed,
}

/// `sync_status`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SyncStatus {
    #[serde(rename = "type")]
    pub status: SyncStatusType,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error: String,
    pub error_count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync: Option<i64>,
}

impl SyncStatus {
    /// Before the first sync of a session answers, and with no session.
    pub const WAITING: Self = Self {
        status: SyncStatusType::Waiting,
        error: String::new(),
        error_count: 0,
        last_sync: None,
    };
}

/// `client_state.verification_state`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct VerificationState {
    pub is_verified: bool,
    pub state_checked: bool,
    pub has_cross_signing: bool,
    pub has_ssss: bool,
}

/// `client_state`, also the result of `get_state`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ClientState {
    pub is_initialized: bool,
    pub is_logged_in: bool,
    pub is_verified: bool,
    pub verification_state: VerificationState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homeserver_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub displayname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
}

/// `run_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunData {
    pub run_id: String,
    pub etag: String,
    pub vapid_key: String,
}

/// `init_complete` carries an empty object.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InitComplete {}

/// `typing`: the users typing in a room right now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Typing {
    pub room_id: String,
    pub user_ids: Vec<String>,
}

/// `send_complete`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendComplete {
    pub event: Event,
    pub error: Option<String>,
}

/// `events_decrypted`: events that failed to decrypt at first and now have.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventsDecrypted {
    pub room_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_event_rowid: Option<EventRowId>,
    pub events: Vec<Event>,
}
