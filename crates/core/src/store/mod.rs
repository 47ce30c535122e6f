//! Our SQLite store (sqlx): the timeline, state and metadata the frontend
//! reads. matrix-sdk keeps its own stores beside it; secrets live in neither.

pub mod account;
pub mod account_data;
pub mod event;
pub mod invited;
pub mod receipt;
pub mod room;
pub mod search;
pub mod space;
pub mod state;
pub mod timeline;
pub mod undecrypted;

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    Sqlite, SqlitePool, Transaction,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

pub type Tx = Transaction<'static, Sqlite>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its
    /// schema up to date.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL + NORMAL survives a killed process; only power loss can
            // drop the last commits, which sync then fetches again.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Deleted rows are zeroed, so nothing of a logged-out account
            // lingers in free pages.
            .pragma("secure_delete", "ON")
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A write transaction. IMMEDIATE takes the write lock up front so two
    /// writers queue instead of failing half way with SQLITE_BUSY.
    pub async fn begin_write(&self) -> StoreResult<Tx> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Deletes everything of the logged-in account (used by logout).
    pub async fn wipe(&self) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for table in [
            "DELETE FROM space_edge",
            "DELETE FROM invited_room",
            "DELETE FROM room_account_data",
            "DELETE FROM account_data",
            "DELETE FROM receipt",
            "DELETE FROM current_state",
            "DELETE FROM timeline",
            "UPDATE room SET preview_event_rowid = NULL",
            "INSERT INTO event_search (event_search) VALUES ('delete-all')",
            "DELETE FROM event",
            "DELETE FROM room",
            "DELETE FROM account",
        ] {
            sqlx::query(table).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        // Rewrite the file and empty the WAL, so the old rows are gone from disk.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        sqlx::query("VACUUM").execute(&self.pool).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A profile written before migration 0002 (which rebuilds the event
    /// table) keeps every event, its timeline and state rows, and the
    /// uniqueness of transaction ids.
    #[tokio::test]
    async fn event_table_rebuild_keeps_what_was_stored() {
        let dir =
            std::env::temp_dir().join(format!("trellis-migrate-{}", crate::secrets::random_hex(6)));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        let options = SqliteConnectOptions::from_str("sqlite:")
            .unwrap()
            .filename(&path)
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .connect_with(options)
            .await
            .unwrap();
        let mut first = sqlx::migrate!("./migrations");
        first.migrations = std::borrow::Cow::Owned(first.migrations[..1].to_vec());
        first.run(&pool).await.unwrap();
        for sql in [
            "INSERT INTO room (room_id) VALUES ('!r:x')",
            "INSERT INTO event (room_id, event_id, sender, type, timestamp, content)
             VALUES ('!r:x', '$a', '@u:x', 'm.room.name', 1, '{\"name\":\"N\"}')",
            "INSERT INTO event (room_id, event_id, sender, type, timestamp, content, transaction_id)
             VALUES ('!r:x', '~t1', '@u:x', 'm.room.message', 2, '{}', 't1')",
            "INSERT INTO timeline (room_id, event_rowid) VALUES ('!r:x', 1), ('!r:x', 2)",
            "INSERT INTO current_state (room_id, event_type, state_key, event_rowid)
             VALUES ('!r:x', 'm.room.name', '', 1)",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool.close().await;

        let store = Store::open(&path).await.unwrap();
        let db = store.pool();
        let events: Vec<(i64, String, Option<String>)> =
            sqlx::query_as("SELECT rowid, event_id, transaction_id FROM event ORDER BY rowid")
                .fetch_all(db)
                .await
                .unwrap();
        assert_eq!(
            events,
            [
                (1, "$a".to_owned(), None),
                (2, "~t1".to_owned(), Some("t1".to_owned()))
            ]
        );
        let timeline: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM timeline")
            .fetch_one(db)
            .await
            .unwrap();
        assert_eq!(timeline, 2);
        let duplicate = sqlx::query(
            "INSERT INTO event (room_id, event_id, sender, type, timestamp, content, transaction_id)
             VALUES ('!r:x', '~t2', '@u:x', 'm.room.message', 3, '{}', 't1')",
        )
        .execute(db)
        .await;
        assert!(
            duplicate.is_err(),
            "a second event with transaction id t1 was stored"
        );
        // Foreign keys are back on: removing the room takes its rows along.
        sqlx::query("DELETE FROM current_state")
            .execute(db)
            .await
            .unwrap();
        sqlx::query("DELETE FROM room").execute(db).await.unwrap();
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM timeline")
            .fetch_one(db)
            .await
            .unwrap();
        assert_eq!(left, 0);
        store.pool().close().await;
        std::fs::remove_dir_all(&dir).ok();
    }
}
