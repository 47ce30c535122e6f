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

/// Receipts on the given events, by event id.
pub async fn for_events<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    room_id: &str,
    event_ids: &[String],
) -> StoreResult<std::collections::BTreeMap<String, Vec<Receipt>>> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT room_id, user_id, receipt_type, thread_id, event_id, timestamp FROM receipt
         WHERE room_id = ? AND event_id IN (SELECT value FROM json_each(?))",
    )
    .bind(room_id)
    .bind(serde_json::to_string(event_ids)?)
    .fetch_all(db)
    .await?;
    let mut out: std::collections::BTreeMap<String, Vec<Receipt>> = Default::default();
    for r in rows {
        let receipt = Receipt {
            room_id: r.get(0),
            user_id: r.get(1),
            receipt_type: r.get(2),
            thread_id: r.get(3),
            event_id: r.get(4),
            timestamp: r.get(5),
        };
        out.entry(receipt.event_id.clone())
            .or_default()
            .push(receipt);
    }
    Ok(out)
}
