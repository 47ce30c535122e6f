//! Room metadata derived from current state: name (from heroes for unnamed
//! rooms and DMs), avatar, topic, alias, DM partner, encryption.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;
use trellis_rpc::model::name_quality;

use crate::store::{
    StoreResult, Tx,
    room::{self, RoomMeta},
    state,
};

/// A member the homeserver suggests for naming an unnamed room.
#[derive(Debug, Clone, PartialEq)]
pub struct Hero {
    pub user_id: String,
    pub display_name: Option<String>,
    pub avatar_url: Option<String>,
}

/// Which DM partner each room is with, from the `m.direct` account data.
pub fn dm_partners(m_direct: Option<&str>) -> HashMap<String, String> {
    let Some(parsed) =
        m_direct.and_then(|c| serde_json::from_str::<HashMap<String, Vec<String>>>(c).ok())
    else {
        return HashMap::new();
    };
    let mut by_room = HashMap::new();
    for (user, rooms) in parsed {
        for room in rooms {
            by_room.entry(room).or_insert_with(|| user.clone());
        }
    }
    by_room
}

#[derive(Deserialize, Default)]
struct Member {
    displayname: Option<String>,
    avatar_url: Option<String>,
}

pub(crate) fn text_field(content: Option<&str>, field: &str) -> Option<String> {
    let v: Value = serde_json::from_str(content?).ok()?;
    v.get(field)?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Builds a name like "Alice", "Alice and Bob" or "Alice, Bob and 3 others".
pub fn name_from_members(names: &[String], others: usize) -> Option<String> {
    match (names, others) {
        ([], _) => None,
        ([one], 0) => Some(one.clone()),
        ([a, b], 0) => Some(format!("{a} and {b}")),
        (many, 0) => {
            let (last, rest) = many.split_last()?;
            Some(format!("{} and {last}", rest.join(", ")))
        }
        (some, n) => Some(format!(
            "{} and {n} other{}",
            some.join(", "),
            if n == 1 { "" } else { "s" }
        )),
    }
}

pub async fn compute(
    tx: &mut Tx,
    room_id: &str,
    own_user_id: &str,
    heroes: &[Hero],
    dm_user_id: Option<&str>,
    summary: Option<&str>,
) -> StoreResult<RoomMeta> {
    // One read for every state event the metadata comes from.
    let mut room_state = state::room_level(tx, room_id).await?;
    let mut take = |event_type: &str| room_state.remove(event_type);
    let create = take("m.room.create");
    let name = text_field(take("m.room.name").as_deref(), "name");
    let alias = text_field(take("m.room.canonical_alias").as_deref(), "alias");
    let topic = text_field(take("m.room.topic").as_deref(), "topic");
    let avatar = text_field(take("m.room.avatar").as_deref(), "url");
    let encryption = take("m.room.encryption");
    let tombstone = take("m.room.tombstone");
    let room_type = text_field(create.as_deref(), "type");

    let member = async |tx: &mut Tx, user_id: &str| -> StoreResult<Member> {
        let content = state::content(tx, room_id, "m.room.member", user_id).await?;
        Ok(content
            .and_then(|c| serde_json::from_str(&c).ok())
            .unwrap_or_default())
    };

    let (name, quality) = if let Some(name) = name {
        (Some(name), name_quality::EXPLICIT)
    } else if let Some(alias) = &alias {
        (Some(alias.clone()), name_quality::CANONICAL_ALIAS)
    } else {
        let mut names = Vec::new();
        for hero in heroes.iter().filter(|h| h.user_id != own_user_id) {
            let m = member(tx, &hero.user_id).await?;
            names.push(
                m.displayname
                    .or_else(|| hero.display_name.clone())
                    .unwrap_or_else(|| hero.user_id.clone()),
            );
        }
        // The summary this sync brought, else the one we stored before.
        let stored = match summary {
            Some(_) => None,
            None => room::lazy_load_summary(tx, room_id).await?,
        };
        let counted: usize = summary
            .or(stored.as_deref())
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
            .map(|v| {
                let n = |k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0) as usize;
                n("m.joined_member_count") + n("m.invited_member_count")
            })
            .unwrap_or(0);
        // Members beyond the heroes and ourselves.
        let others = counted.saturating_sub(names.len() + 1);
        match name_from_members(&names, others) {
            Some(n) => (Some(n), name_quality::PARTICIPANTS),
            None => (None, name_quality::NIL),
        }
    };

    let dm_user_id = dm_user_id.map(str::to_owned).or_else(|| match heroes {
        // An unnamed two-person room reads as a DM even without m.direct.
        [only] if quality == name_quality::PARTICIPANTS && only.user_id != own_user_id => {
            Some(only.user_id.clone())
        }
        _ => None,
    });
    let (avatar, explicit_avatar) = match avatar {
        Some(a) => (Some(a), true),
        None => match &dm_user_id {
            Some(dm) => {
                let m = member(tx, dm).await?;
                let hero_avatar = heroes
                    .iter()
                    .find(|h| &h.user_id == dm)
                    .and_then(|h| h.avatar_url.clone());
                (m.avatar_url.or(hero_avatar), false)
            }
            None => (None, false),
        },
    };

    Ok(RoomMeta {
        room_type,
        creation_content: create,
        tombstone_content: tombstone,
        name,
        name_quality: quality,
        avatar,
        explicit_avatar,
        dm_user_id,
        topic,
        canonical_alias: alias,
        lazy_load_summary: summary.map(str::to_owned),
        encryption_event: encryption,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_members() {
        let n = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(name_from_members(&[], 0), None);
        assert_eq!(
            name_from_members(&n(&["Alice"]), 0).as_deref(),
            Some("Alice")
        );
        assert_eq!(
            name_from_members(&n(&["Alice", "Bob"]), 0).as_deref(),
            Some("Alice and Bob")
        );
        assert_eq!(
            name_from_members(&n(&["A", "B", "C"]), 0).as_deref(),
            Some("A, B and C")
        );
        assert_eq!(
            name_from_members(&n(&["A", "B"]), 1).as_deref(),
            Some("A, B and 1 other")
        );
        assert_eq!(
            name_from_members(&n(&["A", "B"]), 5).as_deref(),
            Some("A, B and 5 others")
        );
    }

    #[test]
    fn dm_partners_from_m_direct() {
        let map = dm_partners(Some(r#"{"@bob:x":["!a:x","!b:x"],"@eve:x":["!c:x"]}"#));
        assert_eq!(map.get("!a:x").map(String::as_str), Some("@bob:x"));
        assert_eq!(map.get("!c:x").map(String::as_str), Some("@eve:x"));
        assert!(dm_partners(Some("garbage")).is_empty());
        assert!(dm_partners(None).is_empty());
    }
}
