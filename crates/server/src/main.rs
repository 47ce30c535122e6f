//! `trellis-server`: the Trellis backend without a window.
//!
//! `trellis-server --stdio [--profile DIR]` speaks the gomuks RPC protocol
//! as JSON lines: one envelope per line on stdin and on stdout. Logs go to
//! stderr only, so stdout stays machine-readable.

mod stdio;

use std::path::PathBuf;

use anyhow::{Context, bail};
use trellis_core::{Backend, profile::Profile};

const USAGE: &str = "usage: trellis-server --stdio [--profile DIR]

  --stdio          speak the RPC protocol as JSON lines on stdin/stdout
  --profile DIR    the profile directory (default: $TRELLIS_PROFILE, else the
                   platform's data directory)";

struct Args {
    stdio: bool,
    profile: Option<PathBuf>,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        stdio: false,
        profile: None,
    };
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        match arg.to_str() {
            Some("--stdio") => args.stdio = true,
            Some("--profile") => {
                args.profile = Some(it.next().context("--profile needs a directory")?.into());
            }
            Some("-h" | "--help") => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => bail!("unknown argument {arg:?}\n\n{USAGE}"),
        }
    }
    if !args.stdio {
        bail!("choose a transport\n\n{USAGE}");
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TRELLIS_LOG")
                .unwrap_or_else(|_| "warn,trellis_core=info,trellis_server=info".into()),
        )
        .init();
    let args = parse_args()?;
    let dir = Profile::resolve(args.profile)?;
    let backend = Backend::start(&dir).await?;
    tracing::info!(profile = %dir.display(), "backend started");
    stdio::serve(&backend).await?;
    backend.shutdown().await;
    Ok(())
}
