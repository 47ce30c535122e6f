//! Rooms we are invited to, with the stripped state the invite carried.

use serde_json::value::RawValue;
use sqlx::Row;
use trellis_rpc::model::InvitedRoom;

use super::{StoreResult, Tx};

pub async fn put(tx: &mut Tx, room: &InvitedRoom) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO invited_room (room_id, received_at, invite_state) VALUES (?, ?, ?)
         ON CONFLICT (room_id) DO UPDATE SET invite_state = excluded.invite_state",
    )
    .bind(&room.room_id)
    .bind(room.created_at)
    .bind(serde_json::to_string(&room.invite_state)?)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, room_id: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM invited_room WHERE room_id = ?")
        .bind(room_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn list<'e, E: sqlx::SqliteExecutor<'e>>(db: E) -> StoreResult<Vec<InvitedRoom>> {
    let rows = sqlx::query(
        "SELECT room_id, received_at, invite_state FROM invited_room ORDER BY received_at DESC",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            let state: String = r.get(2);
            let invite_state: Vec<Box<RawValue>> = serde_json::from_str(&state)?;
            Ok(InvitedRoom {
                room_id: r.get(0),
                created_at: r.get(1),
                invite_state,
            })
        })
        .collect()
}
