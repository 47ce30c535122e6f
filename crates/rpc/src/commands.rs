//! Params and results of the commands Trellis serves.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::crypto::{
    ChangeRecoveryKeyParams, ExportKeysParams, GenerateRecoveryKeyParams, ImportKeysParams,
    ImportKeysResponse, OwnDevicesResponse, ProfileEncryptionInfo, RecoveryKeyResponse,
    RecoveryStateResponse, RequestVerificationParams, ResetEncryptionParams, RoomIdParams,
    UserIdParams, VerificationFlowParams, VerificationInfo, VerifyParams,
};
use crate::events::ClientState;
use crate::homeserver::{
    Hierarchy, MediaConfig, MutualRooms, OpenIdToken, RoomSummary, TurnServer,
};
use crate::model::{Event, JsonObject, Receipt};

/// The command table, written once: the dispatcher matches on the
/// `name::*` constants it defines, and the TypeScript generator
/// (`tests/generated_types.rs`) reads each command's params and result types
/// from it. Handlers answer JSON values, so the result types are what each
/// handler promises; the generated types hold the UI to them.
macro_rules! commands {
    ($($(#[$doc:meta])* $konst:ident = $name:literal: $params:ty => $result:ty,)*) => {
        /// Command names.
        pub mod name {
            $($(#[$doc])* pub const $konst: &str = $name;)*
        }
        // Names every type so the compiler checks it exists; evaluated at
        // compile time, nothing of it reaches the binary.
        const _: () = {
            $(let _: Option<fn($params) -> $result> = None;)*
        };
    };
}

commands! {
    GET_STATE = "get_state": NoParams => ClientState,
    CANCEL = "cancel": CancelRequestParams => bool,
    LOGIN = "login": LoginParams => bool,
    LOGIN_CUSTOM = "login_custom": LoginCustomParams => bool,
    LOGOUT = "logout": NoParams => bool,
    JOIN_ROOM = "join_room": JoinRoomParams => JoinRoomResponse,
    KNOCK_ROOM = "knock_room": JoinRoomParams => JoinRoomResponse,
    LEAVE_ROOM = "leave_room": LeaveRoomParams => bool,
    PAGINATE = "paginate": PaginateParams => PaginationResponse,
    GET_EVENT = "get_event": GetEventParams => Event,
    GET_ROOM_STATE = "get_room_state": GetRoomStateParams => Vec<Event>,
    GET_RECEIPTS = "get_receipts": GetReceiptsParams => BTreeMap<String, Vec<Receipt>>,
    SEND_MESSAGE = "send_message": SendMessageParams => Event,
    SEND_EVENT = "send_event": SendEventParams => Event,
    RESEND_EVENT = "resend_event": ResendEventParams => Event,
    /// Answers the new state event's ID.
    SET_STATE = "set_state": SetStateParams => String,
    REDACT_EVENT = "redact_event": RedactEventParams => RedactEventResponse,
    MARK_READ = "mark_read": MarkReadParams => bool,
    SET_TYPING = "set_typing": SetTypingParams => bool,
    SET_MEMBERSHIP = "set_membership": SetMembershipParams => bool,
    /// The spec's `ReqCreateRoom` fields, checked and passed to the homeserver.
    CREATE_ROOM = "create_room": JsonObject => CreateRoomResponse,
    SET_ACCOUNT_DATA = "set_account_data": SetAccountDataParams => bool,
    /// Answers the profile as the homeserver gave it.
    GET_PROFILE = "get_profile": GetProfileParams => JsonObject,
    SET_PROFILE_FIELD = "set_profile_field": SetProfileFieldParams => bool,
    /// Answers the previous mute state.
    MUTE_ROOM = "mute_room": MuteRoomParams => bool,
    GET_EVENT_CONTEXT = "get_event_context": GetEventContextParams => EventContextResponse,
    PAGINATE_MANUAL = "paginate_manual": PaginateManualParams => ManualPaginationResponse,
    /// The local full-text index; `next_batch` is an offset into the results.
    SEARCH_LOCAL = "search_local": SearchParams => ManualPaginationResponse,
    SEARCH_SERVER = "search_server": SearchServerParams => ManualPaginationResponse,
    GET_MENTIONS = "get_mentions": GetMentionsParams => Vec<Event>,
    GET_RELATED_EVENTS = "get_related_events": GetRelatedEventsParams => Vec<Event>,
    /// The room's sticky events (MSC4354) still active, oldest first.
    GET_STICKY_EVENTS = "get_sticky_events": GetStickyEventsParams => Vec<Event>,
    GET_SPECIFIC_ROOM_STATE = "get_specific_room_state": GetSpecificRoomStateParams => Vec<Event>,
    GET_ROOM_SUMMARY = "get_room_summary": GetRoomSummaryParams => RoomSummary,
    GET_SPACE_HIERARCHY = "get_space_hierarchy": GetHierarchyParams => Hierarchy,
    GET_MUTUAL_ROOMS = "get_mutual_rooms": GetMutualRoomsParams => MutualRooms,
    GET_MEDIA_CONFIG = "get_media_config": NoParams => MediaConfig,
    GET_TURN_SERVERS = "get_turn_servers": NoParams => TurnServer,
    REQUEST_OPENID_TOKEN = "request_openid_token": NoParams => OpenIdToken,
    /// Answers the room ID.
    CALCULATE_ROOM_ID = "calculate_room_id": CalculateRoomIdParams => String,
    VERIFY = "verify": VerifyParams => bool,
    GENERATE_RECOVERY_KEY = "generate_recovery_key": GenerateRecoveryKeyParams => RecoveryKeyResponse,
    RESET_ENCRYPTION = "reset_encryption": ResetEncryptionParams => bool,
    CHANGE_RECOVERY_KEY = "change_recovery_key": ChangeRecoveryKeyParams => bool,
    GET_RECOVERY_STATE = "get_recovery_state": NoParams => RecoveryStateResponse,
    TRACK_USER_DEVICES = "track_user_devices": UserIdParams => ProfileEncryptionInfo,
    GET_PROFILE_ENCRYPTION_INFO = "get_profile_encryption_info": UserIdParams => ProfileEncryptionInfo,
    RESET_MASTER_KEY_TOFU = "reset_master_key_tofu": UserIdParams => ProfileEncryptionInfo,
    GET_OWN_DEVICES = "get_own_devices": NoParams => OwnDevicesResponse,
    ENSURE_GROUP_SESSION_SHARED = "ensure_group_session_shared": RoomIdParams => bool,
    /// Answers the passphrase-encrypted export file's text.
    EXPORT_KEYS = "export_keys": ExportKeysParams => String,
    IMPORT_KEYS = "import_keys": ImportKeysParams => ImportKeysResponse,
    REQUEST_VERIFICATION = "request_verification": RequestVerificationParams => VerificationInfo,
    ACCEPT_VERIFICATION = "accept_verification": VerificationFlowParams => VerificationInfo,
    START_SAS_VERIFICATION = "start_sas_verification": VerificationFlowParams => VerificationInfo,
    SHOW_VERIFICATION_QR = "show_verification_qr": VerificationFlowParams => VerificationInfo,
    CONFIRM_VERIFICATION = "confirm_verification": VerificationFlowParams => VerificationInfo,
    MISMATCH_VERIFICATION = "mismatch_verification": VerificationFlowParams => VerificationInfo,
    CANCEL_VERIFICATION = "cancel_verification": VerificationFlowParams => VerificationInfo,
    GET_VERIFICATIONS = "get_verifications": NoParams => Vec<VerificationInfo>,
}

/// The data of commands that take none: an empty object.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NoParams {}

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

/// `mautrix.RespCreateRoom`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CreateRoomResponse {
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
    pub base_content: Option<JsonObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<JsonObject>,
    #[serde(default)]
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relates_to: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentions: Option<Mentions>,
    /// Trellis: a client-chosen ID; sending again with it returns the
    /// first send's event instead of sending twice (docs/rpc.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
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
    /// Trellis: as in `send_message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
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

/// `mautrix.RespSendEvent`, the result of `redact_event`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RedactEventResponse {
    pub event_id: String,
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

/// `search_local`: words of `search_term` (the last one as a prefix) in
/// stored messages, optionally narrowed by room, sender, time and a
/// substring of the raw content.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchParams {
    pub search_term: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_like: Option<String>,
    #[serde(default)]
    pub limit: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub senders: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_timestamp: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_timestamp: Option<i64>,
    #[serde(default)]
    pub include_redacted: bool,
    #[serde(default)]
    pub sort_by_time: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_batch: Option<String>,
}

/// `search_server`: the homeserver's `/search` over room events.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchServerParams {
    pub search_term: String,
    #[serde(default)]
    pub limit: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub senders: Option<Vec<String>>,
    #[serde(default)]
    pub sort_by_time: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_batch: Option<String>,
}

/// `get_mentions`: stored events whose unread type has a bit of `type`
/// (highlight when 0), at or before `max_timestamp`, newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetMentionsParams {
    pub max_timestamp: i64,
    #[serde(rename = "type", default)]
    pub unread_type: i64,
    #[serde(default)]
    pub limit: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_id: Option<String>,
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

/// `get_sticky_events`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetStickyEventsParams {
    pub room_id: String,
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
