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
use tokio_util::sync::CancellationToken;
use trellis_rpc::{
    events::{BackendEvent, SendComplete},
    model::{Event, EventRowId},
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
        if let Some(tx) = rooms.get(room_id)
            && tx.send(rowid).is_ok()
        {
            return;
        }
        let (tx, rx) = mpsc::unbounded_channel();
        let _ = tx.send(rowid);
        rooms.insert(room_id.to_owned(), tx);
        // None when stopping: the event stays unsent and resumes at the next start.
        inner.tasks.spawn(room_worker(
            Arc::downgrade(inner),
            inner.tasks.stop.clone(),
            rx,
        ));
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

/// Sends one room's events in order. Stopping cuts short a send in flight
/// (resumed at the next start under the same transaction id, which the
/// homeserver deduplicates) and the back-off, never the recording of a
/// send's outcome.
async fn room_worker(
    inner: Weak<Inner>,
    stop: CancellationToken,
    mut rx: mpsc::UnboundedReceiver<EventRowId>,
) {
    while let Some(Some(rowid)) = stop.run_until_cancelled(rx.recv()).await {
        let mut failures = 0u32;
        loop {
            let Some(backend) = inner.upgrade() else {
                return;
            };
            match send_one(&backend, &stop, rowid).await {
                Outcome::Done => break,
                Outcome::Stopped => return,
                Outcome::Retry(after) => {
                    failures += 1;
                    drop(backend);
                    let backoff = Duration::from_millis(500u64 << failures.min(6)).min(MAX_BACKOFF);
                    let waited =
                        stop.run_until_cancelled(tokio::time::sleep(after.unwrap_or(backoff)));
                    if waited.await.is_none() {
                        return;
                    }
                }
            }
        }
    }
}

enum Outcome {
    Done,
    Retry(Option<Duration>),
    Stopped,
}

async fn send_one(inner: &Arc<Inner>, stop: &CancellationToken, rowid: EventRowId) -> Outcome {
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
            // An echo in an encrypted room holds what we wrote as decrypted:
            // that is what goes out, and matrix-sdk encrypts it.
            let (event_type, content): (&str, Box<RawValue>) =
                match (&event.decrypted_type, &event.decrypted) {
                    (Some(t), Some(c)) => (t, c.clone()),
                    _ => (&event.event_type, event.content.clone()),
                };
            let txn: OwnedTransactionId = txn_id.as_str().into();
            let send = room.send_raw(event_type, content).with_transaction_id(&txn);
            let Some(sent) = stop.run_until_cancelled(send.into_future()).await else {
                return Outcome::Stopped;
            };
            sent.map(|r| r.response.event_id.to_string())
                .map_err(classify)
        }
    };
    let outcome = match result {
        Ok(event_id) => Ok(event_id),
        Err(Failure::Transient(error, after)) => {
            tracing::warn!(rowid, "send failed, retrying: {error}");
            return Outcome::Retry(after);
        }
        Err(Failure::Permanent(error)) => {
            tracing::warn!(rowid, "send failed: {error}");
            Err(error)
        }
    };
    match record(inner, rowid, &outcome).await {
        Ok(Some(event)) => {
            let error = outcome.err();
            let complete = SendComplete { event, error };
            inner.bus.emit(BackendEvent::SendComplete(complete)).await;
        }
        Ok(None) => {}
        Err(e) => match outcome {
            Ok(event_id) => tracing::error!(rowid, "sent {event_id} but cannot record it: {e}"),
            Err(_) => tracing::error!(rowid, "cannot record the send error: {e}"),
        },
    }
    Outcome::Done
}

/// Records a send's outcome, the event ID it got or why it failed for
/// good, and reads the event back in the same transaction: a shutdown
/// waits for this write, and would not for a read after it.
async fn record(
    inner: &Inner,
    rowid: EventRowId,
    outcome: &Result<String, String>,
) -> store::StoreResult<Option<Event>> {
    let mut tx = inner.store.begin_write().await?;
    let rowid = match outcome {
        Ok(event_id) => store::event::mark_sent(&mut tx, rowid, event_id).await?,
        Err(error) => {
            store::event::set_send_error(&mut tx, rowid, Some(error)).await?;
            rowid
        }
    };
    let event = store::event::by_rowids(&mut *tx, &[rowid]).await?.pop();
    tx.commit().await?;
    Ok(event)
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
