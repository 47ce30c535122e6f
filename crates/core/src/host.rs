//! What every binary that holds the engine sets up the same way: its log,
//! and the signals that ask it to stop.

/// Logs to stderr (stdout may carry the RPC). `TRELLIS_LOG` takes a
/// tracing filter; by default warnings, and information from the engine and
/// from `crate_name`, the binary's own crate.
pub fn init_logging(crate_name: &str) {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TRELLIS_LOG")
                .unwrap_or_else(|_| format!("warn,trellis_core=info,{crate_name}=info").into()),
        )
        .init();
}

/// Resolves on Ctrl-C, or SIGTERM where there is one: the ways a process
/// is asked to quit.
pub async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
