//! One sync response → one SQLite transaction → one `sync_complete`.
//!
//! Everything a response brings (events, timeline, state, receipts, account
//! data, invites, space edges, unread counters) is written together with its
//! `next_batch` token, so a crash at any point replays the whole response.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use matrix_sdk::{
    deserialized_responses::TimelineEvent,
    ruma::{OwnedRoomId, serde::Raw},
    sync::{JoinedRoomUpdate, State, SyncResponse},
};
use serde::Deserialize;
use serde_json::value::RawValue;
use trellis_rpc::{
    events::{SyncComplete, SyncRoom, Typing},
    model::{
        AccountData, EventRowId, InvitedRoom, LazyLoadSummary, Receipt, TimelineRowTuple,
        unread_type,
    },
};

use super::{event, meta, prepare};
use crate::store::{
    self, Store, StoreResult, Tx, account_data, event::NewEvent, invited, receipt, room, space,
    state, timeline,
};

/// What matrix-sdk knows of a room that the raw response doesn't carry.
#[derive(Debug, Clone, Default)]
pub struct RoomExtras {
    pub heroes: Vec<meta::Hero>,
    pub summary: Option<LazyLoadSummary>,
    /// Event ID → the push rule that made it notify.
    pub push_rule_ids: HashMap<String, String>,
}

/// Events fetched to close the gap before a limited timeline.
#[derive(Debug, Clone, Default)]
pub struct GapFill {
    /// Oldest first.
    pub events: Vec<TimelineEvent>,
    /// False when we gave up before reaching an event we already had: the
    /// stored timeline is then reset rather than left with a hole.
    pub complete: bool,
    pub prev_batch: Option<String>,
}

pub struct Batch<'a> {
    pub since: Option<&'a str>,
    pub next_batch: &'a str,
    pub response: &'a SyncResponse,
    pub extras: &'a HashMap<OwnedRoomId, RoomExtras>,
    pub gaps: &'a HashMap<OwnedRoomId, GapFill>,
}

/// What one processed response produces for frontends.
#[derive(Debug, Default)]
pub struct Processed {
    pub sync: SyncComplete,
    pub typing: Vec<Typing>,
}

pub async fn process(store: &Store, own_user_id: &str, batch: Batch<'_>) -> StoreResult<Processed> {
    let mut timelines = prepare::start(&batch, own_user_id);
    let mut tx = store.begin_write().await?;
    let mut out = Processed::default();
    out.sync.since = batch.since.map(str::to_owned);
    let resp = batch.response;

    for raw in &resp.account_data {
        if let Some((data_type, content)) = type_and_content(raw.json()) {
            account_data::put_global(&mut tx, own_user_id, &data_type, content.get()).await?;
            out.sync.account_data.insert(
                data_type.clone(),
                AccountData {
                    user_id: own_user_id.to_owned(),
                    room_id: String::new(),
                    data_type,
                    content,
                },
            );
        }
    }
    let m_direct = account_data::global(&mut *tx, own_user_id, "m.direct").await?;
    let dm_partners = meta::dm_partners(m_direct.as_deref());

    let now = now_ms();
    for (room_id, update) in &resp.rooms.invited {
        let invite_state: Vec<Box<RawValue>> = update
            .invite_state
            .events
            .iter()
            .filter_map(|e| RawValue::from_string(e.json().get().to_owned()).ok())
            .collect();
        let invite = InvitedRoom {
            room_id: room_id.to_string(),
            created_at: now,
            invite_state,
        };
        invited::put(&mut tx, &invite).await?;
        out.sync.invited_rooms.push(invite);
    }
    for room_id in resp.rooms.left.keys() {
        room::delete(&mut tx, room_id.as_str()).await?;
        invited::delete(&mut tx, room_id.as_str()).await?;
        out.sync.left_rooms.push(room_id.to_string());
    }

    let mut spaces_changed = BTreeSet::new();
    let default_extras = RoomExtras::default();
    for (index, (room_id, update)) in resp.rooms.joined.iter().enumerate() {
        let extras = batch.extras.get(room_id).unwrap_or(&default_extras);
        let ctx = RoomCtx {
            room_id: room_id.as_str(),
            own_user_id,
            dm_user_id: dm_partners.get(room_id.as_str()).map(String::as_str),
            extras,
            gap: batch.gaps.get(room_id),
        };
        let events = timelines.take(index).await;
        let (sync_room, typing) =
            process_joined(&mut tx, &ctx, update, events, &mut spaces_changed).await?;
        if let Some(t) = typing {
            out.typing.push(t);
        }
        out.sync.rooms.insert(room_id.to_string(), sync_room);
    }

    if !spaces_changed.is_empty() {
        let ids: Vec<String> = spaces_changed.into_iter().collect();
        for id in &ids {
            out.sync.space_edges.insert(id.clone(), Vec::new());
        }
        for edge in space::edges(&mut *tx, Some(&ids)).await? {
            out.sync
                .space_edges
                .entry(edge.space_id.clone())
                .or_default()
                .push(edge);
        }
        out.sync.top_level_spaces = Some(space::top_level_spaces(&mut *tx).await?);
    }

    store::account::set_next_batch(&mut tx, batch.next_batch).await?;
    tx.commit().await?;
    Ok(out)
}

struct RoomCtx<'a> {
    room_id: &'a str,
    own_user_id: &'a str,
    dm_user_id: Option<&'a str>,
    extras: &'a RoomExtras,
    gap: Option<&'a GapFill>,
}

async fn process_joined(
    tx: &mut Tx,
    ctx: &RoomCtx<'_>,
    update: &JoinedRoomUpdate,
    mut events: Vec<NewEvent>,
    spaces_changed: &mut BTreeSet<String>,
) -> StoreResult<(SyncRoom, Option<Typing>)> {
    let room_id = ctx.room_id;
    for ev in &mut events {
        if let Some(rule) = ctx.extras.push_rule_ids.get(&ev.event_id) {
            crate::push::set_rule_id(ev, rule);
        }
    }
    let mut out = SyncRoom::default();
    let is_new_room = room::ensure(tx, room_id).await?;
    if is_new_room {
        spaces_changed.insert(String::new()); // recompute top-level spaces
    }
    let mut touched: Vec<EventRowId> = Vec::new();
    // Current state changes, written in one statement once events are in.
    let mut current: Vec<state::Entry> = Vec::new();

    // With state_after the state block is the full change set and timeline
    // state must not be applied on top; without it, both apply in order.
    let (state_events, timeline_sets_state) = match &update.state {
        State::Before(v) => (v, true),
        State::After(v) => (v, false),
    };
    let state_block: Vec<NewEvent> = state_events
        .iter()
        .filter_map(|raw| event::from_json(room_id, raw.json().get()).ok())
        .collect();
    let placed = store::event::insert_all(tx, &state_block).await?;
    for (ev, &(rowid, _)) in state_block.iter().zip(&placed) {
        apply_state(tx, ctx, ev, rowid, &mut out, &mut current, spaces_changed).await?;
        touched.push(rowid);
    }

    let had_timeline = !is_new_room && timeline::exists(&mut **tx, room_id).await?;
    let mut prev_batch = if had_timeline {
        None
    } else {
        Some(update.timeline.prev_batch.clone())
    };
    if let Some(gap) = ctx.gap
        && !gap.complete
    {
        timeline::clear(tx, room_id).await?;
        out.reset = true;
        prev_batch = Some(gap.prev_batch.clone());
    }
    if let Some(pb) = prev_batch {
        room::set_prev_batch(tx, room_id, pb.as_deref()).await?;
    }

    let mut latest_ts = 0;
    let placed = store::event::insert_all(tx, &events).await?;
    let rowids: Vec<EventRowId> = placed.iter().map(|(rowid, _)| *rowid).collect();
    let first_new_row = timeline::append_many(tx, room_id, &rowids).await?;
    let mut targets = Vec::new();
    let mut notifying = Vec::new();
    for (ev, &(rowid, is_new)) in events.iter().zip(&placed) {
        if timeline_sets_state && ev.state_key.is_some() {
            apply_state(tx, ctx, ev, rowid, &mut out, &mut current, spaces_changed).await?;
        }
        if let Some(target) = ev.relates_to.as_deref().or(ev.redacts.as_deref()) {
            targets.push(target);
        }
        if is_new && ev.unread_type & unread_type::NOTIFY != 0 {
            notifying.push((rowid, ev.unread_type));
        }
        latest_ts = latest_ts.max(ev.timestamp);
    }
    // New timeline events need not be read back (see `resend`).
    let known = known_as_stored(&events, &placed, first_new_row)?;
    touched.extend(rowids);
    state::set_many(tx, room_id, &current).await?;

    let typing = apply_ephemeral(tx, ctx, &update.ephemeral, &mut out).await?;
    for raw in &update.account_data {
        if let Some((data_type, content)) = type_and_content(raw.json()) {
            account_data::put_room(tx, ctx.own_user_id, room_id, &data_type, content.get()).await?;
            out.account_data.insert(
                data_type.clone(),
                AccountData {
                    user_id: ctx.own_user_id.to_owned(),
                    room_id: room_id.to_owned(),
                    data_type,
                    content,
                },
            );
        }
    }

    let summary = ctx
        .extras
        .summary
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?;
    let meta = meta::compute(
        tx,
        room_id,
        ctx.own_user_id,
        &ctx.extras.heroes,
        ctx.dm_user_id,
        summary.as_deref(),
    )
    .await?;
    if meta.room_type.as_deref() == Some("m.space") && is_new_room {
        spaces_changed.insert(room_id.to_owned());
    }
    room::set_meta(tx, room_id, &meta).await?;
    let meta = room::refresh_activity(tx, room_id, ctx.own_user_id, latest_ts).await?;
    if let Some(m) = &meta
        && m.preview_event_rowid != 0
    {
        touched.push(m.preview_event_rowid);
    }
    out.meta = meta;
    dedup_keep_order(&mut touched);
    out.events = resend(tx, &touched, &targets, known).await?;
    out.notifications =
        crate::notification::describe(tx, room_id, out.meta.as_ref(), &out.events, &notifying)
            .await?;
    if let Some(first) = first_new_row {
        out.timeline = out
            .events
            .iter()
            .filter(|e| e.timeline_rowid >= first)
            .map(|e| TimelineRowTuple {
                timeline_rowid: e.timeline_rowid,
                event_rowid: e.rowid,
            })
            .collect();
        out.timeline.sort_by_key(|t| t.timeline_rowid);
    }
    spaces_changed.remove("");
    Ok((out, typing))
}

/// New timeline events as their rows read now, when that is known without
/// a read: every one got a fresh row (none was stored before, none takes
/// over a local echo, none repeats), so they also got consecutive
/// timeline rows from `first_new_row`. Otherwise empty.
fn known_as_stored(
    events: &[NewEvent],
    placed: &[(EventRowId, bool)],
    first_new_row: Option<i64>,
) -> StoreResult<HashMap<EventRowId, trellis_rpc::model::Event>> {
    let fresh = placed.iter().all(|&(_, is_new)| is_new)
        && events.iter().all(|e| e.transaction_id.is_none())
        && placed
            .iter()
            .map(|(rowid, _)| rowid)
            .collect::<BTreeSet<_>>()
            .len()
            == placed.len();
    let Some(first) = first_new_row.filter(|_| fresh) else {
        return Ok(HashMap::new());
    };
    events
        .iter()
        .zip(placed)
        .zip(first..)
        .map(|((e, &(rowid, _)), timeline_rowid)| Ok((rowid, e.as_stored(rowid, timeline_rowid)?)))
        .collect()
}

/// The events to send for a room: `touched` in order, then the targets
/// that reactions, edits and redactions changed. Events in `known` are read
/// only if a relation trigger has marked them since; reading ~50 events per
/// room through sqlx cost more than building them from what we wrote.
async fn resend(
    tx: &mut Tx,
    touched: &[EventRowId],
    targets: &[&str],
    mut known: HashMap<EventRowId, trellis_rpc::model::Event>,
) -> StoreResult<Vec<trellis_rpc::model::Event>> {
    let unknown: Vec<EventRowId> = touched
        .iter()
        .copied()
        .filter(|rowid| !known.contains_key(rowid))
        .collect();
    let candidates: Vec<EventRowId> = known.keys().copied().collect();
    let read = store::event::by_rowids_and_ids(&mut **tx, &unknown, targets, &candidates).await?;
    let mut read: HashMap<EventRowId, _> = read.into_iter().map(|e| (e.rowid, e)).collect();
    let mut events = Vec::with_capacity(touched.len() + read.len());
    for rowid in touched {
        if let Some(e) = read.remove(rowid).or_else(|| known.remove(rowid)) {
            events.push(e);
        }
    }
    events.extend(read.into_values());
    Ok(events)
}

/// Queues a state event as current (the caller writes `current` in one
/// statement) and keeps space edges in step.
async fn apply_state(
    tx: &mut Tx,
    ctx: &RoomCtx<'_>,
    ev: &store::event::NewEvent,
    rowid: EventRowId,
    out: &mut SyncRoom,
    current: &mut Vec<state::Entry>,
    spaces_changed: &mut BTreeSet<String>,
) -> StoreResult<()> {
    let Some(state_key) = ev.state_key.as_deref() else {
        return Ok(());
    };
    #[derive(Deserialize, Default)]
    struct StateFields {
        membership: Option<String>,
        via: Option<Vec<String>>,
        order: Option<String>,
        #[serde(default)]
        suggested: bool,
        #[serde(default)]
        canonical: bool,
    }
    let fields: StateFields = serde_json::from_str(&ev.content).unwrap_or_default();
    current.push(state::Entry {
        event_type: ev.event_type.clone(),
        state_key: state_key.to_owned(),
        event_rowid: rowid,
        membership: fields.membership,
    });
    out.state
        .entry(ev.event_type.clone())
        .or_default()
        .insert(state_key.to_owned(), rowid);
    let has_via = fields.via.as_ref().is_some_and(|v| !v.is_empty());
    match ev.event_type.as_str() {
        "m.space.child" => {
            if has_via {
                let order = fields.order.unwrap_or_default();
                space::set_child(tx, ctx.room_id, state_key, rowid, &order, fields.suggested)
                    .await?;
            } else {
                space::remove_child(tx, ctx.room_id, state_key).await?;
            }
            spaces_changed.insert(ctx.room_id.to_owned());
        }
        "m.space.parent" if has_via => {
            space::set_parent(tx, state_key, ctx.room_id, rowid, fields.canonical).await?;
            spaces_changed.insert(state_key.to_owned());
        }
        _ => {}
    }
    Ok(())
}

/// Stores receipts and reports typing users; a receipt of ours dismisses
/// the room's notifications.
async fn apply_ephemeral(
    tx: &mut Tx,
    ctx: &RoomCtx<'_>,
    ephemeral: &[Raw<matrix_sdk::ruma::events::AnySyncEphemeralRoomEvent>],
    out: &mut SyncRoom,
) -> StoreResult<Option<Typing>> {
    #[derive(Deserialize)]
    struct Ephemeral {
        #[serde(rename = "type")]
        kind: String,
        content: serde_json::Value,
    }
    #[derive(Deserialize)]
    struct ReceiptInfo {
        ts: Option<i64>,
        thread_id: Option<String>,
    }
    let mut typing = None;
    for raw in ephemeral {
        let Ok(e) = serde_json::from_str::<Ephemeral>(raw.json().get()) else {
            continue;
        };
        match e.kind.as_str() {
            "m.typing" => {
                let user_ids = e
                    .content
                    .get("user_ids")
                    .and_then(|u| serde_json::from_value(u.clone()).ok());
                typing = Some(Typing {
                    room_id: ctx.room_id.to_owned(),
                    user_ids: user_ids.unwrap_or_default(),
                });
            }
            "m.receipt" => {
                let Ok(by_event) = serde_json::from_value::<
                    BTreeMap<String, BTreeMap<String, BTreeMap<String, ReceiptInfo>>>,
                >(e.content) else {
                    continue;
                };
                for (event_id, by_type) in by_event {
                    for (receipt_type, by_user) in by_type {
                        for (user_id, info) in by_user {
                            let r = Receipt {
                                room_id: ctx.room_id.to_owned(),
                                user_id,
                                receipt_type: receipt_type.clone(),
                                thread_id: info.thread_id.unwrap_or_default(),
                                event_id: event_id.clone(),
                                timestamp: info.ts.unwrap_or(0),
                            };
                            receipt::put(tx, &r).await?;
                            if r.user_id == ctx.own_user_id {
                                out.dismiss_notifications = true;
                            }
                            out.receipts.entry(event_id.clone()).or_default().push(r);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(typing)
}

fn type_and_content(json: &RawValue) -> Option<(String, Box<RawValue>)> {
    #[derive(Deserialize)]
    struct TypeAndContent {
        #[serde(rename = "type")]
        kind: String,
        content: Box<RawValue>,
    }
    serde_json::from_str::<TypeAndContent>(json.get())
        .ok()
        .map(|t| (t.kind, t.content))
}

fn dedup_keep_order(v: &mut Vec<EventRowId>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|r| seen.insert(*r));
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::{store::account::Account, sync::synthetic};

    const ME: &str = "@me:bench.test";

    async fn store() -> (Store, std::path::PathBuf) {
        let dir =
            std::env::temp_dir().join(format!("trellis-process-{}", crate::secrets::random_hex(6)));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open(&dir.join("t.db")).await.unwrap();
        let account = Account {
            user_id: ME.into(),
            device_id: "D".into(),
            homeserver_url: "http://x".into(),
            keyring_id: "k".into(),
            next_batch: String::new(),
            displayname: String::new(),
            avatar_url: String::new(),
        };
        store.put_account(&account).await.unwrap();
        (store, dir)
    }

    async fn run(store: &Store, resp: &SyncResponse) -> Processed {
        let none = HashMap::new();
        let batch = Batch {
            since: None,
            next_batch: &resp.next_batch,
            response: resp,
            extras: &none,
            gaps: &HashMap::new(),
        };
        process(store, ME, batch).await.unwrap()
    }

    #[tokio::test]
    async fn a_response_lands_whole_with_relations_and_meta() {
        let (store, dir) = store().await;
        let resp = synthetic::response(0, 2, 20);
        let out = run(&store, &resp).await;

        let room = &out.sync.rooms["!room0:bench.test"];
        let meta = room.meta.as_ref().unwrap();
        assert_eq!(meta.name.as_deref(), Some("Room 0"));
        assert_eq!(
            meta.name_quality,
            trellis_rpc::model::name_quality::EXPLICIT
        );
        assert_eq!(meta.topic.as_deref(), Some("topic 19"));
        assert_eq!(room.timeline.len(), 20);
        assert_eq!(room.state["m.room.name"].len(), 1);
        // e3 reacts to e2; e6 edits e4.
        let by_id = |id: &str| room.events.iter().find(|e| e.event_id == id).unwrap();
        assert_eq!(by_id("$b0r0e2").reactions.as_ref().unwrap()["👍"], 1);
        assert_eq!(
            by_id("$b0r0e4").last_edit_rowid,
            Some(by_id("$b0r0e6").rowid)
        );
        // The preview is the newest message that is not an edit: e18.
        assert_eq!(meta.preview_event_rowid, by_id("$b0r0e18").rowid);
        // Messages from others count as unread until we read them.
        assert_eq!(meta.unread_messages, 14);
        assert_eq!(store.account().await.unwrap().unwrap().next_batch, "batch1");
        std::fs::remove_dir_all(dir).ok();
    }

    /// New events are sent as built from what was written, not read back
    /// (`known_as_stored`): they must equal their stored rows, including
    /// one that a relation already in the store marks on arrival.
    #[tokio::test]
    async fn events_sent_equal_their_stored_rows() {
        let (store, dir) = store().await;
        run(&store, &synthetic::response(0, 2, 10)).await;
        // Batch 1 reacts to e0 of batch 2 before that message arrives.
        let mut early = synthetic::response(1, 2, 10);
        let room_id: OwnedRoomId = "!room0:bench.test".try_into().unwrap();
        let reaction = serde_json::json!({"event_id": "$early", "sender": "@user0:bench.test",
            "type": "m.reaction", "origin_server_ts": 1, "content": {"m.relates_to":
            {"rel_type": "m.annotation", "event_id": "$b2r0e0", "key": "🎉"}}});
        if let Some(room) = early.rooms.joined.get_mut(&room_id) {
            room.timeline.events.push(TimelineEvent::from_plaintext(
                Raw::from_json_string(reaction.to_string()).unwrap(),
            ));
        }
        run(&store, &early).await;
        let out = run(&store, &synthetic::response(2, 2, 10)).await;

        let mut checked = 0;
        for room in out.sync.rooms.values() {
            let rowids: Vec<EventRowId> = room.events.iter().map(|e| e.rowid).collect();
            let stored = store::event::by_rowids(store.pool(), &rowids)
                .await
                .unwrap();
            for (sent, stored) in room.events.iter().zip(&stored) {
                // Compared as values: the store hands back minified JSON.
                assert_eq!(
                    serde_json::to_value(sent).unwrap(),
                    serde_json::to_value(stored).unwrap(),
                    "{}",
                    sent.event_id
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 20);
        let rooms = &out.sync.rooms;
        let marked = rooms["!room0:bench.test"]
            .events
            .iter()
            .find(|e| e.event_id == "$b2r0e0");
        assert_eq!(
            marked.and_then(|e| e.reactions.as_ref()).map(|r| r["🎉"]),
            Some(1)
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[tokio::test]
    async fn a_large_response_prepared_on_several_threads_lands_in_order() {
        let (store, dir) = store().await;
        let (rooms, events) = (40, 10);
        assert!(rooms * events >= prepare::PARALLEL_MIN_EVENTS);
        let out = run(&store, &synthetic::response(0, rooms, events)).await;
        assert_eq!(out.sync.rooms.len(), rooms);
        for r in 0..rooms {
            let room = &out.sync.rooms[format!("!room{r}:bench.test").as_str()];
            let ids: Vec<&str> = room
                .timeline
                .iter()
                .map(|t| {
                    let ev = room.events.iter().find(|e| e.rowid == t.event_rowid);
                    ev.map_or("", |e| e.event_id.as_str())
                })
                .collect();
            let want: Vec<String> = (0..events).map(|i| format!("$b0r{r}e{i}")).collect();
            assert_eq!(ids, want, "room {r}");
        }
        std::fs::remove_dir_all(dir).ok();
    }

    #[tokio::test]
    async fn replaying_a_response_duplicates_nothing() {
        let (store, dir) = store().await;
        let resp = synthetic::response(0, 3, 10);
        run(&store, &resp).await;
        let again = run(&store, &resp).await;
        assert!(again.sync.rooms.values().all(|r| r.timeline.is_empty()));
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM timeline")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(rows, 30);
        let reactions: String =
            sqlx::query_scalar("SELECT reactions FROM event WHERE event_id = '$b0r1e2'")
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(reactions, r#"{"👍":1}"#);
        std::fs::remove_dir_all(dir).ok();
    }

    #[tokio::test]
    async fn our_read_receipt_clears_unreads_and_redactions_mark_targets() {
        let (store, dir) = store().await;
        let mut resp = synthetic::response(0, 1, 10);
        run(&store, &resp).await;
        let room_id: matrix_sdk::ruma::OwnedRoomId = "!room0:bench.test".try_into().unwrap();
        let update = resp.rooms.joined.get_mut(&room_id).unwrap();
        update.timeline.events = vec![TimelineEvent::from_plaintext(
            Raw::from_json_string(
                r#"{"event_id":"$redact","sender":"@user0:bench.test","type":"m.room.redaction",
                    "origin_server_ts":1,"content":{"redacts":"$b0r0e3"}}"#
                    .into(),
            )
            .unwrap(),
        )];
        update.state = State::Before(vec![]);
        update.ephemeral = vec![
            Raw::from_json_string(
                format!(r#"{{"type":"m.receipt","content":{{"$b0r0e8":{{"m.read":{{"{ME}":{{"ts":5}}}}}}}}}}"#),
            )
            .unwrap(),
        ];
        resp.next_batch = "batch2".into();
        let out = run(&store, &resp).await;
        let room = &out.sync.rooms["!room0:bench.test"];
        assert!(room.dismiss_notifications);
        assert_eq!(room.receipts["$b0r0e8"][0].user_id, ME);
        // Only e9 (a topic change, not a message) follows the receipt.
        assert_eq!(room.meta.as_ref().unwrap().unread_messages, 0);
        let reacted = room
            .events
            .iter()
            .find(|e| e.event_id == "$b0r0e3")
            .unwrap();
        assert_eq!(reacted.redacted_by.as_deref(), Some("$redact"));
        // The redacted reaction no longer counts.
        let target: Option<String> =
            sqlx::query_scalar("SELECT reactions FROM event WHERE event_id = '$b0r0e2'")
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(target.as_deref(), Some("{}"));
        std::fs::remove_dir_all(dir).ok();
    }
}
