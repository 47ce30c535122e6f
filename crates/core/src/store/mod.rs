//! Our SQLite store (sqlx): the timeline, state and metadata the frontend
//! reads. matrix-sdk keeps its own stores beside it; secrets live in neither.

pub mod account;
pub mod account_data;
pub mod event;
pub mod invited;
pub mod receipt;
pub mod room;
pub mod space;
pub mod state;
pub mod timeline;

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
