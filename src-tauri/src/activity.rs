//! What the shell follows of the backend on its own connection: unread
//! totals for the tray, and the events the push rules say should notify.

use std::collections::HashMap;

use trellis_rpc::events::{BackendEvent, SyncComplete, SyncRoom};

/// Unread counts over all joined rooms.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub notifications: i64,
    pub highlights: i64,
}

/// A desktop notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub room_id: String,
    pub title: String,
    pub body: String,
    pub sound: bool,
}

/// Per-room unread counters, kept from each `sync_complete`'s room meta.
#[derive(Default)]
pub struct Activity {
    rooms: HashMap<String, (i64, i64)>,
    /// Canonical aliases and DM partners, so deep links can name a room.
    aliases: HashMap<String, String>,
    dms: HashMap<String, String>,
    /// Notifications wait for the initial payload to be over: it replays
    /// stored rooms, not news.
    live: bool,
}

impl Activity {
    /// Takes one backend event; returns the notifications it brings.
    pub fn apply(&mut self, event: &BackendEvent) -> Vec<Note> {
        match event {
            BackendEvent::InitComplete(_) => {
                self.live = true;
                Vec::new()
            }
            BackendEvent::SyncComplete(sync) => self.apply_sync(sync),
            _ => Vec::new(),
        }
    }

    fn apply_sync(&mut self, sync: &SyncComplete) -> Vec<Note> {
        if sync.clear_state {
            *self = Self {
                live: self.live,
                ..Self::default()
            };
        }
        for left in &sync.left_rooms {
            self.rooms.remove(left);
            self.aliases.retain(|_, r| r != left);
            self.dms.retain(|_, r| r != left);
        }
        let mut notes = Vec::new();
        for (room_id, room) in &sync.rooms {
            if let Some(meta) = &room.meta {
                self.rooms.insert(
                    room_id.clone(),
                    (meta.unread_notifications, meta.unread_highlights),
                );
                if let Some(alias) = &meta.canonical_alias {
                    self.aliases.insert(alias.clone(), room_id.clone());
                }
                if let Some(user) = &meta.dm_user_id {
                    self.dms.insert(user.clone(), room_id.clone());
                }
            }
            if self.live {
                notes.extend(self.notes_for(room_id, room));
            }
        }
        notes
    }

    /// The backend wrote the text (`trellis_core::notification`), the same
    /// the web UI shows.
    fn notes_for(&self, room_id: &str, room: &SyncRoom) -> Vec<Note> {
        room.notifications
            .iter()
            .map(|n| Note {
                room_id: room_id.to_owned(),
                title: n.title.clone(),
                body: n.body.clone(),
                sound: n.sound,
            })
            .collect()
    }

    /// The joined room a deep link means, if we are in it.
    pub fn room_for(&self, target: &crate::links::Target) -> Option<String> {
        use crate::links::Target;
        match target {
            Target::Room(id) => self.rooms.contains_key(id).then(|| id.clone()),
            Target::Alias(alias) => self.aliases.get(alias).cloned(),
            Target::User(user) => self.dms.get(user).cloned(),
        }
    }

    pub fn totals(&self) -> Totals {
        self.rooms
            .values()
            .fold(Totals::default(), |t, (n, h)| Totals {
                notifications: t.notifications + n,
                highlights: t.highlights + h,
            })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use trellis_rpc::events::InitComplete;

    use super::*;

    fn sync(data: serde_json::Value) -> BackendEvent {
        BackendEvent::SyncComplete(serde_json::from_value(data).unwrap_or_else(|e| panic!("{e}")))
    }

    const INIT: BackendEvent = BackendEvent::InitComplete(InitComplete {});

    fn room_sync(clear: bool, notify: bool, unread: (i64, i64)) -> BackendEvent {
        sync(json!({
            "clear_state": clear,
            "rooms": {"!r:x": {
                "meta": {"room_id": "!r:x", "name": "Team", "name_quality": 3,
                         "explicit_avatar": false, "has_member_list": false,
                         "preview_event_rowid": 7, "sorting_timestamp": 1, "unread_messages": 1,
                         "unread_notifications": unread.0, "unread_highlights": unread.1,
                         "canonical_alias": "#team:x", "dm_user_id": "@alice:x"},
                "events": [{"rowid": 7, "room_id": "!r:x", "event_id": "$e", "sender": "@alice:x",
                            "type": "m.room.message", "timestamp": 1,
                            "content": {"msgtype": "m.text", "body": "lunch   at\nnoon?"}}],
                "notifications": if notify {
                    json!([{"event_rowid": 7, "sound": true, "highlight": false,
                            "title": "Team", "body": "Alice: lunch at noon?"}])
                } else { json!([]) },
            }},
        }))
    }

    #[test]
    fn notifies_only_after_the_initial_payload() {
        let mut a = Activity::default();
        assert!(a.apply(&room_sync(true, true, (1, 0))).is_empty());
        a.apply(&INIT);
        let notes = a.apply(&room_sync(false, true, (2, 1)));
        assert_eq!(
            notes,
            vec![Note {
                room_id: "!r:x".into(),
                title: "Team".into(),
                body: "Alice: lunch at noon?".into(),
                sound: true,
            }]
        );
        assert_eq!(
            a.totals(),
            Totals {
                notifications: 2,
                highlights: 1
            }
        );
        use crate::links::Target;
        for target in [
            Target::Room("!r:x".into()),
            Target::Alias("#team:x".into()),
            Target::User("@alice:x".into()),
        ] {
            assert_eq!(a.room_for(&target).as_deref(), Some("!r:x"), "{target:?}");
        }
        assert_eq!(a.room_for(&Target::Room("!other:x".into())), None);
    }

    #[test]
    fn clear_state_resets_and_other_events_change_nothing() {
        let mut a = Activity::default();
        a.apply(&room_sync(false, false, (3, 2)));
        let typing = BackendEvent::Typing(
            serde_json::from_value(json!({"room_id": "!r:x", "user_ids": ["@alice:x"]}))
                .unwrap_or_else(|e| panic!("{e}")),
        );
        assert!(a.apply(&typing).is_empty());
        assert_eq!(
            a.totals(),
            Totals {
                notifications: 3,
                highlights: 2
            }
        );
        a.apply(&sync(json!({"clear_state": true})));
        assert_eq!(a.totals(), Totals::default());
    }
}
