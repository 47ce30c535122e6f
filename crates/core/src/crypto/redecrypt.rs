//! Events that decrypt once their keys arrive. Every event stored with a
//! decryption error keeps its ciphertext and its Megolm session ID; when
//! matrix-sdk receives a room key (to-device, forwarded, from the backup, an
//! import) the events of that session are decrypted again, stored as if
//! they had come decrypted, and sent to frontends as `events_decrypted`.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, Weak},
};

use futures_util::StreamExt;
use matrix_sdk::{
    Client,
    deserialized_responses::TimelineEventKind,
    ruma::{RoomId, serde::Raw},
};
use tokio_util::sync::CancellationToken;
use trellis_rpc::{
    events::{BackendEvent, EventsDecrypted, SyncComplete, SyncRoom},
    model::unread_type,
};

use crate::{
    Inner,
    session::Session,
    store::{self, undecrypted::Undecrypted},
    sync::event,
};

/// Room and Megolm session IDs whose keys arrived.
type Sessions = BTreeMap<String, BTreeSet<String>>;

/// Retries everything undecrypted once at start (keys may have come in
/// just before the last exit), then each session whose key arrives.
pub(crate) async fn watch(inner: Weak<Inner>, stop: CancellationToken, session: Weak<Session>) {
    let Some((client, user_id)) = session
        .upgrade()
        .map(|s| (s.client.clone(), s.user_id().to_owned()))
    else {
        return;
    };
    let Some(mut keys) = client.encryption().room_keys_received_stream().await else {
        return;
    };
    let mut pending: Option<Sessions> = None; // None: every stored session
    loop {
        let Some(backend) = inner.upgrade() else {
            return;
        };
        if let Err(e) = retry(&backend, &client, &user_id, pending.as_ref()).await {
            tracing::warn!("cannot decrypt stored events again: {e}");
        }
        drop(backend);
        let Some(next) = stop.run_until_cancelled(keys.next()).await else {
            return;
        };
        pending = match next {
            None => return, // the client is gone
            Some(Ok(infos)) => {
                let mut sessions = Sessions::new();
                for info in infos {
                    sessions
                        .entry(info.room_id.to_string())
                        .or_default()
                        .insert(info.session_id);
                }
                Some(sessions)
            }
            // Too many keys at once (a backup download): try them all.
            Some(Err(_lagged)) => None,
        };
    }
}

/// Decrypts again the stored events of `sessions` (all, when `None`),
/// room by room, one transaction each.
async fn retry(
    inner: &Arc<Inner>,
    client: &Client,
    own_user_id: &str,
    sessions: Option<&Sessions>,
) -> Result<(), crate::CoreError> {
    let stored = store::undecrypted::list(inner.store.pool(), sessions).await?;
    let mut by_room: BTreeMap<String, Vec<Undecrypted>> = BTreeMap::new();
    for e in stored {
        by_room.entry(e.room_id.clone()).or_default().push(e);
    }
    for (room_id, events) in by_room {
        let Some(room) = RoomId::parse(&room_id)
            .ok()
            .and_then(|id| client.get_room(&id))
        else {
            continue;
        };
        let push = room.push_context().await.ok().flatten();
        let mut cleartext = Vec::new();
        // A session that fails once fails for all its events: skip the rest.
        let mut locked = BTreeSet::new();
        for stored in events {
            if locked.contains(&stored.session_id) {
                continue;
            }
            let raw = Raw::from_json(stored.raw_event()?);
            let tev = match room.decrypt_event(&raw, push.as_ref()).await {
                Ok(tev) => tev,
                Err(e) => {
                    tracing::debug!(event_id = %stored.event_id, "still undecryptable: {e}");
                    locked.insert(stored.session_id.clone());
                    continue;
                }
            };
            if !matches!(tev.kind, TimelineEventKind::Decrypted(_)) {
                locked.insert(stored.session_id.clone());
                continue;
            }
            cleartext.push((stored.rowid, tev));
        }
        // Counted and notified like sync's: by the rules, on the cleartext.
        let tevs: Vec<_> = cleartext.iter().map(|(_, t)| t).collect();
        let rules = crate::push::notifying_rules(&room, &tevs).await;
        let mut decrypted = Vec::new();
        for (rowid, tev) in &cleartext {
            match event::from_timeline(&room_id, own_user_id, tev) {
                Ok(mut e) => {
                    if let Some(rule) = rules.get(&e.event_id) {
                        crate::push::set_rule_id(&mut e, rule);
                    }
                    decrypted.push((*rowid, e));
                }
                Err(e) => tracing::warn!(rowid, "{e}"),
            }
        }
        if !decrypted.is_empty() {
            store_and_announce(inner, own_user_id, &room_id, decrypted).await?;
        }
    }
    Ok(())
}

async fn store_and_announce(
    inner: &Inner,
    own_user_id: &str,
    room_id: &str,
    decrypted: Vec<(i64, store::event::NewEvent)>,
) -> Result<(), crate::CoreError> {
    let mut tx = inner.store.begin_write().await?;
    let before = store::room::get(&mut *tx, room_id).await?;
    let mut rowids = Vec::new();
    let mut notifying = Vec::new();
    for (rowid, e) in &decrypted {
        if store::undecrypted::set_decrypted(&mut tx, *rowid, e).await? {
            rowids.push(*rowid);
            if e.unread_type & unread_type::NOTIFY != 0 {
                notifying.push((*rowid, e.unread_type));
            }
        }
    }
    // Reactions and edits that decrypted changed their targets too.
    let targets: Vec<&str> = decrypted
        .iter()
        .filter_map(|(_, e)| e.relates_to.as_deref())
        .collect();
    let meta = store::room::refresh_activity(&mut tx, room_id, own_user_id, 0).await?;
    let events = store::event::by_rowids_and_ids(&mut *tx, &rowids, &targets, &[]).await?;
    let notifications =
        crate::notification::describe(&mut tx, room_id, meta.as_ref(), &events, &notifying).await?;
    tx.commit().await?;
    if rowids.is_empty() {
        return Ok(());
    }
    tracing::info!(room_id, events = rowids.len(), "decrypted stored events");
    let preview = meta
        .as_ref()
        .map(|m| m.preview_event_rowid)
        .filter(|p| rowids.contains(p));
    if meta.as_ref().map(activity) != before.as_ref().map(activity) || !notifications.is_empty() {
        let mut rooms = BTreeMap::new();
        rooms.insert(
            room_id.to_owned(),
            SyncRoom {
                meta,
                events: events.clone(),
                notifications,
                ..Default::default()
            },
        );
        let sync = SyncComplete {
            rooms,
            ..Default::default()
        };
        inner.bus.emit(BackendEvent::SyncComplete(sync)).await;
    }
    let payload = EventsDecrypted {
        room_id: room_id.to_owned(),
        preview_event_rowid: preview,
        events,
    };
    inner.bus.emit(BackendEvent::EventsDecrypted(payload)).await;
    Ok(())
}

/// What decrypting can change of a room: its preview and unread counters.
fn activity(room: &trellis_rpc::model::Room) -> [i64; 4] {
    [
        room.preview_event_rowid,
        room.unread_highlights,
        room.unread_notifications,
        room.unread_messages,
    ]
}
