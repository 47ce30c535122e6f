//! Room IDs of v12+ rooms: `!` and the reference hash of the room's create
//! event (Matrix spec, room version 12). A client that fixes the create
//! event's timestamp can therefore know the ID before the room exists.

use matrix_sdk::ruma::{
    canonical_json::to_canonical_value,
    serde::{
        Base64,
        base64::{Standard, UrlSafe},
    },
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::CoreError;

/// Room versions whose room ID is derived from the create event.
fn hashes_room_id(version: &str) -> bool {
    version == "org.matrix.hydra.11" || version.parse::<u32>().is_ok_and(|v| v >= 12)
}

/// The ID of the room whose create event, sent by `sender` at `timestamp`
/// (ms), has `content`.
pub fn calculate(sender: &str, timestamp: i64, content: &Value) -> Result<String, CoreError> {
    let bad = |why: String| CoreError::BadRequest(why);
    let version = content
        .get("room_version")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("the create content has no room_version".into()))?;
    if !hashes_room_id(version) {
        return Err(bad(format!(
            "room version {version} does not derive the room ID from the create event"
        )));
    }
    // The create event as the homeserver builds it: no room_id, no
    // predecessors, depth 1; unsigned and signatures take no part.
    let mut event = json!({
        "auth_events": [],
        "content": content,
        "depth": 1,
        "origin_server_ts": timestamp,
        "prev_events": [],
        "sender": sender,
        "state_key": "",
        "type": "m.room.create",
    });
    let content_hash = Base64::<Standard>::new(sha256_canonical(&event)?.to_vec()).encode();
    event["hashes"] = json!({ "sha256": content_hash });
    // Redaction keeps every key of this event and all of a create event's
    // content, so the reference hash is taken over the event as it is.
    let reference = Base64::<UrlSafe>::new(sha256_canonical(&event)?.to_vec()).encode();
    Ok(format!("!{reference}"))
}

fn sha256_canonical(v: &Value) -> Result<[u8; 32], CoreError> {
    let canonical = to_canonical_value(v).map_err(|e| {
        CoreError::BadRequest(format!("the create content is not canonical JSON: {e}"))
    })?;
    Ok(Sha256::digest(canonical.to_string().as_bytes()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hash_id_versions_are_calculated() {
        let id = calculate("@a:x", 1, &json!({"room_version": "12"})).unwrap();
        assert!(id.starts_with('!') && id.len() == 44, "{id}");
        assert!(!id.contains(['+', '/', '=']), "{id}");
        // Any change to the event changes the ID.
        assert_ne!(
            id,
            calculate("@a:x", 2, &json!({"room_version": "12"})).unwrap()
        );
        assert_ne!(
            id,
            calculate("@b:x", 1, &json!({"room_version": "12"})).unwrap()
        );
        assert!(calculate("@a:x", 1, &json!({"room_version": "11"})).is_err());
        assert!(calculate("@a:x", 1, &json!({})).is_err());
        assert!(calculate("@a:x", 1, &json!({"room_version": "12", "x": 1.5})).is_err());
    }
}
