//! What a frontend gets on connecting: run_id, client_state, the room list
//! from the database in chunks (the first clears old state), init_complete;
//! or, for a websocket resuming, run_id, the events it missed, init_complete.

use std::sync::Arc;

use tokio::sync::mpsc;
use trellis_rpc::events::{BackendEvent, InitComplete, RunData, SyncComplete, SyncRoom, name};

use crate::{
    Backend, CoreError,
    bus::{BusInner, Line},
    dispatch::Connection,
    replay::Hold,
    session, store,
};

/// Rooms per `sync_complete` of the initial payload.
const CHUNK: usize = 100;

/// A websocket's attachment: its connection, its lines, whether the resume
/// it asked for worked, and its hold on the replay buffer.
pub struct Attached {
    pub connection: Connection,
    pub lines: mpsc::UnboundedReceiver<Line>,
    pub resumed: bool,
    pub hold: Hold,
}

impl Backend {
    /// Attaches a frontend. Events and replies arrive on the returned
    /// receiver, one envelope per line, starting with the initial payload.
    pub async fn connect(&self) -> Result<(Connection, mpsc::UnboundedReceiver<Line>), CoreError> {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut bus = self.inner.bus.lock().await;
        self.send_initial(&mut bus, &mut |bus, event| {
            let _ = tx.send(bus.line(&event));
        })
        .await?;
        bus.subscribe(tx.clone());
        Ok((Connection::new(self.clone(), tx), rx))
    }

    /// Follows the backend's events as values, for a frontend in this
    /// process that only watches (it sends no requests): the initial
    /// payload first, as `connect` gives it, then every broadcast event.
    pub async fn follow(&self) -> Result<mpsc::UnboundedReceiver<Arc<BackendEvent>>, CoreError> {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut bus = self.inner.bus.lock().await;
        self.send_initial(&mut bus, &mut |_, event| {
            let _ = tx.send(Arc::new(event));
        })
        .await?;
        bus.follow(tx);
        Ok(rx)
    }

    /// Attaches a websocket. With `resume` (the run id and the last event id
    /// the client received) from this run whose events are all still
    /// buffered, the client gets only the events it missed, then run_id and
    /// init_complete; otherwise the full payload, which clears its state.
    pub async fn connect_resumable(
        &self,
        resume: Option<(&str, i64)>,
    ) -> Result<Attached, CoreError> {
        let (tx, rx) = mpsc::unbounded_channel();
        let inner = &self.inner;
        let mut bus = inner.bus.lock().await;
        let missed = resume
            .filter(|(run_id, _)| *run_id == inner.run_id)
            .and_then(|(_, last)| {
                let replay = inner.bus.replay().lock().ok()?;
                replay.missed_since(last, bus.last_id())
            });
        let resumed = missed.is_some();
        if let Some(missed) = missed {
            // The missed events keep their old ids, so they go first: ids a
            // connection receives only ever count down.
            for line in missed {
                let _ = tx.send(line);
            }
            let _ = tx.send(bus.envelope(name::RUN_ID, &self.run_data()));
            let status = bus.sync_status().clone();
            let _ = tx.send(bus.envelope(name::SYNC_STATUS, &status));
            let _ = tx.send(bus.envelope(name::INIT_COMPLETE, &InitComplete {}));
        } else {
            self.send_initial(&mut bus, &mut |bus, event| {
                let _ = tx.send(bus.line(&event));
            })
            .await?;
        }
        let hold = Hold::new(inner.bus.replay(), bus.last_id());
        bus.subscribe(tx.clone());
        Ok(Attached {
            connection: Connection::new(self.clone(), tx),
            lines: rx,
            resumed,
            hold,
        })
    }

    fn run_data(&self) -> RunData {
        RunData {
            run_id: self.inner.run_id.clone(),
            etag: self.inner.frontend_etag.get().cloned().unwrap_or_default(),
            vapid_key: String::new(),
        }
    }

    /// The full payload, each event handed to `send`. The caller holds the
    /// bus lock until the frontend is subscribed, so no sync lands between
    /// this snapshot and live events.
    async fn send_initial(
        &self,
        bus: &mut BusInner,
        send: &mut (dyn FnMut(&mut BusInner, BackendEvent) + Send),
    ) -> Result<(), CoreError> {
        let inner = &self.inner;
        send(bus, BackendEvent::RunId(self.run_data()));
        let session = inner.session.read().await.clone();
        send(
            bus,
            BackendEvent::ClientState(session::client_state(session.as_ref())),
        );
        // A request that arrived before this frontend did is still waiting.
        for flow in session.iter().flat_map(|s| s.crypto.flows.active()) {
            send(bus, BackendEvent::Verification(flow));
        }
        // gomuks's frontends show "waiting" until they hear otherwise.
        let status = bus.sync_status().clone();
        send(bus, BackendEvent::SyncStatus(status));
        for payload in initial_payload(&inner.store, session.as_ref().map(|s| s.user_id())).await? {
            send(bus, BackendEvent::SyncComplete(payload));
        }
        send(bus, BackendEvent::InitComplete(InitComplete {}));
        Ok(())
    }
}

async fn initial_payload(
    store: &store::Store,
    user_id: Option<&str>,
) -> Result<Vec<SyncComplete>, CoreError> {
    let mut conn = store
        .pool()
        .acquire()
        .await
        .map_err(store::StoreError::from)?;
    let rooms = store::room::list(&mut *conn).await?;
    let mut first = SyncComplete {
        clear_state: true,
        ..Default::default()
    };
    if let Some(user_id) = user_id {
        first.account_data = store::account_data::all_global(&mut *conn, user_id).await?;
    }
    first.invited_rooms = store::invited::list(&mut *conn).await?;
    for edge in store::space::edges(&mut *conn, None).await? {
        first
            .space_edges
            .entry(edge.space_id.clone())
            .or_default()
            .push(edge);
    }
    first.top_level_spaces = Some(store::space::top_level_spaces(&mut *conn).await?);

    let mut payloads = vec![first];
    for (i, chunk) in rooms.chunks(CHUNK).enumerate() {
        let previews: Vec<i64> = chunk
            .iter()
            .map(|r| r.preview_event_rowid)
            .filter(|r| *r != 0)
            .collect();
        let mut events = store::event::by_rowids(&mut *conn, &previews).await?;
        if i > 0 {
            payloads.push(SyncComplete::default());
        }
        let Some(payload) = payloads.last_mut() else {
            break;
        };
        for room in chunk {
            let mut sync_room = SyncRoom::default();
            if let Some(pos) = events
                .iter()
                .position(|e| e.rowid == room.preview_event_rowid)
            {
                sync_room.events.push(events.swap_remove(pos));
            }
            sync_room.meta = Some(room.clone());
            payload.rooms.insert(room.room_id.clone(), sync_room);
        }
    }
    Ok(payloads)
}
