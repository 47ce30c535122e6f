//! The `current_state` table: the newest state event per (type, state_key).

use sqlx::Row;
use trellis_rpc::model::EventRowId;

use super::{StoreResult, Tx};

/// One current-state entry to record.
#[derive(Debug, Clone)]
pub struct Entry {
    pub event_type: String,
    pub state_key: String,
    pub event_rowid: EventRowId,
    pub membership: Option<String>,
}

/// Makes each event the current state for its type and key; of several
/// for the same key, the last wins.
pub async fn set_many(tx: &mut Tx, room_id: &str, entries: &[Entry]) -> StoreResult<()> {
    // 5 parameters a row, far below SQLite's limit.
    for chunk in entries.chunks(500) {
        let values = vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "INSERT INTO current_state (room_id, event_type, state_key, event_rowid, membership)
             VALUES {values}
             ON CONFLICT (room_id, event_type, state_key)
             DO UPDATE SET event_rowid = excluded.event_rowid, membership = excluded.membership"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for e in chunk {
            query = query
                .bind(room_id)
                .bind(&e.event_type)
                .bind(&e.state_key)
                .bind(e.event_rowid)
                .bind(&e.membership);
        }
        query.execute(&mut **tx).await?;
    }
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

/// Records a state event only if the room has none for its key yet (state
/// that pagination brings is historical, never newer than ours).
pub async fn set_if_absent(
    tx: &mut Tx,
    room_id: &str,
    event_type: &str,
    state_key: &str,
    event_rowid: EventRowId,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO current_state (room_id, event_type, state_key, event_rowid) VALUES (?, ?, ?, ?)
         ON CONFLICT (room_id, event_type, state_key) DO NOTHING",
    )
    .bind(room_id)
    .bind(event_type)
    .bind(state_key)
    .bind(event_rowid)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The room's current state events; member events only when asked for.
pub async fn events<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    room_id: &str,
    include_members: bool,
) -> StoreResult<Vec<trellis_rpc::model::Event>> {
    // One JSON row, not a row per event (a room can have thousands of
    // members); see `event::by_rowids_and_ids`.
    let sql = format!(
        "SELECT json_group_array({} ORDER BY current_state.event_type, current_state.state_key)
         FROM current_state JOIN event ON event.rowid = current_state.event_rowid
         WHERE current_state.room_id = ? AND (? OR current_state.event_type != 'm.room.member')",
        super::event::json_object("0")
    );
    let array: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(room_id)
        .bind(include_members)
        .fetch_one(db)
        .await?;
    super::event::from_json_array(&array)
}

/// The contents of the room-level state events (state key "") that room
/// metadata is derived from, by event type.
pub async fn room_level(
    tx: &mut Tx,
    room_id: &str,
) -> StoreResult<std::collections::HashMap<String, String>> {
    let rows = sqlx::query(
        "SELECT current_state.event_type, event.content FROM current_state
         JOIN event ON event.rowid = current_state.event_rowid
         WHERE current_state.room_id = ? AND current_state.state_key = ''
           AND current_state.event_type IN ('m.room.create', 'm.room.name', 'm.room.canonical_alias',
               'm.room.topic', 'm.room.avatar', 'm.room.encryption', 'm.room.tombstone')",
    )
    .bind(room_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// The current state events at the given (room, type, state_key)
/// addresses, in the order asked for; addresses without one are left out.
pub async fn specific<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    keys: &[(&str, &str, &str)],
) -> StoreResult<Vec<trellis_rpc::model::Event>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {} FROM json_each(?) AS k
         JOIN current_state ON current_state.room_id = json_extract(k.value, '$[0]')
          AND current_state.event_type = json_extract(k.value, '$[1]')
          AND current_state.state_key = json_extract(k.value, '$[2]')
         JOIN event ON event.rowid = current_state.event_rowid
         ORDER BY k.key",
        super::event::COLUMNS
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(serde_json::to_string(keys)?)
        .fetch_all(db)
        .await?;
    rows.iter().map(super::event::from_row).collect()
}
