//! The Trellis backend engine: session and keyring, the sync loop, the
//! SQLite store and the RPC dispatcher. Knows nothing of Tauri or HTTP;
//! transports hand it request lines and carry away envelope lines.

pub mod bus;
mod connect;
mod crypto;
/// The content pipeline (crates/content), and re-sanitizing what is stored
/// when its HTML version goes up.
pub mod content {
    pub use trellis_content::*;
    pub mod upgrade;

    #[cfg(test)]
    mod fuzz;
    #[cfg(test)]
    mod tests;
}
pub mod dispatch;
pub mod error;
mod handlers;
mod history;
mod homeserver;
pub mod host;
pub mod keys;
pub mod media;
mod notification;
pub mod profile;
mod push;
pub mod replay;
pub mod room_id;
pub mod secrets;
mod send;
mod session;
pub mod store;
pub mod sync;
mod tasks;

use std::{path::Path, sync::Arc, time::Duration};

use tokio::sync::RwLock;

pub use dispatch::Connection;
pub use error::CoreError;
use profile::Profile;
use session::Session;
use store::Store;

// Every binary that holds the engine allocates through mimalloc: sync and
// content work make many small strings on several threads, and glibc's
// malloc spent a quarter of the ingest bench in locks and consolidation.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long a shutdown waits for the writes in flight.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(5);

/// The backend of one profile. Cheap to clone; all clones share one state.
#[derive(Clone)]
pub struct Backend {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub profile: Profile,
    pub store: Store,
    pub bus: bus::Bus,
    /// Changes on every start, so a frontend can tell a restart (resume).
    pub run_id: String,
    pub session: RwLock<Option<Arc<Session>>>,
    pub send_queue: send::SendQueue,
    /// Serializes back-pagination from the homeserver.
    pub pagination_lock: tokio::sync::Mutex<()>,
    pub media_cache: media::MediaCache,
    pub tasks: tasks::Tasks,
    /// The web mode's frontend build, told to frontends in `run_id`.
    pub frontend_etag: std::sync::OnceLock<String>,
}

impl Backend {
    /// Opens the profile and brings back the last session from the keyring.
    /// A session that cannot come back leaves the backend logged out, with
    /// the reason reported to frontends; it is not an error here.
    pub async fn start(profile_dir: &Path) -> Result<Self, CoreError> {
        let profile = Profile::open(profile_dir)?;
        let store = Store::open(&profile.database_path()).await?;
        content::upgrade::run(&store).await?;
        let inner = Arc::new(Inner {
            profile,
            store,
            bus: bus::Bus::default(),
            run_id: secrets::random_hex(16),
            session: RwLock::new(None),
            send_queue: send::SendQueue::default(),
            pagination_lock: tokio::sync::Mutex::new(()),
            media_cache: media::MediaCache::in_profile(profile_dir),
            tasks: tasks::Tasks::default(),
            frontend_etag: std::sync::OnceLock::new(),
        });
        if let Err(e) = session::restore(&inner).await {
            tracing::error!("the previous session could not be restored: {e}");
            // Every frontend is told why, in its connect payload.
            let status = trellis_rpc::events::SyncStatus {
                status: trellis_rpc::events::SyncStatusType::PermanentlyFailed,
                error: e.to_string(),
                error_count: 1,
                last_sync: None,
            };
            inner.bus.set_sync_status(status).await;
        }
        Ok(Self { inner })
    }

    /// The ETag of the frontend build a web server serves (set once, at its start).
    pub fn set_frontend_etag(&self, etag: String) {
        let _ = self.inner.frontend_etag.set(etag);
    }

    pub fn profile_dir(&self) -> &Path {
        self.inner.profile.dir()
    }

    /// Stops at a safe point before the process exits: the sync loop and the
    /// send queue stop waiting on the homeserver at once, finish the write
    /// they are in (a sync response being stored, a sent event being
    /// recorded), and the database closes after them. Bounded by
    /// `SHUTDOWN_WAIT`, so quitting never hangs on a homeserver that is gone:
    /// a write still going then is abandoned, its transaction rolls back, and
    /// the next start fetches that response again (`session::restore`).
    pub async fn shutdown(&self) {
        let deadline = tokio::time::Instant::now() + SHUTDOWN_WAIT;
        if !self.inner.tasks.stop(deadline).await {
            tracing::warn!(
                "a write was still going after {SHUTDOWN_WAIT:?}; left to the next start"
            );
        }
        // Connections in use past the deadline (a request's own write) get a
        // second more; a stuck one is then left to SQLite, which rolls it back.
        let close_by = deadline.max(tokio::time::Instant::now() + Duration::from_secs(1));
        let closed = tokio::time::timeout_at(close_by, self.inner.store.pool().close()).await;
        if closed.is_err() {
            tracing::warn!("the database was still in use when Trellis stopped");
        }
        tracing::info!("stopped");
    }
}

impl Backend {
    /// The logged-in client, or the error a command needing one returns.
    pub(crate) async fn client(&self) -> Result<matrix_sdk::Client, CoreError> {
        Ok(self.client_and_user().await?.0)
    }

    /// A room we are in, or the error a command about it returns.
    pub(crate) fn joined_room(
        client: &matrix_sdk::Client,
        room_id: &str,
    ) -> Result<matrix_sdk::Room, CoreError> {
        let rid = matrix_sdk::ruma::RoomId::parse(room_id)
            .map_err(|e| CoreError::BadRequest(format!("{room_id:?} is not a room ID: {e}")))?;
        client
            .get_room(&rid)
            .ok_or_else(|| CoreError::BadRequest(format!("not in room {room_id}")))
    }

    /// The logged-in client and our user ID.
    pub(crate) async fn client_and_user(&self) -> Result<(matrix_sdk::Client, String), CoreError> {
        match self.inner.session.read().await.as_ref() {
            Some(s) => Ok((s.client.clone(), s.account.user_id.clone())),
            None => Err(CoreError::NotLoggedIn),
        }
    }
}
