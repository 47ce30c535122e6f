//! Homeserver answers that commands relay as they are (gomuks's
//! `mautrix.Resp*` types). The backend reads the homeserver's JSON into
//! these, so a malformed answer is an error rather than a surprise for the
//! frontend, and only the spec's fields reach it.

use serde::{Deserialize, Serialize};

/// What the room directory, summaries and hierarchies say about a room
/// (`mautrix.PublicRoomInfo`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublicRoomInfo {
    pub room_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_alias: Option<String>,
    #[serde(default)]
    pub guest_can_join: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub num_joined_members: i64,
    #[serde(default)]
    pub room_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(default)]
    pub world_readable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_room_ids: Option<Vec<String>>,
}

/// `get_room_summary`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoomSummary {
    #[serde(flatten)]
    pub room: PublicRoomInfo,
    /// Our membership; `leave` when the homeserver does not know the room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<String>,
}

/// `get_space_hierarchy`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hierarchy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_batch: Option<String>,
    pub rooms: Vec<ChildRoomsChunk>,
}

/// One room of a space hierarchy with its `m.space.child` events.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChildRoomsChunk {
    #[serde(flatten)]
    pub room: PublicRoomInfo,
    /// Plain JSON: a flattened struct cannot hold raw values.
    #[serde(default)]
    pub children_state: Vec<serde_json::Value>,
}

/// `get_mutual_rooms`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MutualRooms {
    pub joined: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_batch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
}

/// `get_media_config`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MediaConfig {
    #[serde(
        rename = "m.upload.size",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub upload_size: Option<i64>,
}

/// `get_turn_servers`. A homeserver without TURN answers `{}`, which
/// arrives as empty fields (no `uris`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TurnServer {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub ttl: i64,
    #[serde(default)]
    pub uris: Vec<String>,
}

/// `request_openid_token`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpenIdToken {
    pub access_token: String,
    pub expires_in: i64,
    pub matrix_server_name: String,
    pub token_type: String,
}
