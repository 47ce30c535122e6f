//! The `timeline` table: each room's events in display order.

use trellis_rpc::model::{Event, EventRowId, TimelineRowId, TimelineRowTuple};

use super::{StoreResult, Tx};

/// Forgets a room's timeline (after a gap we could not fill).
pub async fn clear(tx: &mut Tx, room_id: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM timeline WHERE room_id = ?")
        .bind(room_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whether we hold any timeline for the room.
pub async fn exists<'e, E: sqlx::SqliteExecutor<'e>>(db: E, room_id: &str) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM timeline WHERE room_id = ? LIMIT 1")
        .bind(room_id)
        .fetch_optional(db)
        .await?;
    Ok(found.is_some())
}

/// Puts an event before everything in every timeline (events fetched by
/// back-pagination, newest first), unless it is in the timeline already.
/// Rowids below the global minimum keep each room's order by rowid.
pub async fn prepend(
    tx: &mut Tx,
    room_id: &str,
    event_rowid: EventRowId,
) -> StoreResult<Option<TimelineRowTuple>> {
    let rowid: Option<i64> = sqlx::query_scalar(
        "INSERT INTO timeline (rowid, room_id, event_rowid)
         VALUES ((SELECT MIN(COALESCE(MIN(rowid), 0), 0) - 1 FROM timeline), ?, ?)
         ON CONFLICT (event_rowid) DO NOTHING RETURNING rowid",
    )
    .bind(room_id)
    .bind(event_rowid)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(rowid.map(|timeline_rowid| TimelineRowTuple {
        timeline_rowid,
        event_rowid,
    }))
}

/// Up to `limit` timeline events older than `before` (0 = the newest),
/// newest first, with their timeline rowids.
pub async fn page<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    room_id: &str,
    before: TimelineRowId,
    limit: u32,
) -> StoreResult<Vec<Event>> {
    // One plain range, so SQLite seeks (room_id, rowid) to `before` instead
    // of walking the room's index down from the newest row (an `OR` in the
    // condition kept it from using the range). The page comes back as one
    // JSON row (see `event::by_rowids_and_ids`).
    let sql = format!(
        "SELECT json_group_array({}) FROM timeline JOIN event ON event.rowid = timeline.event_rowid
         WHERE timeline.rowid IN (SELECT rowid FROM timeline WHERE room_id = ? AND rowid < ?
            ORDER BY rowid DESC LIMIT ?)",
        super::event::json_object_on_timeline()
    );
    let before = if before == 0 {
        TimelineRowId::MAX
    } else {
        before
    };
    let array: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(room_id)
        .bind(before)
        .bind(limit)
        .fetch_one(db)
        .await?;
    let mut events = super::event::from_json_array(&array)?;
    events.sort_by_key(|e| std::cmp::Reverse(e.timeline_rowid));
    Ok(events)
}

/// Appends events to a room's timeline in the given order, skipping those
/// already in it. The new rows take consecutive rowids above every other
/// (one statement, inside the write transaction); returns the first of
/// them, or `None` if nothing was new. Rows are not returned one by one:
/// each would be a hand-off from sqlx's worker thread.
pub async fn append_many(
    tx: &mut Tx,
    room_id: &str,
    event_rowids: &[EventRowId],
) -> StoreResult<Option<TimelineRowId>> {
    if event_rowids.is_empty() {
        return Ok(None);
    }
    let done = sqlx::query(
        "INSERT INTO timeline (room_id, event_rowid)
         SELECT ?, value FROM json_each(?) WHERE true ORDER BY key
         ON CONFLICT (event_rowid) DO NOTHING",
    )
    .bind(room_id)
    .bind(serde_json::to_string(event_rowids)?)
    .execute(&mut **tx)
    .await?;
    let appended = done.rows_affected() as i64;
    Ok((appended > 0).then(|| done.last_insert_rowid() - appended + 1))
}
