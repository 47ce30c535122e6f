//! What every binary that holds the engine sets up the same way: its log,
//! and the signals that ask it to stop.

/// Logs to stderr (stdout may carry the RPC). `TRELLIS_LOG` takes a
/// tracing filter; by default warnings, and information from the engine and
/// from `crate_name`, the binary's own crate.
///
/// matrix-sdk's HTTP client logs every refused request as an ERROR, the
/// many 404s that only mean "not set up yet" (no key backup, no secret
/// storage) among them; whoever made a request reports its failure, so that
/// log stays off unless `TRELLIS_LOG` names it.
pub fn init_logging(crate_name: &str) {
    let default = format!("warn,trellis_core=info,{crate_name}=info");
    let mut filter = std::env::var("TRELLIS_LOG").unwrap_or_else(|_| default.clone());
    if !filter.contains("matrix_sdk::http_client") {
        filter.push_str(",matrix_sdk::http_client=off");
    }
    let filter = tracing_subscriber::EnvFilter::try_new(&filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
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
