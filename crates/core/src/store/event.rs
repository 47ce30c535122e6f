//! The `event` table: every event we have seen, with its derived fields.

use serde_json::value::RawValue;
use sqlx::{Row, sqlite::SqliteRow};
use trellis_rpc::model::{Event, EventRowId};

use super::{StoreResult, Tx};

/// An event on its way into the store, already picked apart.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub room_id: String,
    pub event_id: String,
    pub sender: String,
    pub event_type: String,
    pub state_key: Option<String>,
    pub timestamp: i64,
    pub content: String,
    pub decrypted: Option<String>,
    pub decrypted_type: Option<String>,
    pub unsigned: Option<String>,
    pub redacts: Option<String>,
    pub relates_to: Option<String>,
    pub relation_type: Option<String>,
    pub reaction_key: Option<String>,
    pub megolm_session_id: Option<String>,
    pub decryption_error: Option<String>,
    pub unread_type: i64,
}

const COLUMNS: &str = "rowid, room_id, event_id, sender, type, state_key, timestamp, content,
    decrypted, decrypted_type, unsigned, local_content, transaction_id, redacted_by, relates_to,
    relation_type, decryption_error, send_error, reactions, last_edit_rowid, unread_type";

/// Inserts the event unless we have it already; returns its rowid and
/// whether it was new. Replays after a crash therefore change nothing.
pub async fn insert(tx: &mut Tx, e: &NewEvent) -> StoreResult<(EventRowId, bool)> {
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO event (room_id, event_id, sender, type, state_key, timestamp, content,
            decrypted, decrypted_type, unsigned, redacts, relates_to, relation_type, reaction_key,
            megolm_session_id, decryption_error, unread_type)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (event_id) DO NOTHING
         RETURNING rowid",
    )
    .bind(&e.room_id)
    .bind(&e.event_id)
    .bind(&e.sender)
    .bind(&e.event_type)
    .bind(&e.state_key)
    .bind(e.timestamp)
    .bind(&e.content)
    .bind(&e.decrypted)
    .bind(&e.decrypted_type)
    .bind(&e.unsigned)
    .bind(&e.redacts)
    .bind(&e.relates_to)
    .bind(&e.relation_type)
    .bind(&e.reaction_key)
    .bind(&e.megolm_session_id)
    .bind(&e.decryption_error)
    .bind(e.unread_type)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(rowid) = inserted {
        return Ok((rowid, true));
    }
    let rowid = sqlx::query_scalar("SELECT rowid FROM event WHERE event_id = ?")
        .bind(&e.event_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok((rowid, false))
}

/// Loads events by rowid, in the order asked for.
pub async fn by_rowids<'e, E>(db: E, rowids: &[EventRowId]) -> StoreResult<Vec<Event>>
where
    E: sqlx::SqliteExecutor<'e>,
{
    if rowids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(rowids)?;
    let sql =
        format!("SELECT {COLUMNS} FROM event WHERE rowid IN (SELECT value FROM json_each(?))");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(ids)
        .fetch_all(db)
        .await?;
    let mut events = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    let order: std::collections::HashMap<_, _> =
        rowids.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    events.sort_by_key(|e| order.get(&e.rowid).copied().unwrap_or(usize::MAX));
    Ok(events)
}

fn raw(text: Option<String>) -> StoreResult<Option<Box<RawValue>>> {
    Ok(match text {
        Some(t) => Some(RawValue::from_string(t)?),
        None => None,
    })
}

pub fn from_row(r: &SqliteRow) -> StoreResult<Event> {
    let local_content: Option<String> = r.get(11);
    let reactions: Option<String> = r.get(18);
    Ok(Event {
        rowid: r.get(0),
        timeline_rowid: 0,
        room_id: r.get(1),
        event_id: r.get(2),
        sender: r.get(3),
        event_type: r.get(4),
        state_key: r.get(5),
        timestamp: r.get(6),
        content: RawValue::from_string(r.get(7))?,
        decrypted: raw(r.get(8))?,
        decrypted_type: r.get(9),
        unsigned: raw(r.get(10))?,
        local_content: local_content
            .map(|t| serde_json::from_str(&t))
            .transpose()?,
        transaction_id: r.get(12),
        redacted_by: r.get(13),
        relates_to: r.get(14),
        relation_type: r.get(15),
        decryption_error: r.get(16),
        send_error: r.get(17),
        reactions: reactions
            .map(|t| serde_json::from_str(&t))
            .transpose()?
            .filter(|m: &std::collections::BTreeMap<String, i64>| !m.is_empty()),
        last_edit_rowid: r.get(19),
        unread_type: r.get(20),
        sticky_duration_ms: None,
    })
}

impl super::Store {
    pub async fn has_event(&self, event_id: &str) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM event WHERE event_id = ?")
            .bind(event_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(found.is_some())
    }
}
