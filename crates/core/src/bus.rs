//! The event bus: backend events go to every connected frontend, each
//! serialized once, with request ids counting down from -1; a frontend in
//! this process (the desktop shell's own follower) can take them as Rust
//! values instead. Broadcast events are also kept in the replay buffer for
//! websocket resumes.

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::{Mutex, MutexGuard, mpsc};
use trellis_rpc::{
    Envelope,
    events::{BackendEvent, SyncStatus, SyncStatusType},
};

use crate::replay::Replay;

/// One serialized envelope, as a transport writes it.
pub type Line = Arc<str>;
pub type LineSender = mpsc::UnboundedSender<Line>;
/// Events as values, shared by every follower.
pub type EventSender = mpsc::UnboundedSender<Arc<BackendEvent>>;

/// Where a subscriber wants events: as envelope lines, or as values.
enum Subscriber {
    Lines(LineSender),
    Events(EventSender),
}

#[derive(Default)]
pub struct Bus {
    inner: Mutex<BusInner>,
    /// Written under `inner`'s lock, so it holds events in id order.
    replay: Arc<std::sync::Mutex<Replay>>,
}

pub struct BusInner {
    last_id: i64,
    subscribers: Vec<Subscriber>,
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

    /// The envelope of `event`, with the next id.
    pub fn line(&mut self, event: &BackendEvent) -> Line {
        self.envelope(event.name(), event)
    }

    pub fn subscribe(&mut self, tx: LineSender) {
        self.subscribers.push(Subscriber::Lines(tx));
    }

    pub fn follow(&mut self, tx: EventSender) {
        self.subscribers.push(Subscriber::Events(tx));
    }
}

impl Bus {
    pub async fn emit(&self, event: BackendEvent) {
        let mut inner = self.inner.lock().await;
        self.broadcast(&mut inner, event);
    }

    fn broadcast(&self, inner: &mut BusInner, event: BackendEvent) {
        let line = inner.line(&event);
        let event = Arc::new(event);
        inner.subscribers.retain(|s| match s {
            Subscriber::Lines(tx) => tx.send(line.clone()).is_ok(),
            Subscriber::Events(tx) => tx.send(event.clone()).is_ok(),
        });
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
        inner.sync_status = status.clone();
        self.broadcast(&mut inner, BackendEvent::SyncStatus(status));
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

#[cfg(test)]
mod tests {
    use trellis_rpc::events::Typing;

    use super::*;

    #[tokio::test]
    async fn followers_get_the_values_transports_the_envelope() {
        let bus = Bus::default();
        let (lines_tx, mut lines) = mpsc::unbounded_channel();
        let (events_tx, mut events) = mpsc::unbounded_channel();
        {
            let mut inner = bus.lock().await;
            inner.subscribe(lines_tx);
            inner.follow(events_tx);
        }
        let typing = Typing {
            room_id: "!r:x".into(),
            user_ids: vec!["@alice:x".into()],
        };
        bus.emit(BackendEvent::Typing(typing)).await;
        assert_eq!(
            lines.recv().await.as_deref(),
            Some(
                r#"{"command":"typing","request_id":-1,"data":{"room_id":"!r:x","user_ids":["@alice:x"]}}"#
            )
        );
        let event = events.recv().await.unwrap_or_else(|| panic!("no event"));
        assert!(
            matches!(&*event, BackendEvent::Typing(t) if t.room_id == "!r:x" && t.user_ids == ["@alice:x"]),
            "{event:?}"
        );
        // A follower that went away is dropped, the others go on.
        drop(events);
        bus.emit(BackendEvent::InitComplete(Default::default()))
            .await;
        assert_eq!(
            lines.recv().await.as_deref(),
            Some(r#"{"command":"init_complete","request_id":-2,"data":{}}"#)
        );
        assert_eq!(bus.lock().await.subscribers.len(), 1);
    }
}
