//! Membership and room commands.

use std::time::Duration;

use matrix_sdk::ruma::{
    OwnedRoomOrAliasId, OwnedServerName, OwnedUserId,
    api::client::{
        knock::knock_room,
        membership::{
            ban_user, invite_user, join_room_by_id_or_alias, kick_user, leave_room, unban_user,
        },
        push::{delete_pushrule, get_pushrule, set_pushrule},
        read_marker::set_read_marker,
        receipt::create_receipt::{self, v3::ReceiptType},
        room::create_room,
        typing::create_typing_event::{
            self,
            v3::{Typing, TypingInfo},
        },
    },
    push::{NewPushRule, NewSimplePushRule, RuleKind},
    serde::Raw,
};
use serde_json::Value;
use trellis_rpc::{
    commands::{
        CreateRoomResponse, JoinRoomParams, JoinRoomResponse, LeaveRoomParams, MarkReadParams,
        MuteRoomParams, SetMembershipParams, SetTypingParams,
    },
    events::{BackendEvent, SyncComplete, SyncRoom},
    model::Receipt,
};

use super::{event_id, room_id, to_value, user_id};
use crate::{Backend, CoreError, store, sync::process::now_ms};

fn target(room_id_or_alias: &str) -> Result<OwnedRoomOrAliasId, CoreError> {
    room_id_or_alias.parse().map_err(|e| {
        CoreError::BadRequest(format!(
            "{room_id_or_alias:?} is not a room ID or alias: {e}"
        ))
    })
}

fn servers(via: &[String]) -> Result<Vec<OwnedServerName>, CoreError> {
    via.iter()
        .map(|s| s.parse::<OwnedServerName>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CoreError::BadRequest(format!("via has an invalid server name: {e}")))
}

pub async fn join_room(backend: &Backend, p: JoinRoomParams) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let target = target(&p.room_id_or_alias)?;
    if p.from_invite && !target.is_room_id() {
        return Err(CoreError::BadRequest(
            "from_invite needs a room ID, not an alias".into(),
        ));
    }
    let mut request = join_room_by_id_or_alias::v3::Request::new(target);
    request.via = servers(&p.via)?;
    request.reason = p.reason;
    let resp = client.send(request).await?;
    to_value(&JoinRoomResponse {
        room_id: resp.room_id.to_string(),
    })
}

pub async fn knock_room(backend: &Backend, p: JoinRoomParams) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let mut request = knock_room::v3::Request::new(target(&p.room_id_or_alias)?);
    request.via = servers(&p.via)?;
    request.reason = p.reason;
    let resp = client.send(request).await?;
    to_value(&JoinRoomResponse {
        room_id: resp.room_id.to_string(),
    })
}

pub async fn leave_room(backend: &Backend, p: LeaveRoomParams) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let mut request = leave_room::v3::Request::new(room_id(&p.room_id)?);
    request.reason = p.reason;
    client.send(request).await?;
    Ok(Value::Bool(true))
}

pub async fn set_membership(backend: &Backend, p: SetMembershipParams) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let room = room_id(&p.room_id)?;
    let user: OwnedUserId = user_id(&p.user_id)?;
    match p.action.as_str() {
        "invite" => {
            let mut invitee = invite_user::v3::InviteUserId::new(user);
            invitee.reason = p.reason;
            let recipient = invite_user::v3::InvitationRecipient::UserId(invitee);
            client
                .send(invite_user::v3::Request::new(room, recipient))
                .await?;
        }
        "kick" => {
            let mut request = kick_user::v3::Request::new(room, user);
            request.reason = p.reason;
            client.send(request).await?;
        }
        "ban" => {
            let mut request = ban_user::v3::Request::new(room, user);
            request.reason = p.reason;
            client.send(request).await?;
        }
        "unban" => {
            let mut request = unban_user::v3::Request::new(room, user);
            request.reason = p.reason;
            client.send(request).await?;
        }
        other => {
            return Err(CoreError::BadRequest(format!(
                "unknown action {other:?}: use invite, kick, ban or unban (join_room and leave_room for yourself)"
            )));
        }
    }
    Ok(Value::Bool(true))
}

pub async fn create_room(backend: &Backend, data: Value) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let Value::Object(p) = data else {
        return Err(CoreError::BadRequest("create_room needs an object".into()));
    };
    let bad = |field: &str, e: &dyn std::fmt::Display| {
        CoreError::BadRequest(format!("invalid {field}: {e}"))
    };
    let text = |field: &str| -> Result<Option<String>, CoreError> {
        match p.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(bad(field, &format!("expected a string, got {other}"))),
        }
    };
    let parse = |field: &str| -> Result<Option<Value>, CoreError> {
        Ok(p.get(field).filter(|v| !v.is_null()).cloned())
    };
    let mut request = create_room::v3::Request::new();
    request.name = text("name")?;
    request.topic = text("topic")?;
    request.room_alias_name = text("room_alias_name")?;
    if let Some(v) = parse("visibility")? {
        request.visibility = serde_json::from_value(v).map_err(|e| bad("visibility", &e))?;
    }
    if let Some(v) = parse("preset")? {
        request.preset = Some(serde_json::from_value(v).map_err(|e| bad("preset", &e))?);
    }
    if let Some(v) = parse("room_version")? {
        request.room_version =
            Some(serde_json::from_value(v).map_err(|e| bad("room_version", &e))?);
    }
    if let Some(v) = parse("invite")? {
        request.invite = serde_json::from_value(v).map_err(|e| bad("invite", &e))?;
    }
    if let Some(v) = parse("invite_3pid")? {
        request.invite_3pid = serde_json::from_value(v).map_err(|e| bad("invite_3pid", &e))?;
    }
    request.is_direct = p.get("is_direct").and_then(Value::as_bool).unwrap_or(false);
    if let Some(v) = parse("creation_content")? {
        request.creation_content = Some(Raw::from_json(
            serde_json::value::to_raw_value(&v).map_err(|e| bad("creation_content", &e))?,
        ));
    }
    if let Some(v) = parse("power_level_content_override")? {
        request.power_level_content_override = Some(Raw::from_json(
            serde_json::value::to_raw_value(&v)
                .map_err(|e| bad("power_level_content_override", &e))?,
        ));
    }
    if let Some(Value::Array(events)) = parse("initial_state")? {
        for ev in events {
            request.initial_state.push(Raw::from_json(
                serde_json::value::to_raw_value(&ev).map_err(|e| bad("initial_state", &e))?,
            ));
        }
    }
    // Through matrix-sdk's create_room, so the room is known at once and a
    // command about it right after does not race the next sync.
    let room = client.create_room(request).await?;
    to_value(&CreateRoomResponse {
        room_id: room.room_id().to_string(),
    })
}

pub async fn mark_read(backend: &Backend, p: MarkReadParams) -> Result<Value, CoreError> {
    let (client, me) = backend.client_and_user().await?;
    let room = room_id(&p.room_id)?;
    let event = event_id(&p.event_id)?;
    match p.receipt_type.as_str() {
        "m.read" | "m.read.private" => {
            let kind = if p.receipt_type == "m.read" {
                ReceiptType::Read
            } else {
                ReceiptType::ReadPrivate
            };
            client
                .send(create_receipt::v3::Request::new(room, kind, event))
                .await?;
        }
        "m.fully_read" => {
            let mut request = set_read_marker::v3::Request::new(room);
            request.fully_read = Some(event);
            client.send(request).await?;
            return Ok(Value::Bool(true));
        }
        other => {
            return Err(CoreError::BadRequest(format!(
                "unknown receipt_type {other:?}: use m.read, m.read.private or m.fully_read"
            )));
        }
    }
    // Apply our receipt now rather than when sync echoes it, so the room's
    // unread counters drop as soon as the user has read it.
    let inner = &backend.inner;
    let receipt = Receipt {
        room_id: p.room_id.clone(),
        user_id: me.clone(),
        receipt_type: p.receipt_type.clone(),
        thread_id: String::new(),
        event_id: p.event_id.clone(),
        timestamp: now_ms(),
    };
    let mut tx = inner.store.begin_write().await?;
    store::receipt::put(&mut tx, &receipt).await?;
    let meta = store::room::refresh_activity(&mut tx, &p.room_id, &me, 0).await?;
    tx.commit().await?;
    let mut sync_room = SyncRoom {
        meta,
        dismiss_notifications: true,
        ..Default::default()
    };
    sync_room.receipts.insert(p.event_id, vec![receipt]);
    let mut payload = SyncComplete::default();
    payload.rooms.insert(p.room_id, sync_room);
    inner.bus.emit(BackendEvent::SyncComplete(payload)).await;
    Ok(Value::Bool(true))
}

pub async fn set_typing(backend: &Backend, p: SetTypingParams) -> Result<Value, CoreError> {
    let (client, me) = backend.client_and_user().await?;
    let state = if p.timeout == 0 {
        Typing::No
    } else {
        Typing::Yes(TypingInfo::new(Duration::from_millis(
            p.timeout.min(120_000),
        )))
    };
    let request = create_typing_event::v3::Request::new(user_id(&me)?, room_id(&p.room_id)?, state);
    client.send(request).await?;
    Ok(Value::Bool(true))
}

/// Mutes a room with a room push rule that does not notify; answers
/// whether it was muted before.
pub async fn mute_room(backend: &Backend, p: MuteRoomParams) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let room = room_id(&p.room_id)?;
    let rule_id = room.to_string();
    let was_muted = match client
        .send(get_pushrule::v3::Request::new(
            RuleKind::Room,
            rule_id.clone(),
        ))
        .await
    {
        Ok(resp) => resp.rule.enabled && !resp.rule.actions.iter().any(|a| a.should_notify()),
        Err(e)
            if e.client_api_error_kind()
                == Some(&matrix_sdk::ruma::api::error::ErrorKind::NotFound) =>
        {
            false
        }
        Err(e) => return Err(e.into()),
    };
    if p.muted {
        let rule = NewPushRule::Room(NewSimplePushRule::new(room, Vec::new()));
        client.send(set_pushrule::v3::Request::new(rule)).await?;
    } else if was_muted {
        client
            .send(delete_pushrule::v3::Request::new(RuleKind::Room, rule_id))
            .await?;
    }
    Ok(Value::Bool(was_muted))
}
