//! Room membership commands.

use matrix_sdk::ruma::{
    OwnedRoomOrAliasId, OwnedServerName, api::client::membership::join_room_by_id_or_alias,
};
use serde_json::Value;
use trellis_rpc::commands::{JoinRoomParams, JoinRoomResponse};

use super::to_value;
use crate::{Backend, CoreError};

pub async fn join_room(backend: &Backend, p: JoinRoomParams) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let target: OwnedRoomOrAliasId = p.room_id_or_alias.parse().map_err(|e| {
        CoreError::BadRequest(format!(
            "{:?} is not a room ID or alias: {e}",
            p.room_id_or_alias
        ))
    })?;
    if p.from_invite && !target.is_room_id() {
        return Err(CoreError::BadRequest(
            "from_invite needs a room ID, not an alias".into(),
        ));
    }
    let via = p
        .via
        .iter()
        .map(|s| s.parse::<OwnedServerName>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CoreError::BadRequest(format!("via has an invalid server name: {e}")))?;
    let mut request = join_room_by_id_or_alias::v3::Request::new(target);
    request.via = via;
    request.reason = p.reason;
    let resp = client.send(request).await?;
    to_value(&JoinRoomResponse {
        room_id: resp.room_id.to_string(),
    })
}
