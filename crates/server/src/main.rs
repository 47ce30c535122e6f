//! `trellis-server`: the Trellis backend without a window.
//!
//! `trellis-server --stdio [--profile DIR]` speaks the gomuks RPC protocol
//! as JSON lines: one envelope per line on stdin and on stdout. Logs go to
//! stderr only, so stdout stays machine-readable.
//!
//! `trellis-server --listen ADDR` serves the UI and the gomuks HTTP API
//! (websocket, media, upload, keys) to a browser.

mod stdio;
mod web;

use std::{net::SocketAddr, path::PathBuf};

use anyhow::{Context, bail};
use trellis_core::{Backend, profile::Profile};

const USAGE: &str = "usage: trellis-server --stdio [--profile DIR]
       trellis-server --listen ADDR [--profile DIR] [--web-username NAME] [--ui-dir DIR]

  --stdio              speak the RPC protocol as JSON lines on stdin/stdout
  --listen ADDR        serve the UI and the gomuks API over HTTP, e.g.
                       127.0.0.1:29325. On first start the password comes from
                       $TRELLIS_WEB_PASSWORD; only its hash is kept
  --web-username NAME  the web login's user name (first start; default trellis)
  --ui-dir DIR         the built UI (default: $TRELLIS_UI_DIR, else ui/dist of
                       the source tree this was built from)
  --profile DIR        the profile directory (default: $TRELLIS_PROFILE, else the
                       platform's data directory)";

struct Args {
    stdio: bool,
    listen: Option<SocketAddr>,
    web_username: Option<String>,
    ui_dir: Option<PathBuf>,
    profile: Option<PathBuf>,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        stdio: false,
        listen: None,
        web_username: None,
        ui_dir: None,
        profile: None,
    };
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        match arg.to_str() {
            Some("--stdio") => args.stdio = true,
            Some("--profile") => {
                args.profile = Some(it.next().context("--profile needs a directory")?.into());
            }
            Some("--listen") => {
                let addr = it.next().context("--listen needs an address")?;
                let addr = addr.to_str().unwrap_or_default();
                args.listen = Some(addr.parse().with_context(|| {
                    format!("--listen {addr:?}: give an IP address and port, e.g. 127.0.0.1:29325")
                })?);
            }
            Some("--web-username") => {
                let name = it.next().context("--web-username needs a name")?;
                args.web_username = Some(
                    name.into_string()
                        .ok()
                        .context("--web-username must be UTF-8")?,
                );
            }
            Some("--ui-dir") => {
                args.ui_dir = Some(it.next().context("--ui-dir needs a directory")?.into());
            }
            Some("-h" | "--help") => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => bail!("unknown argument {arg:?}\n\n{USAGE}"),
        }
    }
    if args.stdio == args.listen.is_some() {
        bail!("choose one transport: --stdio or --listen\n\n{USAGE}");
    }
    Ok(args)
}

fn main() -> anyhow::Result<()> {
    trellis_core::host::init_logging(env!("CARGO_CRATE_NAME"));
    let args = parse_args()?;
    let runtime = tokio::runtime::Runtime::new()?;
    let result = runtime.block_on(run(args));
    // A read of stdin cannot be cancelled (tokio reads it on a blocking
    // thread): after a signal, waiting for it could hang the exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    result
}

async fn run(args: Args) -> anyhow::Result<()> {
    let dir = Profile::resolve(args.profile)?;
    let backend = Backend::start(&dir).await?;
    tracing::info!(profile = %dir.display(), "backend started");
    match args.listen {
        Some(listen) => {
            let options = web::Options {
                listen,
                username: args.web_username,
                ui_dir: args.ui_dir,
            };
            web::serve(&backend, options).await?;
        }
        None => stdio::serve(&backend).await?,
    }
    backend.shutdown().await;
    Ok(())
}
