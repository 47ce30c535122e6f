//! The `current_state` table: the newest state event per (type, state_key).

use sqlx::Row;
use trellis_rpc::model::EventRowId;

use super::{StoreResult, Tx};

pub async fn set(
    tx: &mut Tx,
    room_id: &str,
    event_type: &str,
    state_key: &str,
    event_rowid: EventRowId,
    membership: Option<&str>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO current_state (room_id, event_type, state_key, event_rowid, membership)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (room_id, event_type, state_key)
         DO UPDATE SET event_rowid = excluded.event_rowid, membership = excluded.membership",
    )
    .bind(room_id)
    .bind(event_type)
    .bind(state_key)
    .bind(event_rowid)
    .bind(membership)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The content of the current state event of a type and key, as JSON text.
pub async fn content(
    tx: &mut Tx,
    room_id: &str,
    event_type: &str,
    state_key: &str,
) -> StoreResult<Option<String>> {
    let row = sqlx::query(
        "SELECT event.content FROM current_state
         JOIN event ON event.rowid = current_state.event_rowid
         WHERE current_state.room_id = ? AND current_state.event_type = ? AND current_state.state_key = ?",
    )
    .bind(room_id)
    .bind(event_type)
    .bind(state_key)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| r.get(0)))
}

/// Every current state event of a type in a room: (state_key, rowid, content).
pub async fn all_of_type(
    tx: &mut Tx,
    room_id: &str,
    event_type: &str,
) -> StoreResult<Vec<(String, EventRowId, String)>> {
    let rows = sqlx::query(
        "SELECT current_state.state_key, event.rowid, event.content FROM current_state
         JOIN event ON event.rowid = current_state.event_rowid
         WHERE current_state.room_id = ? AND current_state.event_type = ?",
    )
    .bind(room_id)
    .bind(event_type)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}
