//! Reads of the full-text index (`event_search`, migration 0004) and of
//! the events that notify us (get_mentions). The triggers keep the index;
//! nothing here writes it.

pub mod query;

use trellis_rpc::model::EventRowId;

use super::StoreResult;

/// A search of the index, beside its MATCH expression.
#[derive(Debug, Default)]
pub struct Filters<'a> {
    pub min_timestamp: Option<i64>,
    pub max_timestamp: Option<i64>,
    /// A substring of the event's raw content JSON (cleartext when decrypted).
    pub raw_like: Option<&'a str>,
    pub sort_by_time: bool,
}

/// The rowids of matching events, best first (bm25 over the text, newest
/// first among equals) or newest first by timestamp, `limit` from `offset`.
pub async fn find(
    pool: &sqlx::SqlitePool,
    expression: &str,
    f: &Filters<'_>,
    offset: i64,
    limit: i64,
) -> StoreResult<Vec<EventRowId>> {
    // A common word matches tens of thousands of events: what each match
    // costs decides the time. Ranked without filters, FTS5 alone answers;
    // the time order and time filters read the timestamp from a small
    // covering index (migration 0005) rather than from each event's row.
    let (event, order) = match (f.sort_by_time, f.raw_like.is_some()) {
        (_, true) => ("event", by_time_or_rank(f.sort_by_time)),
        (true, false) => (
            "event INDEXED BY event_rowid_timestamp",
            by_time_or_rank(true),
        ),
        (false, false) if f.min_timestamp.is_none() && f.max_timestamp.is_none() => {
            let sql = "SELECT rowid FROM event_search WHERE event_search MATCH ?1
                       ORDER BY rank, rowid DESC LIMIT ?2 OFFSET ?3";
            return Ok(sqlx::query_scalar(sql)
                .bind(expression)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?);
        }
        (false, false) => (
            "event INDEXED BY event_rowid_timestamp",
            by_time_or_rank(false),
        ),
    };
    let sql = format!(
        "SELECT event.rowid FROM event_search JOIN {event} ON event.rowid = event_search.rowid
         WHERE event_search MATCH ?1
           AND (?2 IS NULL OR event.timestamp >= ?2)
           AND (?3 IS NULL OR event.timestamp <= ?3)
           AND (?4 IS NULL OR COALESCE(event.decrypted, event.content) LIKE ?4 ESCAPE '\\')
         ORDER BY {order} LIMIT ?5 OFFSET ?6"
    );
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(expression)
        .bind(f.min_timestamp)
        .bind(f.max_timestamp)
        .bind(f.raw_like.map(like_substring))
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?)
}

fn by_time_or_rank(by_time: bool) -> &'static str {
    if by_time {
        "event.timestamp DESC, event.rowid DESC"
    } else {
        "event_search.rank, event.rowid DESC"
    }
}

/// A LIKE pattern matching `s` anywhere, its own `%`, `_` and `\` literal.
fn like_substring(s: &str) -> String {
    let mut pattern = String::with_capacity(s.len() + 2);
    pattern.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Events whose unread type has a bit of `mask`, not redacted, at or before
/// `max_timestamp`, newest first.
pub async fn mentions(
    pool: &sqlx::SqlitePool,
    mask: i64,
    max_timestamp: i64,
    room_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<EventRowId>> {
    // Written out so SQLite can use the partial index on notifying events.
    let notifying = if mask & 6 == mask {
        "AND unread_type & 6 != 0"
    } else {
        ""
    };
    let sql = format!(
        "SELECT rowid FROM event
         WHERE unread_type & ?1 != 0 {notifying} AND timestamp <= ?2
           AND (?3 IS NULL OR room_id = ?3) AND redacted_by IS NULL
         ORDER BY timestamp DESC, rowid DESC LIMIT ?4"
    );
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(mask)
        .bind(max_timestamp)
        .bind(room_id)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{
        store::{Store, event, room, undecrypted},
        sync::event::from_json,
    };

    const ROOM: &str = "!r:x";

    async fn store() -> (Store, std::path::PathBuf) {
        let dir =
            std::env::temp_dir().join(format!("trellis-search-{}", crate::secrets::random_hex(6)));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open(&dir.join("t.db")).await.unwrap();
        (store, dir)
    }

    fn message(id: &str, ts: i64, content: serde_json::Value) -> event::NewEvent {
        let raw = json!({"event_id": id, "sender": "@u:x", "type": "m.room.message",
            "origin_server_ts": ts, "content": content});
        from_json(ROOM, &raw.to_string()).unwrap()
    }

    async fn put(store: &Store, events: &[event::NewEvent]) {
        let mut tx = store.begin_write().await.unwrap();
        room::ensure(&mut tx, ROOM).await.unwrap();
        event::insert_all(&mut tx, events).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// Event IDs found for a term, best first.
    async fn found(store: &Store, term: &str) -> Vec<String> {
        let Some(expr) = query::match_expression(term, &[], &[]).unwrap() else {
            return Vec::new();
        };
        let rowids = find(store.pool(), &expr, &Filters::default(), 0, 100)
            .await
            .unwrap();
        event::by_rowids(store.pool(), &rowids)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.event_id)
            .collect()
    }

    #[tokio::test]
    async fn index_follows_edits_redactions_and_late_decryption() {
        let (store, dir) = store().await;
        put(
            &store,
            &[
                message(
                    "$a",
                    1,
                    json!({"msgtype": "m.text", "body": "Meet at the Café Noir"}),
                ),
                message(
                    "$b",
                    2,
                    json!({"msgtype": "m.text", "body": "the old address"}),
                ),
                message(
                    "$gone",
                    3,
                    json!({"msgtype": "m.text", "body": "secret address"}),
                ),
            ],
        )
        .await;
        assert_eq!(found(&store, "cafe").await, ["$a"]);
        assert_eq!(found(&store, "CAFÉ noi").await, ["$a"]);
        assert_eq!(found(&store, "addr").await.len(), 2);

        // An edit: the original is found by the new words only, and the
        // edit is not a result of its own.
        let edit = message(
            "$b2",
            4,
            json!({"msgtype": "m.text", "body": "* new street",
                "m.new_content": {"msgtype": "m.text", "body": "the new street"},
                "m.relates_to": {"rel_type": "m.replace", "event_id": "$b"}}),
        );
        put(&store, &[edit]).await;
        assert_eq!(found(&store, "street").await, ["$b"]);
        assert_eq!(found(&store, "old").await, Vec::<String>::new());

        // A redaction removes the message from the index.
        let redaction = from_json(
            ROOM,
            &json!({"event_id": "$red", "sender": "@u:x", "type": "m.room.redaction",
                "origin_server_ts": 5, "content": {"redacts": "$gone"}})
            .to_string(),
        )
        .unwrap();
        put(&store, &[redaction]).await;
        assert_eq!(found(&store, "secret").await, Vec::<String>::new());
        assert_eq!(found(&store, "address").await, Vec::<String>::new());

        // Redacting the edit brings the original's text back.
        let redact_edit = from_json(
            ROOM,
            &json!({"event_id": "$red2", "sender": "@u:x", "type": "m.room.redaction",
                "origin_server_ts": 6, "content": {"redacts": "$b2"}})
            .to_string(),
        )
        .unwrap();
        put(&store, &[redact_edit]).await;
        assert_eq!(found(&store, "old address").await, ["$b"]);
        assert_eq!(found(&store, "street").await, Vec::<String>::new());

        // An undecryptable event is not found until it decrypts.
        let mut utd = from_json(
            ROOM,
            &json!({"event_id": "$enc", "sender": "@u:x", "type": "m.room.encrypted",
                "origin_server_ts": 7, "content": {"ciphertext": "zebra"}})
            .to_string(),
        )
        .unwrap();
        utd.megolm_session_id = Some("s".into());
        utd.decryption_error = Some("no key".into());
        put(&store, &[utd.clone()]).await;
        assert_eq!(found(&store, "zebra").await, Vec::<String>::new());
        let mut clear = utd;
        clear.decrypted_type = Some("m.room.message".into());
        clear.decrypted = Some(json!({"msgtype": "m.text", "body": "late giraffe"}).to_string());
        let rowid: i64 = sqlx::query_scalar("SELECT rowid FROM event WHERE event_id = '$enc'")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let mut tx = store.begin_write().await.unwrap();
        assert!(
            undecrypted::set_decrypted(&mut tx, rowid, &clear)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        assert_eq!(found(&store, "giraffe").await, ["$enc"]);

        // Hostile terms reach FTS5 only as quoted words.
        for term in ["\"", "AND(", "*", "NEAR(a b", "body:x", "^", "a OR", "-x"] {
            found(&store, term).await;
        }
        store.wipe().await.unwrap();
        assert_eq!(found(&store, "giraffe").await, Vec::<String>::new());
        store.pool().close().await;
        std::fs::remove_dir_all(&dir).ok();
    }

    #[tokio::test]
    async fn filters_narrow_the_search() {
        let (store, dir) = store().await;
        let mut other = message("$o", 10, json!({"msgtype": "m.text", "body": "lunch here"}));
        other.room_id = "!other:x".into();
        other.sender = "@v:x".into();
        let mut tx = store.begin_write().await.unwrap();
        room::ensure(&mut tx, "!other:x").await.unwrap();
        tx.commit().await.unwrap();
        put(
            &store,
            &[
                message(
                    "$1",
                    1,
                    json!({"msgtype": "m.text", "body": "lunch at noon"}),
                ),
                message(
                    "$2",
                    2,
                    json!({"msgtype": "m.text", "body": "lunch lunch lunch"}),
                ),
                other,
            ],
        )
        .await;
        let pool = store.pool();
        let ids = |rowids: Vec<i64>| async move {
            event::by_rowids(pool, &rowids)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.event_id)
                .collect::<Vec<_>>()
        };
        let expr = query::match_expression("lunch", &[ROOM.into()], &[])
            .unwrap()
            .unwrap();
        let by_time = Filters {
            sort_by_time: true,
            ..Default::default()
        };
        assert_eq!(
            ids(find(store.pool(), &expr, &by_time, 0, 10).await.unwrap()).await,
            ["$2", "$1"]
        );
        assert_eq!(
            ids(find(store.pool(), &expr, &by_time, 1, 10).await.unwrap()).await,
            ["$1"]
        );
        let expr = query::match_expression("lunch", &[], &["@v:x".into()])
            .unwrap()
            .unwrap();
        assert_eq!(
            ids(find(store.pool(), &expr, &by_time, 0, 10).await.unwrap()).await,
            ["$o"]
        );
        let expr = query::match_expression("lunch", &[], &[]).unwrap().unwrap();
        let window = Filters {
            min_timestamp: Some(2),
            max_timestamp: Some(9),
            ..Default::default()
        };
        assert_eq!(
            ids(find(store.pool(), &expr, &window, 0, 10).await.unwrap()).await,
            ["$2"]
        );
        let raw = Filters {
            raw_like: Some("noon"),
            ..Default::default()
        };
        assert_eq!(
            ids(find(store.pool(), &expr, &raw, 0, 10).await.unwrap()).await,
            ["$1"]
        );
        let percent = Filters {
            raw_like: Some("%"),
            ..Default::default()
        };
        assert!(
            find(store.pool(), &expr, &percent, 0, 10)
                .await
                .unwrap()
                .is_empty()
        );
        store.pool().close().await;
        std::fs::remove_dir_all(&dir).ok();
    }
}
