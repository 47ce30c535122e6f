//! Reads answered from the store alone, never the homeserver:
//! `get_related_events`, `get_sticky_events` and `get_specific_room_state`.

use serde_json::Value;
use trellis_rpc::commands::{
    GetRelatedEventsParams, GetSpecificRoomStateParams, GetStickyEventsParams,
};

use super::{event_id, to_value};
use crate::{
    Backend, CoreError,
    store::{event, state},
};

/// Reactions, edits, replies, thread messages… that we hold for an event,
/// oldest first. An event we hold nothing about has none.
pub async fn get_related_events(
    backend: &Backend,
    p: GetRelatedEventsParams,
) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    Backend::joined_room(&client, &p.room_id)?;
    event_id(&p.event_id)?;
    let pool = backend.inner.store.pool();
    to_value(&event::related(pool, &p.room_id, &p.event_id, &p.relation_type).await?)
}

/// The room's events that are sticky now (MSC4354), oldest first.
pub async fn get_sticky_events(
    backend: &Backend,
    p: GetStickyEventsParams,
) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    Backend::joined_room(&client, &p.room_id)?;
    let pool = backend.inner.store.pool();
    let now = crate::sync::process::now_ms();
    to_value(&event::sticky(pool, &p.room_id, now).await?)
}

/// The current state events asked for, in the order asked; keys without
/// a state event are left out.
pub async fn get_specific_room_state(
    backend: &Backend,
    p: GetSpecificRoomStateParams,
) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    for key in &p.keys {
        Backend::joined_room(&client, &key.room_id)?;
    }
    let keys: Vec<_> = p
        .keys
        .iter()
        .map(|k| {
            (
                k.room_id.as_str(),
                k.event_type.as_str(),
                k.state_key.as_str(),
            )
        })
        .collect();
    to_value(&state::specific(backend.inner.store.pool(), &keys).await?)
}
