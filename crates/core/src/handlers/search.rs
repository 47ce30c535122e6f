//! Finding messages: `search_local` (the store's full-text index, which
//! holds encrypted rooms' cleartext too), `search_server` (the homeserver's
//! `/search`) and `get_mentions` (stored events that notified us).

use std::collections::BTreeMap;

use matrix_sdk::{deserialized_responses::TimelineEvent, ruma::serde::Raw};
use serde::Deserialize;
use serde_json::{Value, json, value::RawValue};
use trellis_rpc::{
    commands::{GetMentionsParams, ManualPaginationResponse, SearchParams, SearchServerParams},
    model::{Event, unread_type},
};

use super::{room_id, to_value, user_id};
use crate::{
    Backend, CoreError,
    history::store_detached,
    homeserver::Call,
    store::{
        event,
        search::{self, Filters, query},
    },
};

/// Page size when none is asked for, and the most a page may hold.
const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 1000;

fn page_size(limit: u32) -> i64 {
    i64::from(match limit {
        0 => DEFAULT_LIMIT,
        n => n.min(MAX_LIMIT),
    })
}

/// Room and user IDs of the filters, checked for their shape.
fn checked_ids(
    rooms: &Option<Vec<String>>,
    senders: &Option<Vec<String>>,
) -> Result<(), CoreError> {
    for r in rooms.iter().flatten() {
        room_id(r)?;
    }
    for s in senders.iter().flatten() {
        user_id(s)?;
    }
    Ok(())
}

pub async fn search_local(backend: &Backend, p: SearchParams) -> Result<Value, CoreError> {
    backend.client().await?;
    checked_ids(&p.room_ids, &p.senders)?;
    let offset = match p.next_batch.as_deref().filter(|b| !b.is_empty()) {
        None => 0,
        Some(b) => b.parse::<i64>().ok().filter(|o| *o >= 0).ok_or_else(|| {
            CoreError::BadRequest(format!("next_batch {b:?} is not one search_local gave"))
        })?,
    };
    let rooms = p.room_ids.unwrap_or_default();
    let senders = p.senders.unwrap_or_default();
    let expression = query::match_expression(&p.search_term, &rooms, &senders)
        .map_err(|e| CoreError::BadRequest(e.to_string()))?;
    // A term without words (only punctuation, quotes or stars) matches nothing.
    let Some(expression) = expression else {
        return to_value(&ManualPaginationResponse {
            events: Vec::new(),
            next_batch: None,
        });
    };
    let filters = Filters {
        min_timestamp: p.min_timestamp,
        max_timestamp: p.max_timestamp,
        raw_like: p.raw_like.as_deref().filter(|r| !r.is_empty()),
        sort_by_time: p.sort_by_time,
    };
    let limit = page_size(p.limit);
    let pool = backend.inner.store.pool();
    // One more than the page tells whether another page follows.
    let mut rowids = search::find(pool, &expression, &filters, offset, limit + 1).await?;
    let more = rowids.len() as i64 > limit;
    rowids.truncate(limit as usize);
    to_value(&ManualPaginationResponse {
        events: event::by_rowids(pool, &rowids).await?,
        next_batch: more.then(|| (offset + limit).to_string()),
    })
}

pub async fn get_mentions(backend: &Backend, p: GetMentionsParams) -> Result<Value, CoreError> {
    backend.client().await?;
    if let Some(r) = &p.room_id {
        room_id(r)?;
    }
    let mask = match p.unread_type {
        0 => unread_type::HIGHLIGHT,
        m if (1..=15).contains(&m) => m,
        m => {
            return Err(CoreError::BadRequest(format!(
                "type {m} is not an unread type (a mask of 1, 2, 4, 8)"
            )));
        }
    };
    let pool = backend.inner.store.pool();
    let rowids = search::mentions(
        pool,
        mask,
        p.max_timestamp,
        p.room_id.as_deref(),
        page_size(p.limit),
    )
    .await?;
    to_value(&event::by_rowids(pool, &rowids).await?)
}

/// The part of `/search`'s answer we use.
#[derive(Deserialize)]
struct SearchAnswer {
    search_categories: Categories,
}

#[derive(Deserialize)]
struct Categories {
    room_events: Option<RoomEvents>,
}

#[derive(Deserialize)]
struct RoomEvents {
    #[serde(default)]
    results: Vec<SearchResult>,
    next_batch: Option<String>,
}

#[derive(Deserialize)]
struct SearchResult {
    result: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
struct RoomOf {
    room_id: Option<String>,
    event_id: Option<String>,
}

pub async fn search_server(backend: &Backend, p: SearchServerParams) -> Result<Value, CoreError> {
    let (client, own_user_id) = backend.client_and_user().await?;
    checked_ids(&p.room_ids, &p.senders)?;
    if p.search_term.trim().is_empty() {
        return Err(CoreError::BadRequest("search_term is empty".into()));
    }
    let mut filter = json!({"limit": page_size(p.limit)});
    if let Some(rooms) = p.room_ids.as_ref().filter(|r| !r.is_empty()) {
        filter["rooms"] = json!(rooms);
    }
    if let Some(senders) = p.senders.as_ref().filter(|s| !s.is_empty()) {
        filter["senders"] = json!(senders);
    }
    let body = json!({"search_categories": {"room_events": {
        "search_term": p.search_term,
        "order_by": if p.sort_by_time { "recent" } else { "rank" },
        "filter": filter,
    }}});
    let next = p.next_batch.unwrap_or_default();
    let query: Vec<(&str, &str)> = if next.is_empty() {
        Vec::new()
    } else {
        vec![("next_batch", next.as_str())]
    };
    let answer: SearchAnswer = Call {
        path: &["v3", "search"],
        query: &query,
        post: Some(body),
    }
    .send(&client)
    .await?;
    let Some(found) = answer.search_categories.room_events else {
        return to_value(&ManualPaginationResponse {
            events: Vec::new(),
            next_batch: None,
        });
    };
    // Stored room by room like any fetched event, then put back in the
    // homeserver's order.
    let mut order = Vec::new();
    let mut by_room: BTreeMap<String, Vec<TimelineEvent>> = BTreeMap::new();
    for raw in found.results.into_iter().filter_map(|r| r.result) {
        let Ok(RoomOf {
            room_id: Some(room),
            event_id: Some(id),
        }) = serde_json::from_str::<RoomOf>(raw.get())
        else {
            continue;
        };
        order.push(id);
        by_room
            .entry(room)
            .or_default()
            .push(TimelineEvent::from_plaintext(Raw::from_json(raw)));
    }
    let mut events: Vec<Event> = Vec::new();
    for (room, fetched) in &by_room {
        let refs: Vec<_> = fetched.iter().collect();
        events.extend(store_detached(&backend.inner, room, &own_user_id, &refs).await?);
    }
    let position: BTreeMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    events.sort_by_key(|e| {
        position
            .get(e.event_id.as_str())
            .copied()
            .unwrap_or(usize::MAX)
    });
    to_value(&ManualPaginationResponse {
        events,
        next_batch: found.next_batch.filter(|b| !b.is_empty()),
    })
}
