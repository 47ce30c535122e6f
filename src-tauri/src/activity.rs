//! What the shell follows of the backend on its own connection: unread
//! totals for the tray, and the events the push rules say should notify.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use trellis_rpc::{
    events::{SyncComplete, SyncRoom},
    model::Event,
};

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
    names: HashMap<String, String>,
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
            self.names.remove(left);
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
                let name = meta.name.clone().filter(|n| !n.is_empty());
                self.names
                    .insert(room_id.clone(), name.unwrap_or_else(|| room_id.clone()));
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

    fn notes_for(&self, room_id: &str, room: &SyncRoom) -> Vec<Note> {
        let title = self
            .names
            .get(room_id)
            .cloned()
            .unwrap_or_else(|| room_id.to_owned());
        room.notifications
            .iter()
            .filter_map(|n| {
                let ev = room.events.iter().find(|e| e.rowid == n.event_rowid)?;
                Some(Note {
                    room_id: room_id.to_owned(),
                    title: title.clone(),
                    body: format!("{}: {}", sender_name(&ev.sender), preview(ev)),
                    sound: n.sound,
                })
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

/// The localpart, which is what a person reads in a user id.
fn sender_name(user_id: &str) -> &str {
    user_id
        .strip_prefix('@')
        .and_then(|rest| rest.split(':').next())
        .unwrap_or(user_id)
}

const PREVIEW_CHARS: usize = 140;

/// The message's plain body (the cleartext for an encrypted one), cut short.
fn preview(ev: &Event) -> String {
    #[derive(Deserialize)]
    struct Body {
        body: Option<String>,
        msgtype: Option<String>,
    }
    let content = ev.decrypted.as_deref().unwrap_or(&ev.content);
    let parsed: Option<Body> = serde_json::from_str(content.get()).ok();
    let text = match parsed {
        Some(Body {
            msgtype: Some(t), ..
        }) if t == "m.image" => "sent an image".to_owned(),
        Some(Body {
            msgtype: Some(t), ..
        }) if t == "m.file" => "sent a file".to_owned(),
        Some(Body { body: Some(b), .. }) => b,
        _ if ev.decryption_error.is_some() => "an encrypted message".to_owned(),
        _ => "a new message".to_owned(),
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(PREVIEW_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
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
                    json!([{"event_rowid": 7, "sound": true, "highlight": false}])
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
                body: "alice: lunch at noon?".into(),
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

    #[test]
    fn previews_are_cut_short() {
        let long = "word ".repeat(100);
        let line = sync_line(false, true, (1, 0)).replace("lunch   at\\nnoon?", &long);
        let mut a = Activity::default();
        a.apply_line(r#"{"command":"init_complete","data":{}}"#);
        let notes = a.apply_line(&line);
        assert_eq!(
            notes[0].body.chars().count(),
            "alice: ".len() + PREVIEW_CHARS + 1
        );
        assert!(notes[0].body.ends_with('…'));
    }
}
