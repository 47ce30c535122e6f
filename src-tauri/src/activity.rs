//! What the shell follows of the backend on its own connection: unread
//! totals for the tray, and the events the push rules say should notify.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use trellis_rpc::events::{SyncComplete, SyncRoom};

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

#[derive(Deserialize)]
struct Envelope<'a> {
    command: &'a str,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
}

impl Activity {
    /// Takes one envelope line from the backend; returns the notifications
    /// it brings.
    pub fn apply_line(&mut self, line: &str) -> Vec<Note> {
        let Ok(env) = serde_json::from_str::<Envelope>(line) else {
            return Vec::new();
        };
        match (env.command, env.data) {
            ("init_complete", _) => {
                self.live = true;
                Vec::new()
            }
            ("sync_complete", Some(data)) => match serde_json::from_str::<SyncComplete>(data.get())
            {
                Ok(sync) => self.apply_sync(&sync),
                Err(e) => {
                    tracing::warn!("unreadable sync_complete: {e}");
                    Vec::new()
                }
            },
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

    use super::*;

    fn sync_line(clear: bool, notify: bool, unread: (i64, i64)) -> String {
        json!({"command": "sync_complete", "request_id": -5, "data": {
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
        }})
        .to_string()
    }

    #[test]
    fn notifies_only_after_the_initial_payload() {
        let mut a = Activity::default();
        assert!(a.apply_line(&sync_line(true, true, (1, 0))).is_empty());
        a.apply_line(r#"{"command":"init_complete","request_id":-6,"data":{}}"#);
        let notes = a.apply_line(&sync_line(false, true, (2, 1)));
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
    fn clear_state_and_bad_lines_reset_or_change_nothing() {
        let mut a = Activity::default();
        a.apply_line(&sync_line(false, false, (3, 2)));
        assert!(a.apply_line("not json").is_empty());
        assert!(
            a.apply_line(r#"{"command":"sync_complete","data":{"rooms":5}}"#)
                .is_empty()
        );
        assert_eq!(
            a.totals(),
            Totals {
                notifications: 3,
                highlights: 2
            }
        );
        a.apply_line(r#"{"command":"sync_complete","data":{"clear_state":true}}"#);
        assert_eq!(a.totals(), Totals::default());
    }
}
