//! `GET /_gomuks/websocket`: the RPC protocol over a websocket. Requests
//! come as text frames and go to the dispatcher; `ping` is answered here
//! with `pong` and acknowledges events for the resume buffer; a client
//! silent for the idle timeout is closed.

use std::{borrow::Cow, time::Duration};

use axum::{
    extract::{
        RawQuery, State, WebSocketUpgrade,
        ws::{CloseFrame, Message, WebSocket, close_code},
    },
    response::Response,
};
use futures_util::{SinkExt, StreamExt, stream::SplitSink};
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio::sync::{mpsc, oneshot};
use trellis_core::{Connection, bus::Line, replay::Hold};
use trellis_rpc::events::name;

use super::{AppState, auth::IMAGE_TOKEN_LIFE, deflate::Deflater};

/// Requests over this size get an error envelope; the connection stays.
const MAX_REQUEST: usize = 1 << 20;
/// Frames over this size end the connection (close code 1009): reading
/// them whole just to refuse them would let a client exhaust memory.
const MAX_FRAME: usize = 16 << 20;
/// The most text one compressed frame carries when lines are batched.
const MAX_BATCH: usize = 1 << 20;

/// Timings the protocol fixes (60 s idle, a token every 30 min), which
/// tests shorten (see `options`).
#[derive(Clone, Copy)]
pub struct Timing {
    /// A client that sends nothing for this long is closed.
    pub idle: Duration,
    /// How often a fresh `image_auth_token` is sent.
    pub image_token_every: Duration,
}

/// What the query string asks for. Unreadable values are ignored, as if
/// absent: a bad resume position just means a fresh start.
struct Params {
    compress: bool,
    resume: Option<(String, i64)>,
}

impl Params {
    fn parse(query: Option<&str>) -> Self {
        let mut compress = false;
        let mut run_id = None;
        let mut last = None;
        for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            match &*key {
                "compress" => compress = value == "1",
                "run_id" => run_id = Some(value.into_owned()),
                "last_received_event" => last = value.parse::<i64>().ok(),
                _ => {}
            }
        }
        Self {
            compress,
            resume: run_id.zip(last),
        }
    }
}

pub async fn upgrade(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    ws: WebSocketUpgrade,
) -> Response {
    let params = Params::parse(query.as_deref());
    ws.max_message_size(MAX_FRAME)
        .max_frame_size(MAX_FRAME)
        .on_upgrade(move |socket| serve(state, socket, params))
}

async fn serve(state: AppState, socket: WebSocket, params: Params) {
    let resume = params
        .resume
        .as_ref()
        .map(|(run, last)| (run.as_str(), *last));
    let (sink, mut stream) = socket.split();
    let (close_tx, close_rx) = oneshot::channel();
    let attached = match state.backend.connect_resumable(resume).await {
        Ok(attached) => attached,
        Err(e) => {
            tracing::error!("cannot attach a websocket: {e}");
            let (_tx, lines) = mpsc::unbounded_channel();
            let _ = close_tx.send(close(
                close_code::ERROR,
                "the backend cannot load its state",
            ));
            write_loop(sink, lines, close_rx, false).await;
            return;
        }
    };
    tracing::debug!(
        resumed = attached.resumed,
        compress = params.compress,
        "websocket attached"
    );
    let conn = attached.connection;
    let hold = attached.hold;
    let writer = tokio::spawn(write_loop(sink, attached.lines, close_rx, params.compress));
    let tokens = tokio::spawn(image_tokens(state.clone(), conn.clone()));
    let reason = read_loop(&mut stream, &conn, &hold, state.timing.idle).await;
    tokens.abort();
    if let Some(frame) = reason {
        let _ = close_tx.send(frame);
        // Let the close frame go out, but never hang on a dead peer.
        let _ = tokio::time::timeout(Duration::from_secs(5), writer).await;
    } else {
        drop(close_tx);
    }
}

/// Reads until the client leaves; returns the close frame to send if the
/// server is the one ending it.
async fn read_loop(
    stream: &mut futures_util::stream::SplitStream<WebSocket>,
    conn: &Connection,
    hold: &Hold,
    idle: Duration,
) -> Option<CloseFrame> {
    loop {
        let message = match tokio::time::timeout(idle, stream.next()).await {
            Err(_) => {
                tracing::debug!("closing a websocket silent for {idle:?}");
                return Some(close(4000, "no data received within the ping timeout"));
            }
            Ok(None) => return None,
            Ok(Some(Err(e))) => {
                tracing::debug!("websocket read failed: {e}");
                return Some(close(close_code::SIZE, "frame too large or malformed"));
            }
            Ok(Some(Ok(message))) => message,
        };
        match message {
            Message::Text(text) => handle_text(conn, hold, text.as_str()),
            Message::Binary(_) => {
                conn.reject("binary frames are not read: send each request as a text frame")
            }
            Message::Close(_) => return None,
            // Websocket-level pings count as activity; tungstenite answers them.
            Message::Ping(_) | Message::Pong(_) => {}
        }
    }
}

fn handle_text(conn: &Connection, hold: &Hold, text: &str) {
    if text.len() > MAX_REQUEST {
        conn.reject(&format!(
            "the request is {} bytes; the limit is {MAX_REQUEST}",
            text.len()
        ));
        return;
    }
    if text.trim().is_empty() {
        conn.reject("empty frame: send one JSON envelope per frame");
        return;
    }
    match serde_json::from_str::<Peek>(text) {
        Ok(peek) if peek.command.as_deref() == Some("ping") => ping(conn, hold, peek),
        // Everything else, unreadable input included, is the dispatcher's.
        _ => conn.handle_line(text),
    }
}

/// Just enough of an envelope to spot a ping without parsing `data`.
#[derive(Deserialize)]
struct Peek<'a> {
    #[serde(default, borrow)]
    command: Option<Cow<'a, str>>,
    #[serde(default)]
    request_id: Option<serde_json::Value>,
    #[serde(default, borrow)]
    data: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct PingData {
    #[serde(default)]
    last_received_id: Option<i64>,
}

fn ping(conn: &Connection, hold: &Hold, peek: Peek<'_>) {
    let request_id = match &peek.request_id {
        None | Some(serde_json::Value::Null) => 0,
        Some(serde_json::Value::Number(n)) if n.is_i64() => n.as_i64().unwrap_or(0),
        Some(other) => {
            conn.reject(&format!("request_id must be an integer, not {other}"));
            return;
        }
    };
    let data = peek
        .data
        .filter(|raw| raw.get() != "null")
        .map(|raw| serde_json::from_str::<PingData>(raw.get()));
    match data {
        Some(Err(e)) => {
            let message = format!("ping: data must be {{\"last_received_id\": integer}}: {e}");
            conn.push_line(envelope(trellis_rpc::envelope::ERROR, request_id, &message));
            return;
        }
        Some(Ok(PingData {
            last_received_id: Some(id),
        })) => hold.ack(id),
        _ => {}
    }
    if request_id != 0 {
        conn.push_line(format!(r#"{{"command":"pong","request_id":{request_id}}}"#).into());
    }
}

fn envelope(command: &str, request_id: i64, data: &str) -> Line {
    serde_json::json!({ "command": command, "request_id": request_id, "data": data })
        .to_string()
        .into()
}

/// Sends a fresh media token now and then every interval.
async fn image_tokens(state: AppState, conn: Connection) {
    loop {
        let token = state.auth.token(IMAGE_TOKEN_LIFE, true);
        conn.send_own_event(name::IMAGE_AUTH_TOKEN, &token).await;
        tokio::time::sleep(state.timing.image_token_every).await;
    }
}

/// Writes lines until the connection ends. Compressed connections batch
/// whatever queued up while the previous frame was being sent, which is
/// exactly when the client is falling behind.
async fn write_loop(
    mut sink: SplitSink<WebSocket, Message>,
    mut lines: mpsc::UnboundedReceiver<Line>,
    mut close_rx: oneshot::Receiver<CloseFrame>,
    compress: bool,
) {
    let mut deflater = compress.then(Deflater::new);
    loop {
        let first = tokio::select! {
            line = lines.recv() => match line {
                Some(line) => line,
                None => return,
            },
            frame = &mut close_rx => {
                if let Ok(frame) = frame {
                    let _ = sink.send(Message::Close(Some(frame))).await;
                }
                return;
            }
        };
        let message = match deflater.as_mut() {
            None => Message::Text(first.as_ref().into()),
            Some(deflater) => {
                let mut batch = first.as_bytes().to_vec();
                while batch.len() < MAX_BATCH {
                    let Ok(more) = lines.try_recv() else { break };
                    batch.push(b'\n');
                    batch.extend_from_slice(more.as_bytes());
                }
                Message::Binary(deflater.frame(&batch).into())
            }
        };
        if sink.send(message).await.is_err() {
            return;
        }
    }
}

fn close(code: u16, reason: &'static str) -> CloseFrame {
    CloseFrame {
        code,
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters() {
        let p = Params::parse(Some("compress=1&run_id=abc&last_received_event=-12"));
        assert!(p.compress);
        assert_eq!(p.resume, Some(("abc".into(), -12)));
        let p = Params::parse(Some("compress=0&run_id=abc&last_received_event=x"));
        assert!(!p.compress);
        assert_eq!(p.resume, None);
    }
}
