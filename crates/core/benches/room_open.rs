//! Reading a big room from the store: one room with 100,000 timeline events
//! (synthetic sync responses through the real processing path) and 1,000
//! members, then the store side of `paginate` (a page, its reply targets,
//! its receipts) and of opening the room (`get_room_state` + the first
//! page), called exactly as the handlers call them. Prints p50/p95.
//!
//! cargo bench -p trellis-core --bench room_open

mod support;

use std::time::Instant;

use matrix_sdk::{
    ruma::{OwnedRoomId, serde::Raw},
    sync::{JoinedRoomUpdate, RoomUpdates, State, SyncResponse},
};
use serde_json::json;
use trellis_core::{
    store::{Store, event, receipt, state, timeline},
    sync::synthetic,
};

const EVENTS: usize = 100_000;
const PER_BATCH: usize = 1_000;
const MEMBERS: usize = 1_000;
const PAGE: u32 = 100;
const RUNS: usize = 500;
const ROOM: &str = "!room0:bench.test";

/// A sync response that only adds `MEMBERS` member events to the room.
fn members(batch: usize) -> SyncResponse {
    let room_id: OwnedRoomId = ROOM.try_into().expect("room id");
    let events = (0..MEMBERS)
        .filter_map(|n| {
            let ev = json!({"event_id": format!("$member{n}"), "sender": format!("@m{n}:bench.test"),
                "type": "m.room.member", "state_key": format!("@m{n}:bench.test"),
                "origin_server_ts": 1_700_000_000_000i64, "content": {"membership": "join",
                "displayname": format!("Member {n}")}});
            Raw::from_json_string(ev.to_string()).ok()
        })
        .collect();
    let update = JoinedRoomUpdate {
        state: State::Before(events),
        ..Default::default()
    };
    SyncResponse {
        next_batch: format!("members{batch}"),
        rooms: RoomUpdates {
            joined: [(room_id, update)].into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// The store side of `paginate` (handlers/timeline.rs).
async fn paginate(store: &Store, before: i64) -> usize {
    let pool = store.pool();
    let events = timeline::page(pool, ROOM, before, PAGE)
        .await
        .expect("page");
    let related = event::reply_targets(pool, &events).await.expect("related");
    let ids: Vec<String> = events.iter().map(|e| e.event_id.clone()).collect();
    let receipts = receipt::for_events(pool, ROOM, &ids)
        .await
        .expect("receipts");
    events.len() + related.len() + receipts.len()
}

#[tokio::main]
async fn main() {
    let (dir, store) = support::temp_store("room-bench").await;

    let started = Instant::now();
    for batch in 0..EVENTS / PER_BATCH {
        let resp = synthetic::response(batch, 1, PER_BATCH);
        support::ingest(&store, support::ME, &resp, &resp.next_batch).await;
    }
    let resp = members(0);
    support::ingest(&store, support::ME, &resp, &resp.next_batch).await;
    let newest = timeline::page(store.pool(), ROOM, 0, 1)
        .await
        .expect("newest")
        .first()
        .map(|e| e.timeline_rowid)
        .expect("a timeline");
    println!(
        "filled: {EVENTS} events, {MEMBERS} members in one room in {:.1} s (newest timeline rowid {newest})",
        started.elapsed().as_secs_f64()
    );

    // Pages from everywhere in the room: a spread of max_timeline_id values.
    let mut page_ms = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        let before = match run {
            0 => 0,
            n => newest - (n as i64 * 197) % (newest - i64::from(PAGE)),
        };
        let t = Instant::now();
        let n = paginate(&store, before).await;
        page_ms.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(n >= PAGE as usize, "page at {before} held {n}");
    }
    support::report("paginate 100 (store)", page_ms);

    for include_members in [false, true] {
        let mut open_ms = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            let st = state::events(store.pool(), ROOM, include_members)
                .await
                .expect("state");
            let n = paginate(&store, 0).await;
            open_ms.push(t.elapsed().as_secs_f64() * 1e3);
            assert!(!st.is_empty() && n >= PAGE as usize);
        }
        support::report(
            &format!(
                "open room: get_room_state (include_members: {include_members}) + first paginate"
            ),
            open_ms,
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
