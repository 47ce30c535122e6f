//! Synthetic sync responses, shaped like real ones (messages, state changes,
//! reactions, edits), for the ingest benchmark and the processing tests.

use std::collections::BTreeMap;

use matrix_sdk::{
    deserialized_responses::TimelineEvent,
    ruma::{OwnedRoomId, serde::Raw},
    sync::{JoinedRoomUpdate, RoomUpdates, State, SyncResponse, Timeline},
};
use serde_json::json;

/// Builds one response with `rooms` rooms of `events` timeline events each.
/// `batch` keeps event ids unique across successive responses.
pub fn response(batch: usize, rooms: usize, events: usize) -> SyncResponse {
    let mut joined = BTreeMap::new();
    for r in 0..rooms {
        let room_id: OwnedRoomId = match format!("!room{r}:bench.test").try_into() {
            Ok(id) => id,
            Err(_) => continue,
        };
        let sender = format!("@user{}:bench.test", r % 7);
        let mut update = JoinedRoomUpdate::default();
        if batch == 0 {
            update.state = State::Before(vec![
                state(
                    &room_id,
                    "$create",
                    "m.room.create",
                    "",
                    json!({"creator": sender, "room_version": "11"}),
                ),
                state(
                    &room_id,
                    "$member",
                    "m.room.member",
                    &sender,
                    json!({"membership": "join", "displayname": "User"}),
                ),
                state(
                    &room_id,
                    "$name",
                    "m.room.name",
                    "",
                    json!({"name": format!("Room {r}")}),
                ),
            ]);
        }
        let mut timeline = Vec::with_capacity(events);
        for i in 0..events {
            let id = format!("$b{batch}r{r}e{i}");
            let content = match i % 10 {
                // A reaction to the previous message.
                3 => (
                    "m.reaction",
                    json!({"m.relates_to": {"rel_type": "m.annotation",
                        "event_id": format!("$b{batch}r{r}e{}", i - 1), "key": "👍"}}),
                ),
                // An edit of the message two before.
                6 => (
                    "m.room.message",
                    json!({"msgtype": "m.text", "body": "* fixed",
                        "m.new_content": {"msgtype": "m.text", "body": "fixed"},
                        "m.relates_to": {"rel_type": "m.replace", "event_id": format!("$b{batch}r{r}e{}", i - 2)}}),
                ),
                9 => ("m.room.topic", json!({"topic": format!("topic {i}")})),
                _ => (
                    "m.room.message",
                    json!({"msgtype": "m.text",
                        "body": format!("message {i} in room {r}: some ordinary chat text of typical length"),
                        "format": "org.matrix.custom.html",
                        "formatted_body": format!("message <b>{i}</b> in room {r}")}),
                ),
            };
            let mut ev = json!({"event_id": id, "sender": sender, "type": content.0,
                "origin_server_ts": 1_700_000_000_000i64 + (batch * events + i) as i64, "content": content.1});
            if content.0 == "m.room.topic" {
                ev["state_key"] = json!("");
            }
            if let Ok(raw) = Raw::from_json_string(ev.to_string()) {
                timeline.push(TimelineEvent::from_plaintext(raw));
            }
        }
        update.timeline = Timeline {
            limited: false,
            prev_batch: Some(format!("prev{batch}")),
            events: timeline,
        };
        joined.insert(room_id, update);
    }
    SyncResponse {
        next_batch: format!("batch{}", batch + 1),
        rooms: RoomUpdates {
            joined,
            ..Default::default()
        },
        ..Default::default()
    }
}

fn state<T>(
    room_id: &OwnedRoomId,
    id: &str,
    kind: &str,
    state_key: &str,
    content: serde_json::Value,
) -> Raw<T> {
    let ev = json!({"event_id": format!("{id}{room_id}"), "sender": "@user0:bench.test", "type": kind,
        "state_key": state_key, "origin_server_ts": 1_700_000_000_000i64, "content": content});
    // Built from a json! value, so it always parses.
    Raw::from_json_string(ev.to_string()).unwrap_or_else(|_| unreachable!())
}
