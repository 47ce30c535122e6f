//! The `receipt` table: the newest receipt per user, type and thread.

use trellis_rpc::model::Receipt;

use super::{StoreResult, Tx};

pub async fn put(tx: &mut Tx, r: &Receipt) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO receipt (room_id, user_id, receipt_type, thread_id, event_id, timestamp)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (room_id, user_id, receipt_type, thread_id)
         DO UPDATE SET event_id = excluded.event_id, timestamp = excluded.timestamp",
    )
    .bind(&r.room_id)
    .bind(&r.user_id)
    .bind(&r.receipt_type)
    .bind(&r.thread_id)
    .bind(&r.event_id)
    .bind(r.timestamp)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
