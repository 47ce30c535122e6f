//! The event bus: backend events go to every connected frontend, each
//! serialized once, with request ids counting down from -1. Broadcast events
//! are also kept in the replay buffer for websocket resumes.

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::{Mutex, MutexGuard, mpsc};
use trellis_rpc::{
    Envelope,
    events::{SyncStatus, SyncStatusType, name},
};

use crate::replay::Replay;

/// One serialized envelope, as a transport writes it.
pub type Line = Arc<str>;
pub type LineSender = mpsc::UnboundedSender<Line>;

#[derive(Default)]
pub struct Bus {
    inner: Mutex<BusInner>,
    /// Written under `inner`'s lock, so it holds events in id order.
    replay: Arc<std::sync::Mutex<Replay>>,
}

pub struct BusInner {
    last_id: i64,
    subscribers: Vec<LineSender>,
    /// The newest `sync_status`, which every connect payload carries.
    sync_status: SyncStatus,
}

impl Default for BusInner {
    fn default() -> Self {
        Self {
            last_id: 0,
            subscribers: Vec::new(),
            sync_status: SyncStatus::WAITING,
        }
    }
}

impl BusInner {
    /// Serializes an event with the next id.
    pub fn envelope<T: Serialize>(&mut self, command: &str, data: &T) -> Line {
        self.last_id -= 1;
        let env = Envelope {
            command: command.to_owned(),
            request_id: self.last_id,
            data,
        };
        // Our own payload types always serialize.
        serde_json::to_string(&env).unwrap_or_default().into()
    }

    /// The id of the newest envelope made so far (0 before the first).
    pub fn last_id(&self) -> i64 {
        self.last_id
    }

    pub fn sync_status(&self) -> &SyncStatus {
        &self.sync_status
    }

    pub fn subscribe(&mut self, tx: LineSender) {
        self.subscribers.push(tx);
    }
}

impl Bus {
    pub async fn emit<T: Serialize>(&self, command: &str, data: &T) {
        let mut inner = self.inner.lock().await;
        self.broadcast(&mut inner, command, data);
    }

    fn broadcast<T: Serialize>(&self, inner: &mut BusInner, command: &str, data: &T) {
        let line = inner.envelope(command, data);
        inner.subscribers.retain(|s| s.send(line.clone()).is_ok());
        if let Ok(mut replay) = self.replay.lock() {
            replay.push(inner.last_id, line);
        }
    }

    /// Records the sync status and announces it when it changed. Like
    /// gomuks, `ok` is announced only on a change to `ok` (the first
    /// successful sync, a recovery), not after every sync; the other states
    /// on every report, since each carries its error and count.
    pub async fn set_sync_status(&self, status: SyncStatus) {
        let mut inner = self.inner.lock().await;
        let unchanged = match status.status {
            SyncStatusType::Ok | SyncStatusType::Waiting => {
                inner.sync_status.status == status.status
            }
            _ => false,
        };
        if unchanged {
            return;
        }
        self.broadcast(&mut inner, name::SYNC_STATUS, &status);
        inner.sync_status = status;
    }

    pub(crate) fn replay(&self) -> &Arc<std::sync::Mutex<Replay>> {
        &self.replay
    }

    /// Holding the lock keeps events from interleaving with a connect's
    /// initial payload, so nothing is missed or applied out of order.
    pub async fn lock(&self) -> MutexGuard<'_, BusInner> {
        self.inner.lock().await
    }
}
