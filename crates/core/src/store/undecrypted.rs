//! Events stored without their cleartext, found by the Megolm session
//! whose key would unlock them, and stored decrypted once it has.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::value::RawValue;
use sqlx::Row;
use trellis_rpc::model::EventRowId;

use super::{StoreResult, Tx, event::NewEvent};

/// What decrypting a stored event again needs.
pub struct Undecrypted {
    pub rowid: EventRowId,
    pub room_id: String,
    pub event_id: String,
    pub session_id: String,
    sender: String,
    timestamp: i64,
    content: String,
    unsigned: Option<String>,
}

impl Undecrypted {
    /// The encrypted event as the homeserver sent it.
    pub fn raw_event(&self) -> StoreResult<Box<RawValue>> {
        let unsigned: Option<serde_json::Value> = self
            .unsigned
            .as_deref()
            .map(serde_json::from_str)
            .transpose()?;
        let content: serde_json::Value = serde_json::from_str(&self.content)?;
        let event = serde_json::json!({
            "type": "m.room.encrypted",
            "event_id": self.event_id,
            "room_id": self.room_id,
            "sender": self.sender,
            "origin_server_ts": self.timestamp,
            "content": content,
            "unsigned": unsigned.unwrap_or_else(|| serde_json::json!({})),
        });
        Ok(serde_json::value::to_raw_value(&event)?)
    }
}

/// Undecrypted events (not redacted: a redaction took their ciphertext) of
/// the given rooms' sessions, or of every session when `sessions` is None;
/// grouped by session, oldest first.
pub async fn list(
    pool: &sqlx::SqlitePool,
    sessions: Option<&BTreeMap<String, BTreeSet<String>>>,
) -> StoreResult<Vec<Undecrypted>> {
    let pairs: Option<Vec<(&str, &str)>> = sessions.map(|s| {
        s.iter()
            .flat_map(|(room, ids)| ids.iter().map(move |id| (room.as_str(), id.as_str())))
            .collect()
    });
    let rows = sqlx::query(
        "SELECT rowid, room_id, event_id, megolm_session_id, sender, timestamp, content, unsigned
         FROM event
         WHERE decryption_error IS NOT NULL AND megolm_session_id IS NOT NULL
           AND redacted_by IS NULL
           AND (?1 IS NULL OR (megolm_session_id, room_id) IN (
                SELECT value ->> 1, value ->> 0 FROM json_each(?1)))
         ORDER BY megolm_session_id, rowid",
    )
    .bind(pairs.map(|p| serde_json::to_string(&p)).transpose()?)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| Undecrypted {
            rowid: r.get(0),
            room_id: r.get(1),
            event_id: r.get(2),
            session_id: r.get(3),
            sender: r.get(4),
            timestamp: r.get(5),
            content: r.get(6),
            unsigned: r.get(7),
        })
        .collect())
}

/// Stores the decrypted form of an undecrypted event; false when it was
/// decrypted (or redacted) meanwhile. Relations change through the
/// triggers on `relates_to`.
pub async fn set_decrypted(tx: &mut Tx, rowid: EventRowId, e: &NewEvent) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE event SET content = ?, decrypted = ?, decrypted_type = ?, decryption_error = NULL,
            megolm_session_id = ?, relates_to = ?, relation_type = ?, reaction_key = ?,
            redacts = COALESCE(redacts, ?), local_content = ?, unread_type = ?
         WHERE rowid = ? AND decryption_error IS NOT NULL AND redacted_by IS NULL",
    )
    .bind(&e.content)
    .bind(&e.decrypted)
    .bind(&e.decrypted_type)
    .bind(&e.megolm_session_id)
    .bind(&e.relates_to)
    .bind(&e.relation_type)
    .bind(&e.reaction_key)
    .bind(&e.redacts)
    .bind(&e.local_content)
    .bind(e.unread_type)
    .bind(rowid)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
