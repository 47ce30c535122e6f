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
    /// Set on our own events (unsigned.transaction_id) to find their echo.
    pub transaction_id: Option<String>,
    /// `LocalContent` as JSON (see `content`).
    pub local_content: Option<String>,
    /// MSC4354: how long the sender asked the event to stay sticky.
    pub sticky_duration_ms: Option<i64>,
    /// When it stops being sticky (ms since the epoch), see `sticky_until`.
    pub sticky_until: Option<i64>,
}

/// The most an event stays sticky (MSC4354).
pub const MAX_STICKY_MS: i64 = 3_600_000;

/// When an event sent at `timestamp` and sticky for `duration_ms` stops
/// being sticky: counted from when it was sent or, for a sender whose
/// clock is ahead (or lies), from when we got it, and never over an hour.
pub fn sticky_until(timestamp: i64, duration_ms: i64, now: i64) -> i64 {
    timestamp.min(now) + duration_ms.clamp(0, MAX_STICKY_MS)
}

/// The columns `from_row` reads, qualified so joins can use them too.
pub const COLUMNS: &str = "event.rowid, event.room_id, event.event_id, event.sender,
    event.type, event.state_key, event.timestamp, event.content, event.decrypted,
    event.decrypted_type, event.unsigned, event.local_content, event.transaction_id,
    event.redacted_by, event.relates_to, event.relation_type, event.decryption_error,
    event.send_error, event.reactions, event.last_edit_rowid, event.unread_type,
    event.sticky_duration_ms";

/// Inserts the event unless we have it already; returns its rowid and
/// whether it was new. Replays after a crash therefore change nothing.
pub async fn insert(tx: &mut Tx, e: &NewEvent) -> StoreResult<(EventRowId, bool)> {
    if let Some(txn_id) = &e.transaction_id {
        // Our own event coming back: it takes over its local echo's row,
        // keeping the echo's edit_source (the text as typed).
        let echo: Option<EventRowId> = sqlx::query_scalar(
            "UPDATE OR IGNORE event SET event_id = ?, type = ?, timestamp = ?, content = ?, decrypted = ?,
                decrypted_type = ?, unsigned = ?, megolm_session_id = ?, send_error = NULL,
                local_content = json_patch(COALESCE(?, local_content),
                    json_object('edit_source', json_extract(local_content, '$.edit_source')))
             WHERE transaction_id = ? AND event_id LIKE '~%' RETURNING rowid",
        )
        .bind(&e.event_id)
        .bind(&e.event_type)
        .bind(e.timestamp)
        .bind(&e.content)
        .bind(&e.decrypted)
        .bind(&e.decrypted_type)
        .bind(&e.unsigned)
        .bind(&e.megolm_session_id)
        .bind(&e.local_content)
        .bind(txn_id)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(rowid) = echo {
            return Ok((rowid, true));
        }
    }
    let mut placed = insert_many(tx, std::slice::from_ref(e)).await?;
    placed
        .pop()
        .ok_or_else(|| super::StoreError::Sqlx(sqlx::Error::RowNotFound))
}

/// Rows per multi-row INSERT: 20 parameters each, far below SQLite's limit.
const INSERT_CHUNK: usize = 100;

/// Inserts many events (none of them remote echoes of ours) in few
/// statements; returns (rowid, is_new) for each, in order. Events we hold
/// already keep their row, except a sent local echo, which takes the
/// homeserver's version (e.g. the encrypted form of what we sent).
pub async fn insert_many(tx: &mut Tx, events: &[NewEvent]) -> StoreResult<Vec<(EventRowId, bool)>> {
    let mut placed: std::collections::HashMap<String, (EventRowId, bool)> =
        std::collections::HashMap::with_capacity(events.len());
    for chunk in events.chunks(INSERT_CHUNK) {
        // A RETURNING row costs about what a statement does (each crosses
        // from sqlx's worker thread), so a check first pays from two rows.
        if chunk.len() > 1 && all_unknown(tx, chunk).await? {
            // Nothing conflicts, so the rows get consecutive rowids in order.
            let done = bind_values(
                sqlx::query(sqlx::AssertSqlSafe(insert_sql(chunk.len(), ""))),
                chunk,
            )
            .execute(&mut **tx)
            .await?;
            let first = done.last_insert_rowid() - chunk.len() as i64 + 1;
            if done.rows_affected() == chunk.len() as u64 {
                for (i, e) in chunk.iter().enumerate() {
                    placed.insert(e.event_id.clone(), (first + i as i64, true));
                }
                continue;
            }
            return Err(super::StoreError::Sqlx(sqlx::Error::Protocol(
                "event insert skipped rows it was told were new".into(),
            )));
        }
        let sql = insert_sql(chunk.len(), "RETURNING rowid, event_id");
        for row in bind_values(sqlx::query(sqlx::AssertSqlSafe(sql)), chunk)
            .fetch_all(&mut **tx)
            .await?
        {
            placed.insert(row.get(1), (row.get(0), true));
        }
    }
    let missing: Vec<&str> = events
        .iter()
        .map(|e| e.event_id.as_str())
        .filter(|id| !placed.contains_key(*id))
        .collect();
    if !missing.is_empty() {
        let rows = sqlx::query(
            "SELECT rowid, event_id FROM event WHERE event_id IN (SELECT value FROM json_each(?))",
        )
        .bind(serde_json::to_string(&missing)?)
        .fetch_all(&mut **tx)
        .await?;
        for row in rows {
            placed.insert(row.get(1), (row.get(0), false));
        }
    }
    events
        .iter()
        .map(|e| {
            placed
                .get(e.event_id.as_str())
                .copied()
                .ok_or(super::StoreError::Sqlx(sqlx::Error::RowNotFound))
        })
        .collect()
}

/// Whether none of these events is stored yet and none repeats another.
async fn all_unknown(tx: &mut Tx, chunk: &[NewEvent]) -> StoreResult<bool> {
    let ids: std::collections::HashSet<&str> = chunk.iter().map(|e| e.event_id.as_str()).collect();
    if ids.len() < chunk.len() {
        return Ok(false);
    }
    let known: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM event WHERE event_id IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(&ids)?)
    .fetch_one(&mut **tx)
    .await?;
    Ok(known == 0)
}

/// A multi-row upsert of `rows` events, then `tail` (e.g. a RETURNING).
fn insert_sql(rows: usize, tail: &str) -> String {
    let values =
        vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; rows].join(", ");
    format!(
        "INSERT INTO event (room_id, event_id, sender, type, state_key, timestamp, content,
            decrypted, decrypted_type, unsigned, redacts, relates_to, relation_type, reaction_key,
            megolm_session_id, decryption_error, unread_type, local_content, sticky_duration_ms,
            sticky_until)
         VALUES {values}
         ON CONFLICT (event_id) DO UPDATE SET type = excluded.type, content = excluded.content,
            decrypted = excluded.decrypted, decrypted_type = excluded.decrypted_type,
            unsigned = excluded.unsigned, timestamp = excluded.timestamp,
            megolm_session_id = excluded.megolm_session_id,
            local_content = COALESCE(excluded.local_content, event.local_content)
         WHERE event.transaction_id IS NOT NULL AND event.unsigned IS NULL
         {tail}"
    )
}

/// Binds the 20 parameters of `insert_sql` for each event.
fn bind_values<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    chunk: &'q [NewEvent],
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    for e in chunk {
        query = query
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
            .bind(&e.local_content)
            .bind(e.sticky_duration_ms)
            .bind(e.sticky_until);
    }
    query
}

/// Loads events by rowid, in the order asked for.
pub async fn by_rowids<'e, E>(db: E, rowids: &[EventRowId]) -> StoreResult<Vec<Event>>
where
    E: sqlx::SqliteExecutor<'e>,
{
    by_rowids_and_ids(db, rowids, &[], &[]).await
}

/// Loads events by rowid, in the order asked for, and in the same read
/// those of `event_ids` we hold and those of `if_related` that a relation
/// trigger has marked (redacted, reacted to, edited), after them in no set
/// order. Events on a timeline come with their `timeline_rowid`.
///
/// The events come back as one JSON array in one row: sqlx hands every row
/// (and copies every column) across from its worker thread, which cost more
/// than the read itself when a sync resends thousands of events.
pub async fn by_rowids_and_ids<'e, E>(
    db: E,
    rowids: &[EventRowId],
    event_ids: &[&str],
    if_related: &[EventRowId],
) -> StoreResult<Vec<Event>>
where
    E: sqlx::SqliteExecutor<'e>,
{
    if rowids.is_empty() && event_ids.is_empty() && if_related.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT json_group_array({}) FROM event
         LEFT JOIN timeline ON timeline.event_rowid = event.rowid
         WHERE event.rowid IN (SELECT value FROM json_each(?))
            OR event.event_id IN (SELECT value FROM json_each(?))
            OR (event.rowid IN (SELECT value FROM json_each(?)) AND (event.redacted_by IS NOT NULL
                OR event.last_edit_rowid IS NOT NULL OR event.reactions != '{{}}'))",
        json_object_on_timeline()
    );
    let array: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(serde_json::to_string(rowids)?)
        .bind(serde_json::to_string(event_ids)?)
        .bind(serde_json::to_string(if_related)?)
        .fetch_one(db)
        .await?;
    let mut events = from_json_array(&array)?;
    let order: std::collections::HashMap<_, _> =
        rowids.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    events.sort_by_key(|e| order.get(&e.rowid).copied().unwrap_or(usize::MAX));
    Ok(events)
}

impl NewEvent {
    /// The event as its row reads right after `insert_many` stored it, at
    /// `rowid` (and `timeline_rowid`, 0 if none), before any relation
    /// trigger marked it. Not for events that took over a local echo.
    pub fn as_stored(&self, rowid: EventRowId, timeline_rowid: i64) -> StoreResult<Event> {
        let json = |text: &Option<String>| raw(text.clone());
        Ok(Event {
            rowid,
            timeline_rowid,
            room_id: self.room_id.clone(),
            event_id: self.event_id.clone(),
            sender: self.sender.clone(),
            event_type: self.event_type.clone(),
            state_key: self.state_key.clone(),
            timestamp: self.timestamp,
            content: RawValue::from_string(self.content.clone())?,
            decrypted: json(&self.decrypted)?,
            decrypted_type: self.decrypted_type.clone(),
            unsigned: json(&self.unsigned)?,
            local_content: self
                .local_content
                .as_deref()
                .map(serde_json::from_str)
                .transpose()?,
            transaction_id: None,
            redacted_by: None,
            relates_to: self.relates_to.clone(),
            relation_type: self.relation_type.clone(),
            decryption_error: self.decryption_error.clone(),
            send_error: None,
            reactions: None,
            last_edit_rowid: None,
            unread_type: self.unread_type,
            sticky_duration_ms: self.sticky_duration_ms,
        })
    }
}

/// An event row as the JSON of an `Event`, for `json_group_array`, with
/// `timeline_rowid` taken from the given SQL expression. JSON columns go
/// through `json()` so they nest as values, not as strings.
pub fn json_object(timeline_rowid: &str) -> String {
    format!(
        "json_object('rowid', event.rowid, 'timeline_rowid', {timeline_rowid},
        'room_id', event.room_id, 'event_id', event.event_id, 'sender', event.sender,
        'type', event.type, 'state_key', event.state_key, 'timestamp', event.timestamp,
        'content', json(event.content), 'decrypted', json(event.decrypted),
        'decrypted_type', event.decrypted_type, 'unsigned', json(event.unsigned),
        'local_content', json(event.local_content), 'transaction_id', event.transaction_id,
        'redacted_by', event.redacted_by, 'relates_to', event.relates_to,
        'relation_type', event.relation_type, 'decryption_error', event.decryption_error,
        'send_error', event.send_error, 'reactions', json(event.reactions),
        'last_edit_rowid', event.last_edit_rowid, 'unread_type', event.unread_type,
        'sticky_duration_ms', event.sticky_duration_ms)"
    )
}

/// `json_object` for a query that LEFT JOINs `timeline`.
pub fn json_object_on_timeline() -> String {
    json_object("COALESCE(timeline.rowid, 0)")
}

/// Parses a `json_group_array` of `json_object`s.
pub fn from_json_array(array: &str) -> StoreResult<Vec<Event>> {
    let mut events: Vec<Event> = serde_json::from_str(array)?;
    for e in &mut events {
        // The store keeps `{}` once the last reaction is redacted.
        if e.reactions.as_ref().is_some_and(|r| r.is_empty()) {
            e.reactions = None;
        }
    }
    Ok(events)
}

fn raw(text: Option<String>) -> StoreResult<Option<Box<RawValue>>> {
    Ok(match text {
        Some(t) => Some(RawValue::from_string(t)?),
        None => None,
    })
}

pub fn from_row(r: &SqliteRow) -> StoreResult<Event> {
    from_row_at(r, 0)
}

/// Reads an event whose `COLUMNS` start at column `at` of the row.
pub fn from_row_at(r: &SqliteRow, at: usize) -> StoreResult<Event> {
    let local_content: Option<String> = r.get(at + 11);
    let reactions: Option<String> = r.get(at + 18);
    Ok(Event {
        rowid: r.get(at),
        timeline_rowid: 0,
        room_id: r.get(at + 1),
        event_id: r.get(at + 2),
        sender: r.get(at + 3),
        event_type: r.get(at + 4),
        state_key: r.get(at + 5),
        timestamp: r.get(at + 6),
        content: RawValue::from_string(r.get(at + 7))?,
        decrypted: raw(r.get(at + 8))?,
        decrypted_type: r.get(at + 9),
        unsigned: raw(r.get(at + 10))?,
        local_content: local_content
            .map(|t| serde_json::from_str(&t))
            .transpose()?,
        transaction_id: r.get(at + 12),
        redacted_by: r.get(at + 13),
        relates_to: r.get(at + 14),
        relation_type: r.get(at + 15),
        decryption_error: r.get(at + 16),
        send_error: r.get(at + 17),
        reactions: reactions
            .map(|t| serde_json::from_str(&t))
            .transpose()?
            .filter(|m: &std::collections::BTreeMap<String, i64>| !m.is_empty()),
        last_edit_rowid: r.get(at + 19),
        unread_type: r.get(at + 20),
        sticky_duration_ms: r.get(at + 21),
    })
}

/// The room's events sticky at `now`, oldest first (not redacted).
pub async fn sticky(pool: &sqlx::SqlitePool, room_id: &str, now: i64) -> StoreResult<Vec<Event>> {
    let rowids: Vec<EventRowId> = sqlx::query_scalar(
        "SELECT rowid FROM event
         WHERE room_id = ? AND sticky_until > ? AND redacted_by IS NULL
         ORDER BY timestamp, rowid",
    )
    .bind(room_id)
    .bind(now)
    .fetch_all(pool)
    .await?;
    by_rowids(pool, &rowids).await
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

pub async fn by_event_id<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    event_id: &str,
) -> StoreResult<Option<Event>> {
    let sql = format!("SELECT {COLUMNS} FROM event WHERE event_id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(event_id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_transaction_id<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    txn_id: &str,
) -> StoreResult<Option<Event>> {
    let sql = format!("SELECT {COLUMNS} FROM event WHERE transaction_id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(txn_id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Stores an event of ours before it is sent: its id is `~` + the
/// transaction id until the homeserver gives it a real one.
pub async fn insert_local_echo(tx: &mut Tx, e: &NewEvent, txn_id: &str) -> StoreResult<EventRowId> {
    Ok(sqlx::query_scalar(
        "INSERT INTO event (room_id, event_id, sender, type, state_key, timestamp, content,
            decrypted, decrypted_type, unsigned, transaction_id, redacts, relates_to,
            relation_type, reaction_key, local_content)
         VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)
         RETURNING rowid",
    )
    .bind(&e.room_id)
    .bind(format!("~{txn_id}"))
    .bind(&e.sender)
    .bind(&e.event_type)
    .bind(e.timestamp)
    .bind(&e.content)
    .bind(&e.decrypted)
    .bind(&e.decrypted_type)
    .bind(txn_id)
    .bind(&e.redacts)
    .bind(&e.relates_to)
    .bind(&e.relation_type)
    .bind(&e.reaction_key)
    .bind(&e.local_content)
    .fetch_one(&mut **tx)
    .await?)
}

/// Gives a sent local echo its real id. If sync already stored the remote
/// echo as a row of its own, that row wins and the echo goes.
pub async fn mark_sent(tx: &mut Tx, rowid: EventRowId, event_id: &str) -> StoreResult<EventRowId> {
    let updated = sqlx::query(
        "UPDATE OR IGNORE event SET event_id = ?, send_error = NULL WHERE rowid = ? AND event_id LIKE '~%'",
    )
    .bind(event_id)
    .bind(rowid)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() > 0 {
        return Ok(rowid);
    }
    let existing: Option<EventRowId> =
        sqlx::query_scalar("SELECT rowid FROM event WHERE event_id = ?")
            .bind(event_id)
            .fetch_optional(&mut **tx)
            .await?;
    match existing {
        Some(other) if other != rowid => {
            sqlx::query("DELETE FROM event WHERE rowid = ? AND event_id LIKE '~%'")
                .bind(rowid)
                .execute(&mut **tx)
                .await?;
            Ok(other)
        }
        _ => Ok(rowid),
    }
}

pub async fn set_send_error(
    tx: &mut Tx,
    rowid: EventRowId,
    error: Option<&str>,
) -> StoreResult<()> {
    sqlx::query("UPDATE event SET send_error = ? WHERE rowid = ?")
        .bind(error)
        .bind(rowid)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Local echoes still waiting to be sent, oldest first: (rowid, room_id).
pub async fn unsent<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
) -> StoreResult<Vec<(EventRowId, String)>> {
    let rows = sqlx::query(
        "SELECT rowid, room_id FROM event WHERE event_id LIKE '~%' AND send_error IS NULL ORDER BY rowid",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Inserts events in order: remote echoes of ours one by one (each takes
/// over its local echo), everything between them in batches.
pub async fn insert_all(tx: &mut Tx, events: &[NewEvent]) -> StoreResult<Vec<(EventRowId, bool)>> {
    let mut placed = Vec::with_capacity(events.len());
    let mut rest = events;
    while !rest.is_empty() {
        let run = rest
            .iter()
            .position(|e| e.transaction_id.is_some())
            .unwrap_or(rest.len());
        if run == 0 {
            placed.push(insert(tx, &rest[0]).await?);
            rest = &rest[1..];
        } else {
            placed.extend(insert_many(tx, &rest[..run]).await?);
            rest = &rest[run..];
        }
    }
    Ok(placed)
}

/// The stored events that relate to `event_id` (of one relation type, or
/// of any when it is empty), oldest first.
pub async fn related<'e, E: sqlx::SqliteExecutor<'e>>(
    db: E,
    room_id: &str,
    event_id: &str,
    relation_type: &str,
) -> StoreResult<Vec<Event>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM event
         WHERE room_id = ? AND relates_to = ? AND (? = '' OR relation_type = ?)
         ORDER BY timestamp, rowid"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(room_id)
        .bind(event_id)
        .bind(relation_type)
        .bind(relation_type)
        .fetch_all(db)
        .await?;
    rows.iter().map(from_row).collect()
}

/// The reply targets of a page that the page itself does not hold, as
/// `paginate` sends them in `related_events`.
pub async fn reply_targets(pool: &sqlx::SqlitePool, page: &[Event]) -> StoreResult<Vec<Event>> {
    let mut related: Vec<Event> = Vec::new();
    for e in page {
        let Some(target) = e.relates_to.as_ref() else {
            continue;
        };
        if e.relation_type.as_deref() != Some("m.in_reply_to")
            || page.iter().chain(&related).any(|p| &p.event_id == target)
        {
            continue;
        }
        if let Some(found) = by_event_id(pool, target).await? {
            related.push(found);
        }
    }
    Ok(related)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stickiness_is_counted_from_arrival_at_the_latest_and_lasts_an_hour_at_most() {
        let now = 10_000_000;
        assert_eq!(sticky_until(now - 5_000, 60_000, now), now + 55_000);
        // A sender whose clock is a day ahead does not stay sticky for a day.
        assert_eq!(sticky_until(now + 86_400_000, 60_000, now), now + 60_000);
        assert_eq!(
            sticky_until(now, 7 * MAX_STICKY_MS, now),
            now + MAX_STICKY_MS
        );
        assert_eq!(sticky_until(now, -5, now), now);
    }
}
