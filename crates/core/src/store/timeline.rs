//! The `timeline` table: each room's events in display order.

use trellis_rpc::model::{EventRowId, TimelineRowTuple};

use super::{StoreResult, Tx};

/// Appends an event to its room's timeline unless it is there already.
pub async fn append(
    tx: &mut Tx,
    room_id: &str,
    event_rowid: EventRowId,
) -> StoreResult<Option<TimelineRowTuple>> {
    let rowid: Option<i64> = sqlx::query_scalar(
        "INSERT INTO timeline (room_id, event_rowid) VALUES (?, ?)
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

/// Forgets a room's timeline (after a gap we could not fill).
pub async fn clear(tx: &mut Tx, room_id: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM timeline WHERE room_id = ?")
        .bind(room_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whether the room has any timeline yet.
pub async fn is_empty(tx: &mut Tx, room_id: &str) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM timeline WHERE room_id = ? LIMIT 1")
        .bind(room_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_none())
}

impl super::Store {
    /// Whether we hold any timeline for the room.
    pub async fn has_timeline(&self, room_id: &str) -> StoreResult<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM timeline WHERE room_id = ? LIMIT 1")
                .bind(room_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(found.is_some())
    }
}
