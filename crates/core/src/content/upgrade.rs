//! Re-sanitizing stored messages when `HTML_VERSION` goes up. The database
//! remembers the version it was last brought to in SQLite's `user_version`
//! pragma, so a start with nothing to do costs one pragma read.

use sqlx::Row;

use crate::store::{Store, StoreResult};

/// Rows re-sanitized per write transaction, so sync is never held up long.
const BATCH: i64 = 500;

/// Brings every stored message's `local_content` to `HTML_VERSION`
/// (filling it in for messages stored before there was one).
pub async fn run(store: &Store) -> StoreResult<()> {
    let done: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(store.pool())
        .await?;
    if done >= super::HTML_VERSION {
        return Ok(());
    }
    // edit_source is made for our own messages only.
    let own_user_id: String = sqlx::query_scalar("SELECT user_id FROM account")
        .fetch_optional(store.pool())
        .await?
        .unwrap_or_default();
    let mut after = 0i64;
    loop {
        let mut tx = store.begin_write().await?;
        let rows = sqlx::query(
            "SELECT rowid, coalesce(decrypted_type, type), coalesce(decrypted, content),
                    relation_type, sender
             FROM event
             WHERE rowid > ? AND (type = 'm.room.message' OR decrypted_type = 'm.room.message')
               AND coalesce(json_extract(local_content, '$.html_version'), 0) < ?
             ORDER BY rowid LIMIT ?",
        )
        .bind(after)
        .bind(super::HTML_VERSION)
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            let rowid: i64 = row.get(0);
            let event_type: String = row.get(1);
            let content: String = row.get(2);
            let relation_type: Option<String> = row.get(3);
            let sender: String = row.get(4);
            let fresh = super::local_content(
                &event_type,
                &content,
                relation_type.as_deref(),
                sender == own_user_id,
            );
            // The push rule that matched is not derived from content; keep it.
            sqlx::query(
                "UPDATE event SET local_content = CASE
                     WHEN ?1 IS NULL THEN local_content
                     WHEN json_extract(local_content, '$.push_rule_id') IS NULL THEN ?1
                     ELSE json_set(?1, '$.push_rule_id', json_extract(local_content, '$.push_rule_id'))
                 END WHERE rowid = ?2",
            )
            .bind(fresh.and_then(|lc| serde_json::to_string(&lc).ok()))
            .bind(rowid)
            .execute(&mut *tx)
            .await?;
            after = rowid;
        }
        tx.commit().await?;
        if (rows.len() as i64) < BATCH {
            break;
        }
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "PRAGMA user_version = {}",
        super::HTML_VERSION
    )))
    .execute(store.pool())
    .await?;
    Ok(())
}
