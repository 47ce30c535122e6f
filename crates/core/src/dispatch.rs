//! The RPC dispatcher: one task per request, each cancellable by its id,
//! exactly one reply per request that has an id, and no panic on any input.

use std::{
    collections::HashMap,
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex},
};

use serde::Serialize;
use serde_json::{Value, value::RawValue};
use tokio::sync::{mpsc, oneshot};
use trellis_rpc::{
    Envelope, RequestId,
    commands::{CancelRequestParams, name},
    envelope::{ERROR, RESPONSE},
};

use crate::{
    Backend,
    bus::{Line, LineSender},
    handlers,
};

/// One frontend's link to the backend: request lines in, envelope lines out.
#[derive(Clone)]
pub struct Connection {
    backend: Backend,
    out: LineSender,
    in_flight: Arc<Mutex<HashMap<RequestId, oneshot::Sender<String>>>>,
    /// Sends run one after another in arrival order, so messages typed in
    /// quick succession keep their order even when the frontend does not
    /// wait for each reply.
    ordered: mpsc::UnboundedSender<Job>,
}

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Commands whose effects must follow the order the requests arrived in.
const ORDERED: &[&str] = &["send_message", "send_event", "resend_event"];

impl Connection {
    pub(crate) fn new(backend: Backend, out: LineSender) -> Self {
        let (ordered, mut jobs) = mpsc::unbounded_channel::<Job>();
        tokio::spawn(async move {
            while let Some(job) = jobs.recv().await {
                job.await;
            }
        });
        Self {
            backend,
            out,
            in_flight: Arc::default(),
            ordered,
        }
    }

    /// Handles one request line; the reply arrives on the connection's channel.
    pub fn handle_line(&self, line: &str) {
        let (request_id, command, data) = match parse(line) {
            Ok(parsed) => parsed,
            Err((request_id, message)) => {
                // Unreadable input is always answered, even without an id:
                // the sender deserves to know it was not understood.
                let _ = self.out.send(envelope_line(ERROR, request_id, &message));
                return;
            }
        };
        if command == name::CANCEL {
            let result = self.cancel(data.as_deref());
            self.reply(request_id, result.map(Value::Bool));
            return;
        }
        let conn = self.clone();
        let (cancel_tx, cancel_rx) = oneshot::channel();
        if request_id != 0
            && let Ok(mut map) = self.in_flight.lock()
        {
            if map.contains_key(&request_id) {
                drop(map);
                self.reply(
                    request_id,
                    Err(format!("request_id {request_id} is already in use")),
                );
                return;
            }
            map.insert(request_id, cancel_tx);
        }
        let ordered = ORDERED.contains(&command.as_str());
        let job = async move {
            let work = handlers::handle(&conn.backend, &command, data.as_deref());
            let result = tokio::select! {
                result = work => result.map_err(|e| e.to_string()),
                Ok(reason) = cancel_rx => Err(format!("request cancelled{}", if reason.is_empty() {
                    String::new()
                } else {
                    format!(": {reason}")
                })),
            };
            if let Ok(mut map) = conn.in_flight.lock() {
                map.remove(&request_id);
            }
            conn.reply(request_id, result);
        };
        if ordered {
            let _ = self.ordered.send(Box::pin(job));
        } else {
            tokio::spawn(job);
        }
    }

    /// Answers input that never became a request (unreadable bytes).
    pub fn reject(&self, message: &str) {
        let _ = self.out.send(envelope_line(ERROR, 0, &message));
    }

    /// A reply the transport makes itself (the websocket's `pong`), queued
    /// in order with everything else this connection is sent.
    pub fn push_line(&self, line: Line) {
        let _ = self.out.send(line);
    }

    /// An event for this connection only (e.g. `image_auth_token`), with the
    /// next event id; queued under the bus lock so ids stay in order.
    pub async fn send_own_event<T: Serialize>(&self, command: &str, data: &T) {
        let mut bus = self.backend.inner.bus.lock().await;
        let _ = self.out.send(bus.envelope(command, data));
    }

    fn cancel(&self, data: Option<&RawValue>) -> Result<bool, String> {
        let params: CancelRequestParams =
            handlers::params(name::CANCEL, data).map_err(|e| e.to_string())?;
        let sender = self
            .in_flight
            .lock()
            .ok()
            .and_then(|mut m| m.remove(&params.request_id));
        Ok(match sender {
            Some(tx) => tx.send(params.reason.unwrap_or_default()).is_ok(),
            None => false,
        })
    }

    fn reply(&self, request_id: RequestId, result: Result<Value, String>) {
        if request_id == 0 {
            if let Err(e) = result {
                tracing::debug!("request without an id failed: {e}");
            }
            return;
        }
        let line = match result {
            Ok(data) => envelope_line(RESPONSE, request_id, &data),
            Err(message) => envelope_line(ERROR, request_id, &message),
        };
        let _ = self.out.send(line);
    }

    pub fn backend(&self) -> &Backend {
        &self.backend
    }
}

fn envelope_line<T: Serialize>(command: &str, request_id: RequestId, data: &T) -> Line {
    let env = Envelope {
        command: command.to_owned(),
        request_id,
        data,
    };
    serde_json::to_string(&env).unwrap_or_default().into()
}

type Parsed = (RequestId, String, Option<Box<RawValue>>);

/// Reads an envelope, naming what is wrong with a bad one. The request id
/// is recovered whenever it can be, so the error reaches the right caller.
fn parse(line: &str) -> Result<Parsed, (RequestId, String)> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| (0, format!("malformed JSON: {e}")))?;
    let Value::Object(mut obj) = value else {
        return Err((0, "the envelope must be a JSON object".into()));
    };
    let request_id = match obj.get("request_id") {
        None | Some(Value::Null) => 0,
        Some(Value::Number(n)) if n.is_i64() => n.as_i64().unwrap_or(0),
        Some(other) => return Err((0, format!("request_id must be an integer, not {other}"))),
    };
    let command = match obj.remove("command") {
        Some(Value::String(c)) => c,
        Some(other) => return Err((request_id, format!("command must be a string, not {other}"))),
        None => return Err((request_id, "the envelope has no command".into())),
    };
    let data = match obj.remove("data") {
        None | Some(Value::Null) => None,
        Some(d) => {
            Some(serde_json::value::to_raw_value(&d).map_err(|e| (request_id, e.to_string()))?)
        }
    };
    Ok((request_id, command, data))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn bad_envelopes_are_named() {
        assert!(parse("{").unwrap_err().1.contains("malformed JSON"));
        assert!(parse("[]").unwrap_err().1.contains("JSON object"));
        assert_eq!(
            parse(r#"{"request_id":7}"#).unwrap_err(),
            (7, "the envelope has no command".into())
        );
        assert!(
            parse(r#"{"request_id":"x","command":"a"}"#)
                .unwrap_err()
                .1
                .contains("integer")
        );
        assert!(
            parse(r#"{"request_id":3,"command":5}"#)
                .unwrap_err()
                .1
                .contains("string")
        );
        let (id, cmd, data) = parse(r#"{"request_id":3,"command":"get_state"}"#).unwrap();
        assert_eq!((id, cmd.as_str(), data.is_none()), (3, "get_state", true));
    }
}
