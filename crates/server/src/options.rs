//! Every command-line option and environment variable of `trellis-server`,
//! in one definition: `--help` lists them all, and a bad value is refused
//! before anything starts.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{ArgGroup, Parser};

/// The Trellis backend without a window: the gomuks RPC over JSON lines on
/// stdin/stdout, or the web UI and the gomuks HTTP API.
#[derive(Debug, Parser)]
#[command(
    name = "trellis-server",
    version,
    group(ArgGroup::new("transport").required(true).args(["stdio", "listen"])),
    after_help = "The engine also reads TRELLIS_MEDIA_CACHE_MB: the media cache's size cap \
                  (default 1024)."
)]
pub struct Options {
    /// Speak the RPC protocol as JSON lines on stdin/stdout.
    #[arg(long)]
    pub stdio: bool,

    /// Serve the UI and the gomuks API over HTTP at this address, e.g.
    /// 127.0.0.1:29325.
    #[arg(long, value_name = "ADDR", value_parser = socket_addr)]
    pub listen: Option<SocketAddr>,

    /// The profile directory [default: the platform's data directory].
    #[arg(long, value_name = "DIR", env = "TRELLIS_PROFILE")]
    pub profile: Option<PathBuf>,

    /// The log filter (tracing's syntax, e.g. `debug` or
    /// `info,trellis_core=debug`) [default: warnings, and information from
    /// Trellis].
    #[arg(long, value_name = "FILTER", env = "TRELLIS_LOG")]
    pub log: Option<String>,

    #[command(flatten)]
    pub web: WebOptions,
}

/// What only the web mode (`--listen`) uses.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Web mode")]
pub struct WebOptions {
    /// The web login's password, needed on the first start only: the
    /// profile keeps its hash. Better given in the environment, where
    /// other users' process lists do not show it.
    #[arg(
        long,
        value_name = "PASSWORD",
        env = "TRELLIS_WEB_PASSWORD",
        hide_env_values = true
    )]
    pub web_password: Option<String>,

    /// The web login's user name (first start) [default: trellis].
    #[arg(long, value_name = "NAME")]
    pub web_username: Option<String>,

    /// The built UI [default: ui/dist of the source tree this was built from].
    #[arg(long, value_name = "DIR", env = "TRELLIS_UI_DIR")]
    pub ui_dir: Option<PathBuf>,

    /// Close a websocket whose client sent nothing for this long.
    #[arg(long, value_name = "MS", env = "TRELLIS_WEB_IDLE_TIMEOUT_MS",
          default_value = "60000", value_parser = millis)]
    pub web_idle_timeout_ms: Duration,

    /// How often a websocket gets a fresh image_auth_token.
    #[arg(long, value_name = "MS", env = "TRELLIS_WEB_IMAGE_TOKEN_INTERVAL_MS",
          default_value = "1800000", value_parser = millis)]
    pub web_image_token_interval_ms: Duration,
}

fn socket_addr(value: &str) -> Result<SocketAddr, String> {
    value
        .parse()
        .map_err(|_| "give an IP address and a port, e.g. 127.0.0.1:29325".to_owned())
}

fn millis(value: &str) -> Result<Duration, String> {
    match value.parse::<u64>() {
        Ok(ms) if ms > 0 => Ok(Duration::from_millis(ms)),
        _ => Err("give a whole number of milliseconds above 0".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, error::ErrorKind};

    use super::*;

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        Options::try_parse_from(std::iter::once("trellis-server").chain(args.iter().copied()))
    }

    #[test]
    fn the_definition_is_consistent() {
        Options::command().debug_assert();
    }

    #[test]
    fn flags_parse_into_options() {
        let o = parse(&[
            "--listen",
            "127.0.0.1:29325",
            "--profile",
            "/tmp/p",
            "--web-username",
            "me",
            "--web-idle-timeout-ms",
            "4000",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!o.stdio);
        assert_eq!(
            o.listen,
            Some("127.0.0.1:29325".parse().unwrap_or_else(|e| panic!("{e}")))
        );
        assert_eq!(o.profile, Some(PathBuf::from("/tmp/p")));
        assert_eq!(o.web.web_username.as_deref(), Some("me"));
        assert_eq!(o.web.web_idle_timeout_ms, Duration::from_secs(4));
        assert_eq!(
            o.web.web_image_token_interval_ms,
            Duration::from_secs(30 * 60)
        );
    }

    #[test]
    fn timings_must_be_positive() {
        let zero = parse(&["--stdio", "--web-idle-timeout-ms", "0"]).map(|_| ());
        assert_eq!(zero.map_err(|e| e.kind()), Err(ErrorKind::ValueValidation));
    }
}
