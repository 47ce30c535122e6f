//! Recent broadcast events kept in memory so a websocket client that lost
//! its connection can resume: it names the last event id it received and
//! gets exactly the events after it.
//!
//! Events are kept while some client may still need them: every attached
//! websocket holds the buffer from the id it last acknowledged (pings), and
//! a closed one keeps holding for [`GRACE`] so a reconnect can resume. Hard
//! caps on count and bytes bound the memory whatever clients do; a resume
//! from before what was dropped fails and the client gets a fresh payload.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use crate::bus::Line;

/// How long a closed connection's position is kept for a resume.
const GRACE: Duration = Duration::from_secs(5 * 60);
const MAX_EVENTS: usize = 20_000;
const MAX_BYTES: usize = 64 << 20;

#[derive(Default)]
pub(crate) struct Replay {
    /// Oldest first; ids descend (-1, -2, …) but are not contiguous: ids of
    /// one connection's own payload are not broadcast and never stored.
    events: VecDeque<(i64, Line)>,
    bytes: usize,
    /// The newest id ever dropped (0: none). A resume needs everything after
    /// its position, so it must not be newer than this.
    newest_dropped: i64,
    holds: HashMap<u64, Position>,
    next_hold: u64,
}

struct Position {
    /// The newest event id the client confirmed; it needs everything newer.
    acked: i64,
    /// Set when the connection closed: the hold lapses then.
    expires: Option<Instant>,
}

impl Replay {
    pub(crate) fn push(&mut self, id: i64, line: Line) {
        self.bytes += line.len();
        self.events.push_back((id, line));
        self.trim();
    }

    /// The broadcast events after `last_received`, or None when some of them
    /// are gone (or the id was never sent: `newest_sent` is the bus's last id).
    pub(crate) fn missed_since(&self, last_received: i64, newest_sent: i64) -> Option<Vec<Line>> {
        if last_received >= 0 || last_received < newest_sent || self.newest_dropped < last_received
        {
            return None;
        }
        Some(
            self.events
                .iter()
                .filter(|(id, _)| *id < last_received)
                .map(|(_, line)| line.clone())
                .collect(),
        )
    }

    fn hold(&mut self, acked: i64) -> u64 {
        self.next_hold += 1;
        self.holds.insert(
            self.next_hold,
            Position {
                acked,
                expires: None,
            },
        );
        self.next_hold
    }

    /// Drops what no live or recently closed client needs, then whatever
    /// is over the caps.
    fn trim(&mut self) {
        let now = Instant::now();
        self.holds
            .retain(|_, p| p.expires.is_none_or(|deadline| deadline > now));
        // The least advanced client: everything at or before its ack is done.
        let floor = self.holds.values().map(|p| p.acked).max();
        while let Some((id, line)) = self.events.front() {
            let unneeded = floor.is_none_or(|floor| *id >= floor);
            if !unneeded && self.events.len() <= MAX_EVENTS && self.bytes <= MAX_BYTES {
                break;
            }
            self.bytes -= line.len();
            self.newest_dropped = *id;
            self.events.pop_front();
        }
    }
}

/// One websocket's claim on the buffer. Acks move it forward; dropping it
/// (the connection closed) starts the grace period.
pub struct Hold {
    replay: Arc<Mutex<Replay>>,
    id: u64,
}

impl Hold {
    pub(crate) fn new(replay: &Arc<Mutex<Replay>>, acked: i64) -> Self {
        let id = replay.lock().map(|mut r| r.hold(acked)).unwrap_or(0);
        Self {
            replay: replay.clone(),
            id,
        }
    }

    /// The client confirmed everything up to `event_id` (a negative id).
    pub fn ack(&self, event_id: i64) {
        if event_id >= 0 {
            return;
        }
        if let Ok(mut replay) = self.replay.lock() {
            if let Some(p) = replay.holds.get_mut(&self.id) {
                // Acks only move forward; a stale ping must not re-hold.
                p.acked = p.acked.min(event_id);
            }
            replay.trim();
        }
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        if let Ok(mut replay) = self.replay.lock()
            && let Some(p) = replay.holds.get_mut(&self.id)
        {
            p.expires = Some(Instant::now() + GRACE);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: i64) -> Line {
        format!("{{\"request_id\":{id}}}").into()
    }

    #[test]
    fn resume_gets_exactly_the_missed_events() {
        let replay = Arc::new(Mutex::new(Replay::default()));
        let hold = Hold::new(&replay, -1);
        let mut r = replay.lock().unwrap();
        for id in [-2, -3, -5, -6] {
            r.push(id, line(id));
        }
        let missed = r.missed_since(-3, -6).unwrap();
        assert_eq!(missed, vec![line(-5), line(-6)]);
        assert_eq!(r.missed_since(-6, -6).unwrap(), Vec::<Line>::new());
        // From the future, or not an event id at all.
        assert!(r.missed_since(-7, -6).is_none());
        assert!(r.missed_since(3, -6).is_none());
        drop(r);
        drop(hold);
    }

    #[test]
    fn acked_events_go_and_resume_before_them_fails() {
        let replay = Arc::new(Mutex::new(Replay::default()));
        let hold = Hold::new(&replay, -1);
        // In the order the bus sends them: -2 first.
        for id in (-5..=-2).rev() {
            replay.lock().unwrap().push(id, line(id));
        }
        hold.ack(-3);
        let r = replay.lock().unwrap();
        assert_eq!(r.events.len(), 2, "-2 and -3 were acknowledged");
        assert!(r.missed_since(-2, -5).is_none(), "-3 is gone");
        assert_eq!(r.missed_since(-3, -5).unwrap(), vec![line(-4), line(-5)]);
    }

    #[test]
    fn a_closed_connection_keeps_its_events() {
        let replay = Arc::new(Mutex::new(Replay::default()));
        drop(Hold::new(&replay, -1));
        replay.lock().unwrap().push(-2, line(-2));
        assert!(replay.lock().unwrap().missed_since(-1, -2).is_some());
    }

    #[test]
    fn nothing_is_kept_without_a_websocket() {
        let mut r = Replay::default();
        r.push(-1, line(-1));
        assert!(r.events.is_empty());
    }
}
