//! Reading rooms: paginate, get_event, get_room_state, get_receipts.

use matrix_sdk::ruma::{
    RoomId,
    api::client::{membership::get_member_events, state::get_state_events},
};
use serde_json::Value;
use trellis_rpc::commands::{
    GetEventParams, GetReceiptsParams, GetRoomStateParams, PaginateParams, PaginationResponse,
};

use super::{event_id, to_value};
use crate::{
    Backend, CoreError, history,
    store::{self, receipt, room, state, timeline},
    sync::event,
};

pub async fn paginate(backend: &Backend, p: PaginateParams) -> Result<Value, CoreError> {
    let (client, user_id) = backend.client_and_user().await?;
    let inner = &backend.inner;
    let mut resp = if p.reset {
        history::paginate_server(inner, &client, &user_id, &p.room_id, p.limit, true).await?
    } else {
        let local = timeline::page(
            inner.store.pool(),
            &p.room_id,
            p.max_timeline_id,
            p.limit.clamp(1, 1000),
        )
        .await?;
        if local.is_empty() {
            history::paginate_server(inner, &client, &user_id, &p.room_id, p.limit, false).await?
        } else {
            // As gomuks: a page ending at the create event is the room's start.
            let has_more = !local
                .last()
                .is_some_and(|e| history::is_room_create(&e.event_type, e.state_key.as_deref()));
            PaginationResponse {
                events: local,
                related_events: Vec::new(),
                receipts: Default::default(),
                has_more,
                from_server: false,
            }
        }
    };
    resp.related_events = store::event::reply_targets(inner.store.pool(), &resp.events).await?;
    let ids: Vec<String> = resp.events.iter().map(|e| e.event_id.clone()).collect();
    resp.receipts = receipt::for_events(inner.store.pool(), &p.room_id, &ids).await?;
    to_value(&resp)
}

pub async fn get_event(backend: &Backend, p: GetEventParams) -> Result<Value, CoreError> {
    let (client, user_id) = backend.client_and_user().await?;
    let stored = store::event::by_event_id(backend.inner.store.pool(), &p.event_id).await?;
    if let Some(e) = stored.filter(|e| e.room_id == p.room_id) {
        return to_value(&e);
    }
    let eid = event_id(&p.event_id)?;
    let room = Backend::joined_room(&client, &p.room_id)?;
    let fetched = room.load_or_fetch_event(&eid, None).await?;
    history::store_detached(&backend.inner, &p.room_id, &user_id, &[&fetched])
        .await?
        .pop()
        .map_or_else(
            || {
                Err(CoreError::Homeserver(format!(
                    "the homeserver sent an unusable {eid}"
                )))
            },
            |e| to_value(&e),
        )
}

pub async fn get_room_state(backend: &Backend, p: GetRoomStateParams) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let rid = Backend::joined_room(&client, &p.room_id)?
        .room_id()
        .to_owned();
    // As gomuks: fetching waits only when the members are to be returned;
    // otherwise it runs in the background and the result reaches the
    // frontend through later reads.
    if p.fetch_members || p.refetch {
        let fetch = fetch_state(backend.clone(), client, rid, p.refetch, p.fetch_members);
        if p.include_members {
            fetch.await?;
        } else {
            tokio::spawn(async move {
                if let Err(e) = fetch.await {
                    tracing::warn!("fetching room state failed: {e}");
                }
            });
        }
    }
    let events = state::events(backend.inner.store.pool(), &p.room_id, p.include_members).await?;
    to_value(&events)
}

async fn fetch_state(
    backend: Backend,
    client: matrix_sdk::Client,
    rid: matrix_sdk::ruma::OwnedRoomId,
    all_state: bool,
    members: bool,
) -> Result<(), CoreError> {
    let state = match all_state {
        true => Some(
            client
                .send(get_state_events::v3::Request::new(rid.clone()))
                .await?,
        ),
        false => None,
    };
    let member_events = match members {
        true => Some(
            client
                .send(get_member_events::v3::Request::new(rid.clone()))
                .await?,
        ),
        false => None,
    };
    let mut tx = backend.inner.store.begin_write().await?;
    for raw in state.iter().flat_map(|s| &s.room_state) {
        store_state(&mut tx, rid.as_str(), raw.json().get()).await?;
    }
    if let Some(resp) = &member_events {
        for raw in &resp.chunk {
            store_state(&mut tx, rid.as_str(), raw.json().get()).await?;
        }
        room::set_has_member_list(&mut tx, rid.as_str()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Stores a state event fetched from the homeserver as current.
async fn store_state(tx: &mut store::Tx, room_id: &str, json: &str) -> Result<(), CoreError> {
    let Ok(ev) = event::from_json(room_id, json) else {
        return Ok(());
    };
    let (rowid, _) = store::event::insert(tx, &ev).await?;
    if let Some(key) = &ev.state_key {
        let membership = serde_json::from_str::<Value>(&ev.content)
            .ok()
            .and_then(|c| {
                c.get("membership")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
        let entry = state::Entry {
            event_type: ev.event_type.clone(),
            state_key: key.clone(),
            event_rowid: rowid,
            membership,
        };
        state::set_many(tx, room_id, &[entry]).await?;
    }
    Ok(())
}

pub async fn get_receipts(backend: &Backend, p: GetReceiptsParams) -> Result<Value, CoreError> {
    backend.client().await?;
    let _ = RoomId::parse(&p.room_id)
        .map_err(|e| CoreError::BadRequest(format!("invalid room ID: {e}")))?;
    to_value(&receipt::for_events(backend.inner.store.pool(), &p.room_id, &p.event_ids).await?)
}
