//! The RPC over Tauri IPC: `rpc_connect` hands over a Channel for replies and
//! backend events, `rpc_send` carries one request envelope. Each connect is a
//! fresh frontend (a webview reload), which gets a full initial payload.

use std::sync::Mutex;

use tauri::{State, ipc::Channel};
use trellis_core::{Backend, Connection};

pub struct Bridge {
    pub backend: Backend,
    /// The main window's connection and the task feeding its channel.
    current: Mutex<Option<(Connection, tauri::async_runtime::JoinHandle<()>)>>,
}

impl Bridge {
    pub fn new(backend: Backend) -> Self {
        Self {
            backend,
            current: Mutex::new(None),
        }
    }
}

#[tauri::command]
pub async fn rpc_connect(
    bridge: State<'_, Bridge>,
    channel: Channel<String>,
) -> Result<(), String> {
    let (connection, mut lines) = bridge.backend.connect().await.map_err(|e| e.to_string())?;
    let feeder = tauri::async_runtime::spawn(async move {
        while let Some(line) = lines.recv().await {
            // Lines queued meanwhile go in the same message, newline-separated
            // (the UI splits them): one IPC hop per burst, not per event.
            let mut batch = line.to_string();
            while let Ok(more) = lines.try_recv() {
                batch.push('\n');
                batch.push_str(&more);
            }
            if channel.send(batch).is_err() {
                break;
            }
        }
    });
    let old = bridge
        .current
        .lock()
        .map_err(|_| "the RPC bridge is unusable after an earlier failure")?
        .replace((connection, feeder));
    if let Some((_, old_feeder)) = old {
        old_feeder.abort();
    }
    Ok(())
}

/// Async so it runs on the runtime, where the dispatcher spawns its tasks.
#[tauri::command]
pub async fn rpc_send(bridge: State<'_, Bridge>, line: String) -> Result<(), String> {
    let current = bridge
        .current
        .lock()
        .map_err(|_| "the RPC bridge is unusable after an earlier failure")?;
    let (connection, _) = current
        .as_ref()
        .ok_or("not connected: call rpc_connect first")?;
    connection.handle_line(&line);
    Ok(())
}
