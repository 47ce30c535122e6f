//! Space hierarchy edges, from m.space.child in spaces and m.space.parent in rooms.

use sqlx::Row;
use trellis_rpc::model::{EventRowId, SpaceEdge};

use super::{StoreResult, Tx};

pub async fn set_child(
    tx: &mut Tx,
    space_id: &str,
    child_id: &str,
    child_event_rowid: EventRowId,
    order: &str,
    suggested: bool,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO space_edge (space_id, child_id, child_event_rowid, child_order, suggested)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (space_id, child_id) DO UPDATE SET child_event_rowid = excluded.child_event_rowid,
            child_order = excluded.child_order, suggested = excluded.suggested",
    )
    .bind(space_id)
    .bind(child_id)
    .bind(child_event_rowid)
    .bind(order)
    .bind(suggested)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn set_parent(
    tx: &mut Tx,
    space_id: &str,
    child_id: &str,
    parent_event_rowid: EventRowId,
    canonical: bool,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO space_edge (space_id, child_id, parent_event_rowid, canonical) VALUES (?, ?, ?, ?)
         ON CONFLICT (space_id, child_id) DO UPDATE SET parent_event_rowid = excluded.parent_event_rowid,
            canonical = excluded.canonical",
    )
    .bind(space_id)
    .bind(child_id)
    .bind(parent_event_rowid)
    .bind(canonical)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes an edge whose child and parent events are both gone (emptied content).
pub async fn remove_child(tx: &mut Tx, space_id: &str, child_id: &str) -> StoreResult<()> {
    sqlx::query(
        "UPDATE space_edge SET child_event_rowid = NULL, child_order = '', suggested = 0
         WHERE space_id = ? AND child_id = ?",
    )
    .bind(space_id)
    .bind(child_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "DELETE FROM space_edge WHERE space_id = ? AND child_id = ?
         AND child_event_rowid IS NULL AND parent_event_rowid IS NULL",
    )
    .bind(space_id)
    .bind(child_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Every edge of the given spaces (all spaces when `space_ids` is None).
pub async fn edges<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    space_ids: Option<&[String]>,
) -> StoreResult<Vec<SpaceEdge>> {
    let filter = serde_json::to_string(&space_ids.unwrap_or(&[]))?;
    let rows = sqlx::query(
        "SELECT space_id, child_id, child_event_rowid, child_order, suggested, parent_event_rowid, canonical
         FROM space_edge WHERE ?1 = 0 OR space_id IN (SELECT value FROM json_each(?2))
         ORDER BY space_id, child_order, child_id",
    )
    .bind(space_ids.is_some())
    .bind(filter)
    .fetch_all(db)
    .await?;
    Ok(rows
        .iter()
        .map(|r| SpaceEdge {
            space_id: r.get(0),
            child_id: r.get(1),
            child_event_rowid: r.get::<Option<i64>, _>(2).unwrap_or(0),
            order: r.get(3),
            suggested: r.get(4),
            parent_event_rowid: r.get::<Option<i64>, _>(5).unwrap_or(0),
            canonical: r.get(6),
        })
        .collect())
}

/// Joined spaces that no other joined space lists as a child.
pub async fn top_level_spaces<'e, E: sqlx::SqliteExecutor<'e>>(db: E) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT room_id FROM room WHERE room_type = 'm.space' AND room_id NOT IN (
            SELECT child_id FROM space_edge JOIN room parent ON parent.room_id = space_edge.space_id
            WHERE space_edge.child_event_rowid IS NOT NULL)
         ORDER BY room_id",
    )
    .fetch_all(db)
    .await?)
}
