//! The `room` table: metadata, preview, sort order and unread counters.

use serde_json::value::RawValue;
use sqlx::{Row, sqlite::SqliteRow};
use trellis_rpc::model::Room;

use super::{StoreResult, Tx};

/// Metadata derived from a room's current state (see `sync::meta`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoomMeta {
    pub room_type: Option<String>,
    pub creation_content: Option<String>,
    pub tombstone_content: Option<String>,
    pub name: Option<String>,
    pub name_quality: i64,
    pub avatar: Option<String>,
    pub explicit_avatar: bool,
    pub dm_user_id: Option<String>,
    pub topic: Option<String>,
    pub canonical_alias: Option<String>,
    pub lazy_load_summary: Option<String>,
    pub encryption_event: Option<String>,
}

const COLUMNS: &str = "room_id, creation_content, tombstone_content, name, name_quality, avatar,
    explicit_avatar, dm_user_id, topic, canonical_alias, lazy_load_summary, encryption_event,
    has_member_list, preview_event_rowid, sorting_timestamp, unread_highlights,
    unread_notifications, unread_messages, marked_unread";

/// Creates the room row if this is the first we hear of it; returns whether it was new.
pub async fn ensure(tx: &mut Tx, room_id: &str) -> StoreResult<bool> {
    let done =
        sqlx::query("INSERT INTO room (room_id) VALUES (?) ON CONFLICT (room_id) DO NOTHING")
            .bind(room_id)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn delete(tx: &mut Tx, room_id: &str) -> StoreResult<()> {
    // Space edges and our timeline rows go with the room; events cascade.
    sqlx::query("DELETE FROM current_state WHERE room_id = ?")
        .bind(room_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM timeline WHERE room_id = ?")
        .bind(room_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE room SET preview_event_rowid = NULL WHERE room_id = ?")
        .bind(room_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM event WHERE room_id = ?")
        .bind(room_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM room WHERE room_id = ?")
        .bind(room_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_meta(tx: &mut Tx, room_id: &str, m: &RoomMeta) -> StoreResult<()> {
    sqlx::query(
        "UPDATE room SET room_type = ?, creation_content = ?, tombstone_content = ?, name = ?,
            name_quality = ?, avatar = ?, explicit_avatar = ?, dm_user_id = ?, topic = ?,
            canonical_alias = ?, lazy_load_summary = COALESCE(?, lazy_load_summary),
            encryption_event = ?
         WHERE room_id = ?",
    )
    .bind(&m.room_type)
    .bind(&m.creation_content)
    .bind(&m.tombstone_content)
    .bind(&m.name)
    .bind(m.name_quality)
    .bind(&m.avatar)
    .bind(m.explicit_avatar)
    .bind(&m.dm_user_id)
    .bind(&m.topic)
    .bind(&m.canonical_alias)
    .bind(&m.lazy_load_summary)
    .bind(&m.encryption_event)
    .bind(room_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn lazy_load_summary(tx: &mut Tx, room_id: &str) -> StoreResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT lazy_load_summary FROM room WHERE room_id = ?")
            .bind(room_id)
            .fetch_optional(&mut **tx)
            .await?
            .flatten(),
    )
}

/// Where back-pagination from the homeserver continues for this room.
pub async fn set_prev_batch(
    tx: &mut Tx,
    room_id: &str,
    prev_batch: Option<&str>,
) -> StoreResult<()> {
    sqlx::query("UPDATE room SET prev_batch = ? WHERE room_id = ?")
        .bind(prev_batch)
        .bind(room_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Event types a room list shows as the latest message.
const PREVIEW_TYPES: &str = "('m.room.message', 'm.sticker', 'm.room.encrypted', 'm.poll.start')";

/// Recomputes the preview event, the sorting timestamp (at least
/// `min_sorting_ts`, for rooms with no previewable message yet) and the
/// unread counters (everything after our own newest read receipt), and
/// returns the updated room. One statement: sync runs this for every room
/// of a response.
pub async fn refresh_activity(
    tx: &mut Tx,
    room_id: &str,
    own_user_id: &str,
    min_sorting_ts: i64,
) -> StoreResult<Option<Room>> {
    // The LEFT JOIN keeps the row when there is no preview event: the old
    // preview then stays.
    let sql = format!(
        "UPDATE room SET
            preview_event_rowid = COALESCE(p.rowid, room.preview_event_rowid),
            sorting_timestamp = MAX(room.sorting_timestamp, ?3, COALESCE(p.timestamp, 0)),
            (unread_highlights, unread_notifications, unread_messages) = (
                SELECT COALESCE(SUM(event.unread_type & 4 != 0), 0),
                       COALESCE(SUM(event.unread_type & 2 != 0), 0),
                       COALESCE(SUM(event.unread_type & 1 != 0), 0)
                FROM timeline JOIN event ON event.rowid = timeline.event_rowid
                WHERE timeline.room_id = ?1 AND event.unread_type > 0
                  AND event.redacted_by IS NULL
                  AND timeline.rowid > COALESCE((
                    SELECT MAX(t.rowid) FROM receipt
                    JOIN event r ON r.event_id = receipt.event_id
                    JOIN timeline t ON t.event_rowid = r.rowid
                    WHERE receipt.room_id = ?1 AND receipt.user_id = ?2
                      AND receipt.receipt_type IN ('m.read', 'm.read.private')), 0))
         FROM (SELECT 1) AS one LEFT JOIN (
               SELECT event.rowid AS rowid, event.timestamp AS timestamp FROM timeline
               JOIN event ON event.rowid = timeline.event_rowid
               WHERE timeline.room_id = ?1 AND event.type IN {PREVIEW_TYPES}
                 AND event.redacted_by IS NULL
                 AND (event.relation_type IS NULL OR event.relation_type != 'm.replace')
               ORDER BY timeline.rowid DESC LIMIT 1) AS p ON true
         WHERE room.room_id = ?1
         RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(room_id)
        .bind(own_user_id)
        .bind(min_sorting_ts)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn get<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    room_id: &str,
) -> StoreResult<Option<Room>> {
    let sql = format!("SELECT {COLUMNS} FROM room WHERE room_id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(room_id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every joined room, most recently active first (the room list).
pub async fn list<'e, E: sqlx::SqliteExecutor<'e>>(db: E) -> StoreResult<Vec<Room>> {
    let sql = format!("SELECT {COLUMNS} FROM room ORDER BY sorting_timestamp DESC, room_id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(db).await?;
    rows.iter().map(from_row).collect()
}

fn raw(text: Option<String>) -> StoreResult<Option<Box<RawValue>>> {
    Ok(text.map(RawValue::from_string).transpose()?)
}

fn from_row(r: &SqliteRow) -> StoreResult<Room> {
    let summary: Option<String> = r.get(10);
    Ok(Room {
        room_id: r.get(0),
        creation_content: raw(r.get(1))?,
        tombstone: raw(r.get(2))?,
        name: r.get(3),
        name_quality: r.get(4),
        avatar: r.get(5),
        explicit_avatar: r.get(6),
        dm_user_id: r.get(7),
        topic: r.get(8),
        canonical_alias: r.get(9),
        lazy_load_summary: summary.map(|s| serde_json::from_str(&s)).transpose()?,
        encryption_event: raw(r.get(11))?,
        has_member_list: r.get(12),
        preview_event_rowid: r.get::<Option<i64>, _>(13).unwrap_or(0),
        sorting_timestamp: r.get(14),
        unread_highlights: r.get(15),
        unread_notifications: r.get(16),
        unread_messages: r.get(17),
        marked_unread: r.get(18),
    })
}

/// The pagination token of a room: `None` if we never had one, `Some("")`
/// once back-pagination reached the room's start.
pub async fn prev_batch<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    room_id: &str,
) -> StoreResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT prev_batch FROM room WHERE room_id = ?")
            .bind(room_id)
            .fetch_optional(db)
            .await?
            .flatten(),
    )
}

pub async fn set_has_member_list(tx: &mut Tx, room_id: &str) -> StoreResult<()> {
    sqlx::query("UPDATE room SET has_member_list = 1 WHERE room_id = ?")
        .bind(room_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
