//! Sending: send_message and send_event return a local echo at once and
//! queue the send; set_state and redact_event are sent straight away.

use serde_json::{Value, json};
use trellis_rpc::commands::{
    RedactEventParams, RedactEventResponse, ResendEventParams, SendEventParams, SendMessageParams,
    SetStateParams,
};

use super::{event_id, to_value};
use crate::{
    Backend, CoreError, content,
    store::{self, event::NewEvent},
    sync::{event::index_relations, process::now_ms},
};

/// The homeserver refuses events over 64 KiB; refuse early with the reason.
const MAX_CONTENT_BYTES: usize = 60 * 1024;

pub async fn send_message(backend: &Backend, p: SendMessageParams) -> Result<Value, CoreError> {
    // The text becomes body (and formatted_body); base_content's fields
    // (msgtype, url, info, ...) are laid over it.
    let mut content = match (p.text.trim().is_empty(), p.base_content) {
        (true, None) => {
            return Err(CoreError::BadRequest(
                "send_message needs text or base_content".into(),
            ));
        }
        (true, Some(base)) => Value::Object(base),
        (false, base) => {
            let mut content = content::compose::markdown_to_content(&p.text);
            if let (Some(base), Some(obj)) = (base, content.as_object_mut()) {
                obj.extend(base);
            }
            content
        }
    };
    if let Some(mentions) = &p.mentions {
        content["m.mentions"] = to_value(mentions)?;
    }
    if let Some(relates_to) = p.relates_to {
        let edit_target = (relates_to.get("rel_type").and_then(Value::as_str) == Some("m.replace"))
            .then(|| {
                relates_to
                    .get("event_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .flatten();
        match edit_target {
            Some(target) => content = content::compose::edit_of(content, &target),
            None => content["m.relates_to"] = relates_to,
        }
    }
    if let (Some(extra), Some(obj)) = (p.extra, content.as_object_mut()) {
        obj.extend(extra);
    }
    let edit_source = (!p.text.is_empty()).then_some(p.text);
    let echo = queue(
        backend,
        Outgoing {
            room: &p.room_id,
            event_type: "m.room.message",
            content,
            edit_source,
            transaction_id: p.transaction_id,
        },
    )
    .await?;
    to_value(&echo)
}

pub async fn send_event(backend: &Backend, p: SendEventParams) -> Result<Value, CoreError> {
    if p.event_type.is_empty() {
        return Err(CoreError::BadRequest("type is required".into()));
    }
    let content: Value = serde_json::from_str(p.content.get())
        .map_err(|e| CoreError::BadRequest(format!("content is not JSON: {e}")))?;
    if !content.is_object() {
        return Err(CoreError::BadRequest(
            "content must be a JSON object".into(),
        ));
    }
    let outgoing = Outgoing {
        room: &p.room_id,
        event_type: &p.event_type,
        content,
        edit_source: None,
        transaction_id: p.transaction_id,
    };
    to_value(&queue(backend, outgoing).await?)
}

/// An event to send, as the handlers made it.
struct Outgoing<'a> {
    room: &'a str,
    event_type: &'a str,
    content: Value,
    edit_source: Option<String>,
    /// The client's own, if it gave one.
    transaction_id: Option<String>,
}

/// The longest client transaction ID taken; it goes into a URL path.
const MAX_TRANSACTION_ID: usize = 64;

fn client_transaction_id(id: &str) -> Result<String, CoreError> {
    let fits = !id.is_empty()
        && id.len() <= MAX_TRANSACTION_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if fits {
        Ok(id.to_owned())
    } else {
        Err(CoreError::BadRequest(format!(
            "transaction_id must be 1 to {MAX_TRANSACTION_ID} of A-Z a-z 0-9 . _ -"
        )))
    }
}

/// Stores the local echo, queues it, and returns it. A transaction ID that
/// was already used returns that event (echo or sent) and sends nothing:
/// a client whose connection dropped before the answer can safely ask again.
async fn queue(
    backend: &Backend,
    out: Outgoing<'_>,
) -> Result<trellis_rpc::model::Event, CoreError> {
    let Outgoing {
        room,
        event_type,
        content,
        edit_source,
        transaction_id,
    } = out;
    let txn_id = match transaction_id {
        Some(id) => client_transaction_id(&id)?,
        None => crate::secrets::random_hex(16),
    };
    let (client, user_id) = backend.client_and_user().await?;
    let encrypted = Backend::joined_room(&client, room)?
        .encryption_state()
        .is_encrypted();
    let content = content.to_string();
    if content.len() > MAX_CONTENT_BYTES {
        return Err(CoreError::BadRequest(format!(
            "the message is {} KiB; homeservers accept events up to 64 KiB",
            content.len() / 1024
        )));
    }
    let mut local = content::local_content(event_type, &content, None, true);
    if let (Some(lc), Some(src)) = (local.as_mut(), edit_source) {
        lc.edit_source = src;
    }
    // In an encrypted room the echo is what the homeserver will hold (as
    // gomuks sends it): an encrypted event, with what we wrote decrypted.
    let (event_type, content, decrypted, decrypted_type) = if encrypted {
        let envelope = json!({"algorithm": "m.megolm.v1.aes-sha2"}).to_string();
        let cleartext = Some(event_type.to_owned());
        ("m.room.encrypted", envelope, Some(content), cleartext)
    } else {
        (event_type, content, None, None)
    };
    let mut ev = NewEvent {
        room_id: room.to_owned(),
        event_id: format!("~{txn_id}"),
        sender: user_id,
        event_type: event_type.to_owned(),
        state_key: None,
        timestamp: now_ms(),
        content,
        decrypted,
        decrypted_type,
        unsigned: None,
        redacts: None,
        relates_to: None,
        relation_type: None,
        reaction_key: None,
        megolm_session_id: None,
        decryption_error: None,
        unread_type: 0,
        transaction_id: Some(txn_id.clone()),
        local_content: local.and_then(|lc| serde_json::to_string(&lc).ok()),
        sticky_duration_ms: None,
        sticky_until: None,
    };
    index_relations(&mut ev);
    let inner = &backend.inner;
    wait_until_stored(backend, room).await?;
    let mut tx = inner.store.begin_write().await?;
    // Writes are one at a time, so no second send with this ID gets between.
    if let Some(sent) = store::event::by_transaction_id(&mut *tx, &txn_id).await? {
        if sent.room_id != room {
            return Err(CoreError::BadRequest(format!(
                "transaction_id {txn_id:?} was used in another room"
            )));
        }
        let first = store::event::by_rowids(&mut *tx, &[sent.rowid]).await?;
        return first
            .into_iter()
            .next()
            .ok_or_else(|| CoreError::Internal("event vanished".into()));
    }
    let rowid = store::event::insert_local_echo(&mut tx, &ev, &txn_id).await?;
    let echo = store::event::by_rowids(&mut *tx, &[rowid]).await?;
    tx.commit().await?;
    inner.send_queue.enqueue(inner, room, rowid);
    echo.into_iter()
        .next()
        .ok_or_else(|| CoreError::Internal("local echo vanished".into()))
}

/// matrix-sdk knows a room as soon as it is joined or created, our store
/// once the sync that brings it is stored, and an echo's row refers to our
/// room row: a send right after create_room or join_room waits for it.
async fn wait_until_stored(backend: &Backend, room: &str) -> Result<(), CoreError> {
    const WAIT: std::time::Duration = std::time::Duration::from_secs(15);
    const STEP: std::time::Duration = std::time::Duration::from_millis(100);
    let pool = backend.inner.store.pool();
    let deadline = tokio::time::Instant::now() + WAIT;
    while store::room::get(pool, room).await?.is_none() {
        if tokio::time::Instant::now() >= deadline {
            return Err(CoreError::BadRequest(format!(
                "room {room} has not arrived from the homeserver yet: send again once it is in \
                 the room list"
            )));
        }
        tokio::time::sleep(STEP).await;
    }
    Ok(())
}

pub async fn resend_event(backend: &Backend, p: ResendEventParams) -> Result<Value, CoreError> {
    backend.client().await?;
    let inner = &backend.inner;
    let Some(event) =
        store::event::by_transaction_id(inner.store.pool(), &p.transaction_id).await?
    else {
        return Err(CoreError::BadRequest(format!(
            "no event with transaction ID {:?}",
            p.transaction_id
        )));
    };
    if !event.event_id.starts_with('~') {
        return Err(CoreError::BadRequest(format!(
            "{} was already sent",
            event.event_id
        )));
    }
    let mut tx = inner.store.begin_write().await?;
    store::event::set_send_error(&mut tx, event.rowid, None).await?;
    let fresh = store::event::by_rowids(&mut *tx, &[event.rowid]).await?;
    tx.commit().await?;
    inner.send_queue.enqueue(inner, &event.room_id, event.rowid);
    fresh.into_iter().next().map_or_else(
        || Err(CoreError::Internal("event vanished".into())),
        |e| to_value(&e),
    )
}

pub async fn set_state(backend: &Backend, p: SetStateParams) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let room = Backend::joined_room(&client, &p.room_id)?;
    let resp = room
        .send_state_event_raw(&p.event_type, &p.state_key, p.content)
        .await?;
    Ok(json!(resp.event_id.to_string()))
}

pub async fn redact_event(backend: &Backend, p: RedactEventParams) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let eid = event_id(&p.event_id)?;
    let room = Backend::joined_room(&client, &p.room_id)?;
    let resp = room.redact(&eid, p.reason.as_deref(), None).await?;
    to_value(&RedactEventResponse {
        event_id: resp.event_id.to_string(),
    })
}
