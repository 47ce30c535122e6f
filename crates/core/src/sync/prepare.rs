//! Turning each joined room's new timeline events into rows for the store.
//!
//! Sanitizing content is the costliest part of a sync and holds no lock, so
//! for a large response it runs on worker threads, one room at a time in
//! room order, while the write transaction stores the rooms already done.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use matrix_sdk::deserialized_responses::TimelineEvent;
use tokio::sync::mpsc;

use super::{event, process::Batch};
use crate::store::event::NewEvent;

/// Responses with fewer new events than this are prepared on the calling
/// thread: starting workers would cost more than it saves.
pub const PARALLEL_MIN_EVENTS: usize = 256;

/// Each joined room's rows, in the order of `response.rooms.joined`.
pub struct Prepared {
    ready: Vec<Option<Vec<NewEvent>>>,
    incoming: Option<mpsc::UnboundedReceiver<(usize, Vec<NewEvent>)>>,
}

impl Prepared {
    /// The rows of the `index`th joined room, waiting for a worker if it
    /// has not finished that room yet.
    pub async fn take(&mut self, index: usize) -> Vec<NewEvent> {
        loop {
            if let Some(rows) = self.ready.get_mut(index).and_then(Option::take) {
                return rows;
            }
            let received = match &mut self.incoming {
                Some(rx) => rx.recv().await,
                None => None,
            };
            match received {
                Some((i, rows)) => self.ready[i] = Some(rows),
                // Workers only stop early by panicking: a bug in our code,
                // which travels on as it would have on this thread.
                None => panic!("timeline preparation stopped before room {index}"),
            }
        }
    }
}

/// Starts converting every joined room's new events (gap fill first).
pub fn start(batch: &Batch<'_>, own_user_id: &str) -> Prepared {
    let rooms: Vec<(String, Vec<TimelineEvent>)> = batch
        .response
        .rooms
        .joined
        .iter()
        .map(|(room_id, update)| {
            let gap = batch.gaps.get(room_id).map(|g| g.events.as_slice());
            let events = gap
                .unwrap_or_default()
                .iter()
                .chain(&update.timeline.events);
            (room_id.to_string(), events.cloned().collect())
        })
        .collect();
    let total: usize = rooms.iter().map(|(_, e)| e.len()).sum();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if total < PARALLEL_MIN_EVENTS || threads < 2 {
        let ready = rooms
            .iter()
            .map(|(room_id, events)| Some(convert(room_id, own_user_id, events)))
            .collect();
        return Prepared {
            ready,
            incoming: None,
        };
    }

    let ready = (0..rooms.len()).map(|_| None).collect();
    let (tx, rx) = mpsc::unbounded_channel();
    let rooms = Arc::new(rooms);
    let next = Arc::new(AtomicUsize::new(0));
    for _ in 0..threads {
        let (rooms, next, tx) = (rooms.clone(), next.clone(), tx.clone());
        let own_user_id = own_user_id.to_owned();
        std::thread::spawn(move || {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((room_id, events)) = rooms.get(i) else {
                    break;
                };
                if tx
                    .send((i, convert(room_id, &own_user_id, events)))
                    .is_err()
                {
                    break; // the sync gave up on this response
                }
            }
        });
    }
    Prepared {
        ready,
        incoming: Some(rx),
    }
}

fn convert(room_id: &str, own_user_id: &str, events: &[TimelineEvent]) -> Vec<NewEvent> {
    events
        .iter()
        .filter_map(
            |tev| match event::from_timeline(room_id, own_user_id, tev) {
                Ok(ev) => Some(ev),
                Err(e) => {
                    tracing::warn!(room_id, "skipping {e}");
                    None
                }
            },
        )
        .collect()
}
