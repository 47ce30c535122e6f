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
