//! `trellis-server`: the Trellis backend without a window.
//!
//! `trellis-server --stdio [--profile DIR]` speaks the gomuks RPC protocol
//! as JSON lines: one envelope per line on stdin and on stdout. Logs go to
//! stderr only, so stdout stays machine-readable.
//!
//! `trellis-server --listen ADDR` serves the UI and the gomuks HTTP API
//! (websocket, media, upload, keys) to a browser.

mod options;
mod stdio;
mod web;

use clap::Parser;
use trellis_core::{Backend, profile::Profile};

use crate::options::Options;

fn main() -> anyhow::Result<()> {
    // Before the log: a bad argument ends here with clap's message.
    let options = Options::parse();
    trellis_core::host::init_logging(env!("CARGO_CRATE_NAME"), options.log.as_deref());
    let runtime = tokio::runtime::Runtime::new()?;
    let result = runtime.block_on(run(options));
    // A read of stdin cannot be cancelled (tokio reads it on a blocking
    // thread): after a signal, waiting for it could hang the exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    result
}

async fn run(options: Options) -> anyhow::Result<()> {
    let dir = Profile::resolve(options.profile)?;
    let backend = Backend::start(&dir).await?;
    tracing::info!(profile = %dir.display(), "backend started");
    match options.listen {
        Some(listen) => web::serve(&backend, listen, options.web).await?,
        None => stdio::serve(&backend).await?,
    }
    backend.shutdown().await;
    Ok(())
}
