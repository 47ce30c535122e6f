//! JSON lines over stdin/stdout: the scripting interface, and what the
//! integration tests drive.

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use trellis_core::{Backend, Connection};

/// Serves until stdin closes, or the process is told to stop.
pub async fn serve(backend: &Backend) -> anyhow::Result<()> {
    let (conn, mut out) = backend.connect().await?;
    let writer = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        while let Some(line) = out.recv().await {
            let mut buf = Vec::with_capacity(line.len() + 1);
            buf.extend_from_slice(line.as_bytes());
            buf.push(b'\n');
            // Drain what is queued before flushing, so bursts cost one write.
            while let Ok(more) = out.try_recv() {
                buf.extend_from_slice(more.as_bytes());
                buf.push(b'\n');
            }
            if stdout.write_all(&buf).await.is_err() || stdout.flush().await.is_err() {
                break;
            }
        }
    });
    tokio::select! {
        () = read_requests(&conn) => {}
        () = trellis_core::host::stop_signal() => {}
    }
    // Give replies already being written a moment to leave.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    writer.abort();
    Ok(())
}

/// Hands each line of stdin to the connection, until stdin ends.
async fn read_requests(conn: &Connection) {
    let mut stdin = BufReader::new(tokio::io::stdin());
    let mut line = Vec::new();
    loop {
        line.clear();
        match stdin.read_until(b'\n', &mut line).await {
            Ok(0) => break,
            Ok(_) => match std::str::from_utf8(&line) {
                Ok(text) if text.trim().is_empty() => {}
                Ok(text) => conn.handle_line(text),
                Err(e) => conn.reject(&format!("the request line is not UTF-8: {e}")),
            },
            Err(e) => {
                tracing::error!("cannot read stdin: {e}");
                break;
            }
        }
    }
}
