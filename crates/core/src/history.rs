//! Back-pagination from the homeserver: older events are fetched through
//! the room's stored prev_batch and stored below everything we hold, so the
//! stored timeline grows backwards without gaps.

use matrix_sdk::{Client, room::MessagesOptions, ruma::api::client::filter::RoomEventFilter};
use trellis_rpc::{commands::PaginationResponse, model::Event};

use crate::{
    CoreError, Inner,
    store::{self, room, state, timeline},
    sync::event,
};

pub async fn paginate_server(
    inner: &Inner,
    client: &Client,
    own_user_id: &str,
    room_id: &str,
    limit: u32,
    reset: bool,
) -> Result<PaginationResponse, CoreError> {
    // One pagination at a time, so two never fetch the same page.
    let _guard = inner.pagination_lock.lock().await;
    let prev_batch = if reset {
        None
    } else {
        room::prev_batch(inner.store.pool(), room_id).await?
    };
    // An empty token marks the start of the room: nothing older exists.
    if prev_batch.as_deref() == Some("") {
        return Ok(PaginationResponse {
            events: Vec::new(),
            related_events: Vec::new(),
            receipts: Default::default(),
            has_more: false,
            from_server: true,
        });
    }
    let sdk_room = crate::Backend::joined_room(client, room_id)?;
    let mut options = MessagesOptions::backward().from(prev_batch.as_deref());
    options.limit = limit.clamp(1, 1000).into();
    options.filter = RoomEventFilter::with_lazy_loading();
    let page = sdk_room.messages(options).await?;

    let mut tx = inner.store.begin_write().await?;
    if reset {
        timeline::clear(&mut tx, room_id).await?;
    }
    for raw in &page.state {
        if let Ok(ev) = event::from_json(room_id, raw.json().get()) {
            let (rowid, _) = store::event::insert(&mut tx, &ev).await?;
            if let Some(key) = &ev.state_key {
                state::set_if_absent(&mut tx, room_id, &ev.event_type, key, rowid).await?;
            }
        }
    }
    let mut placed = Vec::new();
    let mut reached_create = false;
    for tev in &page.chunk {
        let ev = match event::from_timeline(room_id, own_user_id, tev) {
            Ok(ev) => ev,
            Err(e) => {
                tracing::warn!(room_id, "skipping {e}");
                continue;
            }
        };
        reached_create |= is_room_create(&ev.event_type, ev.state_key.as_deref());
        let (rowid, _) = store::event::insert(&mut tx, &ev).await?;
        if let Some(tuple) = timeline::prepend(&mut tx, room_id, rowid).await? {
            placed.push(tuple);
        }
    }
    // Some homeservers hand out a token past the create event; there is
    // nothing older, so it is dropped like an absent one.
    let end = page.end.as_deref().filter(|_| !reached_create);
    room::set_prev_batch(&mut tx, room_id, Some(end.unwrap_or(""))).await?;
    if reset {
        room::refresh_activity(&mut tx, room_id, own_user_id, 0).await?;
    }
    let rowids: Vec<_> = placed.iter().map(|t| t.event_rowid).collect();
    let mut events = store::event::by_rowids(&mut *tx, &rowids).await?;
    tx.commit().await?;
    for (e, t) in events.iter_mut().zip(&placed) {
        e.timeline_rowid = t.timeline_rowid;
    }
    Ok(PaginationResponse {
        events,
        related_events: Vec::new(),
        receipts: Default::default(),
        has_more: end.is_some(),
        from_server: true,
    })
}

/// The first event of every room: nothing on its timeline is older.
pub fn is_room_create(event_type: &str, state_key: Option<&str>) -> bool {
    event_type == "m.room.create" && state_key == Some("")
}

/// Stores events fetched from the homeserver outside the timeline (event
/// context, manual pages, single events) the way sync stores them — so
/// relations and `local_content` are filled — and returns them as stored,
/// in the order given. Events we cannot read are left out.
pub async fn store_detached(
    inner: &Inner,
    room_id: &str,
    own_user_id: &str,
    fetched: &[&matrix_sdk::deserialized_responses::TimelineEvent],
) -> Result<Vec<Event>, CoreError> {
    let mut tx = inner.store.begin_write().await?;
    let mut rowids = Vec::with_capacity(fetched.len());
    for tev in fetched {
        match event::from_timeline(room_id, own_user_id, tev) {
            Ok(ev) => rowids.push(store::event::insert(&mut tx, &ev).await?.0),
            Err(e) => tracing::warn!(room_id, "skipping {e}"),
        }
    }
    let events = store::event::by_rowids(&mut *tx, &rowids).await?;
    tx.commit().await?;
    Ok(events)
}
