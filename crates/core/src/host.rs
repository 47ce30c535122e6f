//! What every binary that holds the engine sets up the same way: its log,
//! and the signals that ask it to stop.

/// Logs to stderr (stdout may carry the RPC). `filter` is a tracing filter
/// (`TRELLIS_LOG`, read by each binary with its options); by default
/// warnings, and information from the engine and from `crate_name`, the
/// binary's own crate.
///
/// matrix-sdk's HTTP client logs every refused request as an ERROR, the
/// many 404s that only mean "not set up yet" (no key backup, no secret
/// storage) among them; whoever made a request reports its failure, so that
/// log stays off unless the filter names it. `Quiet` drops the few
/// matrix-sdk warnings that come with every sync or login and mean nothing
/// is wrong.
pub fn init_logging(crate_name: &str, filter: Option<&str>) {
    use tracing_subscriber::{
        Layer, filter::FilterExt, layer::SubscriberExt, util::SubscriberInitExt,
    };
    let default = format!("warn,trellis_core=info,{crate_name}=info");
    let mut filter = filter.map_or_else(|| default.clone(), str::to_owned);
    if !filter.contains("matrix_sdk::http_client") {
        filter.push_str(",matrix_sdk::http_client=off");
    }
    let filter = tracing_subscriber::EnvFilter::try_new(&filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter.and(Quiet));
    tracing_subscriber::registry().with(layer).init();
}

/// Warnings matrix-sdk logs in the normal course of things, by target and
/// message start.
const NOISE: &[(&str, &str)] = &[
    // After every sync, on an account without key backup.
    (
        "matrix_sdk_crypto::backups",
        "Trying to backup room keys but no backup key was found",
    ),
    // At every login: the first key query comes before our keys are uploaded.
    (
        "matrix_sdk_crypto::identities::manager",
        "Our own device might have been deleted",
    ),
];

struct Quiet;

impl<S> tracing_subscriber::layer::Filter<S> for Quiet {
    fn enabled(
        &self,
        _: &tracing::Metadata<'_>,
        _: &tracing_subscriber::layer::Context<'_, S>,
    ) -> bool {
        true
    }

    fn event_enabled(
        &self,
        event: &tracing::Event<'_>,
        _: &tracing_subscriber::layer::Context<'_, S>,
    ) -> bool {
        let target = event.metadata().target();
        if !NOISE.iter().any(|(t, _)| *t == target) {
            return true;
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        !NOISE
            .iter()
            .any(|(t, m)| *t == target && message.0.starts_with(m))
    }
}

/// An event's `message` field, as text.
struct Message(String);

impl tracing::field::Visit for Message {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
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
