//! What the homeserver tells about rooms we may not be in: summaries
//! (previews before joining), space hierarchies and mutual rooms.

use matrix_sdk::ruma::OwnedRoomOrAliasId;
use serde_json::Value;
use trellis_rpc::{
    commands::{GetHierarchyParams, GetMutualRoomsParams, GetRoomSummaryParams},
    homeserver::{Hierarchy, MutualRooms, RoomSummary},
};

use super::{room_id, to_value, user_id};
use crate::{Backend, CoreError, homeserver::Call};

/// `GET /v1/room_summary/{room}` (Matrix 1.15).
pub async fn get_room_summary(
    backend: &Backend,
    p: GetRoomSummaryParams,
) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let room: OwnedRoomOrAliasId = p.room_id_or_alias.parse().map_err(|e| {
        CoreError::BadRequest(format!(
            "{:?} is not a room ID or alias: {e}",
            p.room_id_or_alias
        ))
    })?;
    let query: Vec<_> = p.via.iter().map(|s| ("via", s.as_str())).collect();
    let summary: RoomSummary = Call {
        path: &["v1", "room_summary", room.as_str()],
        query: &query,
        post: None,
    }
    .send(&client)
    .await?;
    to_value(&summary)
}

/// `GET /v1/rooms/{room}/hierarchy`.
pub async fn get_space_hierarchy(
    backend: &Backend,
    p: GetHierarchyParams,
) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let rid = room_id(&p.room_id)?;
    let limit = p.limit.to_string();
    let max_depth = p.max_depth.map(|d| d.to_string());
    let mut query = Vec::new();
    if let Some(from) = p.from.as_deref().filter(|f| !f.is_empty()) {
        query.push(("from", from));
    }
    // 0 leaves the page size to the homeserver.
    if p.limit > 0 {
        query.push(("limit", limit.as_str()));
    }
    if let Some(depth) = &max_depth {
        query.push(("max_depth", depth.as_str()));
    }
    if p.suggested_only {
        query.push(("suggested_only", "true"));
    }
    let hierarchy: Hierarchy = Call {
        path: &["v1", "rooms", rid.as_str(), "hierarchy"],
        query: &query,
        post: None,
    }
    .send(&client)
    .await?;
    to_value(&hierarchy)
}

/// MSC2666, at the `v1` path Synapse serves (`/v1/mutual_rooms?user_id=`).
/// A homeserver without it answers `M_UNRECOGNIZED`, which is the error.
pub async fn get_mutual_rooms(
    backend: &Backend,
    p: GetMutualRoomsParams,
) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let uid = user_id(&p.user_id)?;
    let mut query = vec![("user_id", uid.as_str())];
    if let Some(from) = p.next_batch.as_deref().filter(|f| !f.is_empty()) {
        query.push(("from", from));
    }
    let rooms: MutualRooms = Call {
        path: &["v1", "mutual_rooms"],
        query: &query,
        post: None,
    }
    .send(&client)
    .await?;
    to_value(&rooms)
}
