//! Which push rule made an event notify (`local_content.push_rule_id`).
//!
//! matrix-sdk evaluates the account's rules for every timeline event —
//! after decryption for encrypted ones, late decryption included — but hands
//! over only the actions. The rule's ID is asked for again here, for the
//! few events whose actions notify, with the same rules and room context.

use std::collections::HashMap;

use matrix_sdk::{
    Room,
    deserialized_responses::TimelineEvent,
    ruma::{
        push::{PushConditionRoomCtx, Ruleset},
        serde::Raw,
    },
};
use trellis_rpc::model::LocalContent;

use crate::store::event::NewEvent;

/// The account's rules with one room's context.
pub struct RoomRules {
    ruleset: Ruleset,
    ctx: PushConditionRoomCtx,
}

impl RoomRules {
    /// None when matrix-sdk cannot build the room's context yet (its state
    /// incomplete); the event then keeps no rule ID, as matrix-sdk's actions
    /// for it were computed without rules too.
    pub async fn of(room: &Room) -> Option<Self> {
        let ctx = room.push_condition_room_ctx().await.ok().flatten()?;
        let ruleset = room.client().account().push_rules().await.ok()?;
        Some(Self { ruleset, ctx })
    }

    /// The first rule that applies to the (cleartext) event.
    pub async fn matching<T>(&self, event: &Raw<T>) -> Option<String> {
        self.ruleset
            .get_match(event, &self.ctx)
            .await
            .map(|rule| rule.rule_id().to_owned())
    }
}

/// Whether matrix-sdk's actions for the event notify or highlight.
fn notifies(event: &TimelineEvent) -> bool {
    event.push_actions().is_some_and(|actions| {
        actions
            .iter()
            .any(|a| a.should_notify() || a.is_highlight())
    })
}

/// Event ID → rule ID for the events of one room that notify. The rules are
/// read only when one does, so a quiet sync costs nothing here.
pub async fn notifying_rules(room: &Room, events: &[&TimelineEvent]) -> HashMap<String, String> {
    let mut found = HashMap::new();
    let mut rules: Option<Option<RoomRules>> = None;
    for event in events.iter().copied().filter(|e| notifies(e)) {
        let Some(event_id) = event.event_id() else {
            continue;
        };
        if rules.is_none() {
            rules = Some(RoomRules::of(room).await);
        }
        let Some(Some(room_rules)) = &rules else {
            break;
        };
        if let Some(rule) = room_rules.matching(event.raw()).await {
            found.insert(event_id.to_string(), rule);
        }
    }
    found
}

/// Puts the rule ID into the event's local content (made if it had none).
pub fn set_rule_id(event: &mut NewEvent, rule_id: &str) {
    let mut local: LocalContent = event
        .local_content
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    local.push_rule_id = rule_id.to_owned();
    event.local_content = serde_json::to_string(&local).ok();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::event::from_json;

    #[test]
    fn the_rule_id_joins_what_local_content_held() {
        let mut e = from_json(
            "!r:x",
            r#"{"event_id":"$1","sender":"@a:x","type":"m.room.message","origin_server_ts":1,
                "content":{"msgtype":"m.text","body":"hi","format":"org.matrix.custom.html",
                "formatted_body":"<b>hi</b>"}}"#,
        )
        .unwrap();
        crate::sync::event::fill_local_content(&mut e, "@me:x");
        let before: LocalContent =
            serde_json::from_str(e.local_content.as_deref().unwrap()).unwrap();
        set_rule_id(&mut e, ".m.rule.is_user_mention");
        let after: LocalContent =
            serde_json::from_str(e.local_content.as_deref().unwrap()).unwrap();
        assert_eq!(after.push_rule_id, ".m.rule.is_user_mention");
        assert_eq!(
            LocalContent {
                push_rule_id: String::new(),
                ..after
            },
            before
        );

        let mut bare = from_json(
            "!r:x",
            r#"{"event_id":"$2","sender":"@a:x","type":"m.custom","origin_server_ts":1,"content":{}}"#,
        )
        .unwrap();
        set_rule_id(&mut bare, ".m.rule.message");
        assert!(bare.local_content.unwrap().contains(".m.rule.message"));
    }
}
