//! Params and results of the commands Trellis serves.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// Command names.
pub mod name {
    pub const GET_STATE: &str = "get_state";
    pub const CANCEL: &str = "cancel";
    pub const LOGIN: &str = "login";
    pub const LOGIN_CUSTOM: &str = "login_custom";
    pub const LOGOUT: &str = "logout";
    pub const JOIN_ROOM: &str = "join_room";
    pub const KNOCK_ROOM: &str = "knock_room";
    pub const LEAVE_ROOM: &str = "leave_room";
    pub const PAGINATE: &str = "paginate";
    pub const GET_EVENT: &str = "get_event";
    pub const GET_ROOM_STATE: &str = "get_room_state";
    pub const GET_RECEIPTS: &str = "get_receipts";
    pub const SEND_MESSAGE: &str = "send_message";
    pub const SEND_EVENT: &str = "send_event";
    pub const RESEND_EVENT: &str = "resend_event";
    pub const SET_STATE: &str = "set_state";
    pub const REDACT_EVENT: &str = "redact_event";
    pub const MARK_READ: &str = "mark_read";
    pub const SET_TYPING: &str = "set_typing";
    pub const SET_MEMBERSHIP: &str = "set_membership";
    pub const CREATE_ROOM: &str = "create_room";
    pub const SET_ACCOUNT_DATA: &str = "set_account_data";
    pub const GET_PROFILE: &str = "get_profile";
    pub const SET_PROFILE_FIELD: &str = "set_profile_field";
    pub const MUTE_ROOM: &str = "mute_room";
    pub const GET_EVENT_CONTEXT: &str = "get_event_context";
    pub const PAGINATE_MANUAL: &str = "paginate_manual";
    pub const GET_RELATED_EVENTS: &str = "get_related_events";
    pub const GET_SPECIFIC_ROOM_STATE: &str = "get_specific_room_state";
    pub const GET_ROOM_SUMMARY: &str = "get_room_summary";
    pub const GET_SPACE_HIERARCHY: &str = "get_space_hierarchy";
    pub const GET_MUTUAL_ROOMS: &str = "get_mutual_rooms";
    pub const GET_MEDIA_CONFIG: &str = "get_media_config";
    pub const GET_TURN_SERVERS: &str = "get_turn_servers";
    pub const REQUEST_OPENID_TOKEN: &str = "request_openid_token";
    pub const CALCULATE_ROOM_ID: &str = "calculate_room_id";
}

/// `cancel`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelRequestParams {
    pub request_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `login`: the homeserver may be a URL or a bare server name, the username a
/// localpart or a full user ID.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginParams {
    pub homeserver_url: String,
    pub username: String,
    pub password: String,
}

// Hand-written so a password never reaches a log line through `{:?}`.
impl std::fmt::Debug for LoginParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginParams")
            .field("homeserver_url", &self.homeserver_url)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// `login_custom`: a raw `/login` request body, sent as it is.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginCustomParams {
    pub homeserver_url: String,
    pub request: Box<RawValue>,
}

impl std::fmt::Debug for LoginCustomParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginCustomParams")
            .field("homeserver_url", &self.homeserver_url)
            .finish_non_exhaustive()
    }
}

/// `join_room` and `knock_room`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinRoomParams {
    pub room_id_or_alias: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default)]
    pub from_invite: bool,
}

/// `mautrix.RespJoinRoom`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JoinRoomResponse {
    pub room_id: String,
}

/// `leave_room`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeaveRoomParams {
    pub room_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `paginate`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaginateParams {
    pub room_id: String,
    #[serde(default)]
    pub max_timeline_id: i64,
    pub limit: u32,
    #[serde(default)]
    pub reset: bool,
}

/// The result of `paginate`: newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaginationResponse {
    pub events: Vec<crate::model::Event>,
    /// Events the page refers to (reply targets) that are not in it.
    pub related_events: Vec<crate::model::Event>,
    pub receipts: std::collections::BTreeMap<String, Vec<crate::model::Receipt>>,
    pub has_more: bool,
    pub from_server: bool,
}

/// `get_event`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetEventParams {
    pub room_id: String,
    pub event_id: String,
    #[serde(default)]
    pub unredact: bool,
}

/// `get_room_state`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetRoomStateParams {
    pub room_id: String,
    #[serde(default)]
    pub refetch: bool,
    #[serde(default)]
    pub fetch_members: bool,
    #[serde(default)]
    pub include_members: bool,
}

/// `get_receipts`: the receipts on each of the given events.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetReceiptsParams {
    pub room_id: String,
    pub event_ids: Vec<String>,
}

/// `send_message`: text is markdown unless base_content says otherwise.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendMessageParams {
    pub room_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_content: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relates_to: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentions: Option<Mentions>,
}

/// `m.mentions`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Mentions {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub room: bool,
}

/// `send_event`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendEventParams {
    pub room_id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub content: Box<RawValue>,
    #[serde(default)]
    pub disable_encryption: bool,
    #[serde(default)]
    pub synchronous: bool,
}

/// `resend_event`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResendEventParams {
    pub transaction_id: String,
}

/// `set_state`: returns the new event's ID.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetStateParams {
    pub room_id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(default)]
    pub state_key: String,
    pub content: Box<RawValue>,
}

/// `redact_event`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RedactEventParams {
    pub room_id: String,
    pub event_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `mark_read`: moves a receipt (m.read, m.read.private) or the read
/// marker (m.fully_read) to an event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MarkReadParams {
    pub room_id: String,
    pub event_id: String,
    pub receipt_type: String,
}

/// `set_typing`: timeout in milliseconds; 0 stops typing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetTypingParams {
    pub room_id: String,
    #[serde(default)]
    pub timeout: u64,
}

/// `set_membership`: invite, kick, ban or unban.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetMembershipParams {
    pub action: String,
    pub room_id: String,
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default)]
    pub msc4293_redact_events: bool,
}

/// `set_account_data`: room data when room_id is set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetAccountDataParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_id: Option<String>,
    #[serde(rename = "type")]
    pub data_type: String,
    pub content: Box<RawValue>,
}

/// `get_profile`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetProfileParams {
    pub user_id: String,
}

/// `set_profile_field`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetProfileFieldParams {
    pub field: String,
    #[serde(default)]
    pub value: serde_json::Value,
}

/// `mute_room`: answers the previous mute state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MuteRoomParams {
    pub room_id: String,
    pub muted: bool,
}

/// `get_event_context`: `limit` events around the event (the homeserver's
/// default when 0).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetEventContextParams {
    pub room_id: String,
    pub event_id: String,
    #[serde(default)]
    pub limit: u32,
}

/// The result of `get_event_context`: `before` newest first and `after`
/// oldest first, as the homeserver's `/context` orders them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventContextResponse {
    pub end: String,
    pub start: String,
    pub before: Vec<crate::model::Event>,
    pub event: crate::model::Event,
    pub after: Vec<crate::model::Event>,
}

/// `paginate_manual`: `/messages` from a token, or a thread's events
/// (`/relations/{thread_root}/m.thread`) when `thread_root` is set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaginateManualParams {
    pub room_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_root: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// `b` (backwards) or `f` (forwards).
    pub direction: String,
    pub limit: u32,
}

/// The result of `paginate_manual`, in the order the homeserver gave.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManualPaginationResponse {
    pub events: Vec<crate::model::Event>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_batch: Option<String>,
}

/// `get_related_events`: stored events relating to one; all relation types
/// when `relation_type` is empty.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetRelatedEventsParams {
    pub room_id: String,
    pub event_id: String,
    #[serde(default)]
    pub relation_type: String,
}

/// `get_specific_room_state`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetSpecificRoomStateParams {
    pub keys: Vec<RoomStateGuid>,
}

/// One state event's address (`database.RoomStateGUID`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoomStateGuid {
    pub room_id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(default)]
    pub state_key: String,
}

/// `get_room_summary`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetRoomSummaryParams {
    pub room_id_or_alias: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
}

/// `get_space_hierarchy`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetHierarchyParams {
    pub room_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default)]
    pub limit: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_depth: Option<u32>,
    #[serde(default)]
    pub suggested_only: bool,
}

/// `get_mutual_rooms`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetMutualRoomsParams {
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_batch: Option<String>,
}

/// `calculate_room_id`: the ID a v12+ room gets when its create event has
/// this content and timestamp and we send it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CalculateRoomIdParams {
    pub timestamp: i64,
    pub content: Box<RawValue>,
}
