//! The send queue: local echoes go out in per-room order, transient
//! failures are retried with back-off under the same transaction id (which
//! the homeserver deduplicates), and anything unsent at exit goes out on
//! the next start — never twice, never lost.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, Weak},
    time::Duration,
};

use matrix_sdk::ruma::{OwnedTransactionId, RoomId, api::error::ErrorKind};
use serde_json::value::RawValue;
use tokio::sync::mpsc;
use trellis_rpc::{
    events::{SendComplete, name},
    model::EventRowId,
};

use crate::{CoreError, Inner, store};

const MAX_BACKOFF: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct SendQueue {
    rooms: Mutex<HashMap<String, mpsc::UnboundedSender<EventRowId>>>,
}

impl SendQueue {
    /// Queues a stored local echo behind the room's earlier ones.
    pub fn enqueue(&self, inner: &Arc<Inner>, room_id: &str, rowid: EventRowId) {
        let Ok(mut rooms) = self.rooms.lock() else {
            return;
        };
        if let Some(tx) = rooms.get(room_id) {
            if tx.send(rowid).is_ok() {
                return;
            }
        }
        let (tx, rx) = mpsc::unbounded_channel();
        let _ = tx.send(rowid);
        rooms.insert(room_id.to_owned(), tx);
        tokio::spawn(room_worker(Arc::downgrade(inner), rx));
    }

    /// Forgets the workers (logout); their loops end with the session.
    pub fn clear(&self) {
        if let Ok(mut rooms) = self.rooms.lock() {
            rooms.clear();
        }
    }
}

/// Queues everything that was waiting to be sent when we last stopped.
pub async fn resume(inner: &Arc<Inner>) -> Result<(), CoreError> {
    for (rowid, room_id) in store::event::unsent(inner.store.pool()).await? {
        inner.send_queue.enqueue(inner, &room_id, rowid);
    }
    Ok(())
}

async fn room_worker(inner: Weak<Inner>, mut rx: mpsc::UnboundedReceiver<EventRowId>) {
    while let Some(rowid) = rx.recv().await {
        let mut failures = 0u32;
        loop {
            let Some(backend) = inner.upgrade() else {
                return;
            };
            match send_one(&backend, rowid).await {
                Outcome::Done => break,
                Outcome::Retry(after) => {
                    failures += 1;
                    drop(backend);
                    let backoff = Duration::from_millis(500u64 << failures.min(6)).min(MAX_BACKOFF);
                    tokio::time::sleep(after.unwrap_or(backoff)).await;
                }
            }
        }
    }
}

enum Outcome {
    Done,
    Retry(Option<Duration>),
}

async fn send_one(inner: &Arc<Inner>, rowid: EventRowId) -> Outcome {
    let event = match store::event::by_rowids(inner.store.pool(), &[rowid]).await {
        Ok(mut events) => match events.pop() {
            Some(e) => e,
            None => return Outcome::Done, // gone (logout, or merged with its remote echo)
        },
        Err(e) => {
            tracing::error!(rowid, "cannot load a queued event: {e}");
            return Outcome::Retry(None);
        }
    };
    if !event.event_id.starts_with('~') || event.send_error.is_some() {
        return Outcome::Done;
    }
    let Some(txn_id) = event.transaction_id.clone() else {
        return Outcome::Done;
    };
    let Some(client) = inner
        .session
        .read()
        .await
        .as_ref()
        .map(|s| s.client.clone())
    else {
        return Outcome::Done; // logged out: resumed at the next login
    };
    let result = match RoomId::parse(&event.room_id)
        .ok()
        .and_then(|id| client.get_room(&id))
    {
        None => Err(Failure::Permanent(format!("not in room {}", event.room_id))),
        Some(room) => {
            let content: Box<RawValue> = event.content.clone();
            let txn: OwnedTransactionId = txn_id.as_str().into();
            room.send_raw(&event.event_type, content)
                .with_transaction_id(&txn)
                .await
                .map(|r| r.response.event_id.to_string())
                .map_err(classify)
        }
    };
    match result {
        Ok(event_id) => {
            let done = async {
                let mut tx = inner.store.begin_write().await?;
                let rowid = store::event::mark_sent(&mut tx, rowid, &event_id).await?;
                tx.commit().await?;
                Ok::<_, store::StoreError>(rowid)
            };
            match done.await {
                Ok(rowid) => complete(inner, rowid, None).await,
                Err(e) => tracing::error!(rowid, "sent {event_id} but cannot record it: {e}"),
            }
            Outcome::Done
        }
        Err(Failure::Transient(error, after)) => {
            tracing::warn!(rowid, "send failed, retrying: {error}");
            Outcome::Retry(after)
        }
        Err(Failure::Permanent(error)) => {
            tracing::warn!(rowid, "send failed: {error}");
            let stored = async {
                let mut tx = inner.store.begin_write().await?;
                store::event::set_send_error(&mut tx, rowid, Some(&error)).await?;
                tx.commit().await?;
                Ok::<_, store::StoreError>(())
            };
            if let Err(e) = stored.await {
                tracing::error!(rowid, "cannot record the send error: {e}");
            }
            complete(inner, rowid, Some(error)).await;
            Outcome::Done
        }
    }
}

async fn complete(inner: &Inner, rowid: EventRowId, error: Option<String>) {
    match store::event::by_rowids(inner.store.pool(), &[rowid]).await {
        Ok(mut events) => {
            if let Some(event) = events.pop() {
                inner
                    .bus
                    .emit(name::SEND_COMPLETE, &SendComplete { event, error })
                    .await;
            }
        }
        Err(e) => tracing::error!(rowid, "cannot load a sent event: {e}"),
    }
}

enum Failure {
    Transient(String, Option<Duration>),
    Permanent(String),
}

/// Network trouble, 5xx and 429 are worth retrying; other refusals are not.
fn classify(e: matrix_sdk::Error) -> Failure {
    let message = e.to_string();
    if let Some(api) = e.as_client_api_error() {
        let status = api.status_code.as_u16();
        if let Some(ErrorKind::LimitExceeded(limit)) = api.error_kind() {
            let after = limit.retry_after.as_ref().and_then(|r| match r {
                matrix_sdk::ruma::api::error::RetryAfter::Delay(d) => Some(*d),
                _ => None,
            });
            return Failure::Transient(message, after);
        }
        return if status >= 500 {
            Failure::Transient(message, None)
        } else {
            Failure::Permanent(message)
        };
    }
    match e {
        matrix_sdk::Error::Http(_) => Failure::Transient(message, None),
        _ => Failure::Permanent(message),
    }
}
