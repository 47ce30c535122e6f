//! Timelines beside the stored one, fetched from the homeserver: the events
//! around one (jumping to an event) and manual pages from a token or of a
//! thread. Their events are stored as sync stores them, so relations and
//! `local_content` are filled, but never placed on the room's timeline,
//! which therefore keeps no gaps.

use matrix_sdk::{
    room::{IncludeRelations, MessagesOptions, RelationsOptions},
    ruma::{UInt, api::Direction, events::relation::RelationType},
};
use serde_json::Value;
use trellis_rpc::commands::{
    EventContextResponse, GetEventContextParams, ManualPaginationResponse, PaginateManualParams,
};

use super::{event_id, to_value};
use crate::{Backend, CoreError, history::store_detached};

/// What a page may hold at most; the homeserver may give fewer.
const MAX_LIMIT: u32 = 1000;

pub async fn get_event_context(
    backend: &Backend,
    p: GetEventContextParams,
) -> Result<Value, CoreError> {
    let (client, user_id) = backend.client_and_user().await?;
    let room = Backend::joined_room(&client, &p.room_id)?;
    let eid = event_id(&p.event_id)?;
    // 0 asks for the homeserver's usual context, as /context's default.
    let limit = match p.limit {
        0 => 10,
        n => n.min(MAX_LIMIT),
    };
    let ctx = room
        .event_with_context(&eid, true, UInt::from(limit), None)
        .await?;
    let target = ctx
        .event
        .ok_or_else(|| CoreError::Homeserver(format!("the homeserver sent no {eid}")))?;
    let inner = &backend.inner;
    let event = store_detached(inner, &p.room_id, &user_id, &[&target])
        .await?
        .pop()
        .ok_or_else(|| CoreError::Homeserver(format!("the homeserver sent an unusable {eid}")))?;
    let before: Vec<_> = ctx.events_before.iter().collect();
    let after: Vec<_> = ctx.events_after.iter().collect();
    to_value(&EventContextResponse {
        end: ctx.next_batch_token.unwrap_or_default(),
        start: ctx.prev_batch_token.unwrap_or_default(),
        before: store_detached(inner, &p.room_id, &user_id, &before).await?,
        event,
        after: store_detached(inner, &p.room_id, &user_id, &after).await?,
    })
}

pub async fn paginate_manual(
    backend: &Backend,
    p: PaginateManualParams,
) -> Result<Value, CoreError> {
    let (client, user_id) = backend.client_and_user().await?;
    let room = Backend::joined_room(&client, &p.room_id)?;
    let dir = match p.direction.as_str() {
        "b" => Direction::Backward,
        "f" => Direction::Forward,
        other => {
            return Err(CoreError::BadRequest(format!(
                "direction must be \"b\" or \"f\", not {other:?}"
            )));
        }
    };
    let limit = UInt::from(p.limit.clamp(1, MAX_LIMIT));
    let since = p.since.filter(|s| !s.is_empty());
    let (chunk, next_batch) = match p.thread_root.as_deref().filter(|r| !r.is_empty()) {
        Some(root) => {
            // The thread's own messages; their edits and reactions reach
            // the store's relations when they are fetched in turn.
            let opts = RelationsOptions {
                from: since,
                dir,
                limit: Some(limit),
                include_relations: IncludeRelations::RelationsOfType(RelationType::Thread),
                ..Default::default()
            };
            let page = room.relations(event_id(root)?, opts).await?;
            (page.chunk, page.next_batch_token)
        }
        None => {
            let mut opts = MessagesOptions::new(dir).from(since.as_deref());
            opts.limit = limit;
            let page = room.messages(opts).await?;
            (page.chunk, page.end)
        }
    };
    let fetched: Vec<_> = chunk.iter().collect();
    to_value(&ManualPaginationResponse {
        events: store_detached(&backend.inner, &p.room_id, &user_id, &fetched).await?,
        next_batch,
    })
}
