//! The Trellis desktop shell: the engine in this process, the UI in a
//! webview, and what only a desktop app does (tray, notifications, deep
//! links, one instance). Kept thin: everything about Matrix is in
//! trellis-core, reached over the same RPC as every other frontend.

// Release builds on Windows are GUI apps: no console window beside Trellis.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod activity;
mod bridge;
mod links;
mod media;
mod notify;
mod shell;
mod tray;
mod window;

use std::path::PathBuf;

use tauri::{AppHandle, Manager, RunEvent};
use tauri_plugin_deep_link::DeepLinkExt;
use trellis_core::{Backend, profile::Profile};

use crate::{bridge::Bridge, shell::Shell};

const USAGE: &str = "usage: trellis [--profile DIR] [matrix:… | https://matrix.to/#/…]";

fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TRELLIS_LOG")
                .unwrap_or_else(|_| "warn,trellis_core=info,trellis_desktop=info".into()),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let profile = match profile_arg(&args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("trellis: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(error) = run(profile, args) {
        eprintln!("trellis: {error}");
        std::process::exit(1);
    }
}

fn profile_arg(args: &[String]) -> Result<Option<PathBuf>, String> {
    match args.iter().position(|a| a == "--profile") {
        Some(i) => args
            .get(i + 1)
            .map(|d| Some(PathBuf::from(d)))
            .ok_or_else(|| "--profile needs a directory".to_owned()),
        None => Ok(None),
    }
}

fn run(profile: Option<PathBuf>, args: Vec<String>) -> Result<(), Box<dyn std::error::Error>> {
    let context = tauri::generate_context!();
    let app = tauri::Builder::default()
        // First, so a second launch hands over its arguments and exits
        // before it touches the profile.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            open_links_or_show(app, &argv);
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .manage(Shell::default())
        .register_asynchronous_uri_scheme_protocol(media::SCHEME, |ctx, request, responder| {
            match ctx.app_handle().try_state::<Bridge>() {
                Some(bridge) => media::handle(bridge.backend.clone(), ctx, request, responder),
                None => responder.respond(
                    tauri::http::Response::builder()
                        .status(503)
                        .body(b"the backend is starting".to_vec())
                        .unwrap_or_default(),
                ),
            }
        })
        .invoke_handler(tauri::generate_handler![
            bridge::rpc_connect,
            bridge::rpc_send,
            shell::set_shell_settings,
            shell::set_viewing_room,
            shell::open_link,
            shell::close_window,
        ])
        .setup(move |app| {
            let dir = Profile::resolve(profile)?;
            let backend = tauri::async_runtime::block_on(Backend::start(&dir))?;
            tracing::info!(profile = %dir.display(), "backend started");
            app.manage(Bridge::new(backend));
            window::create(app.handle())?;
            tray::build(app.handle())?;
            let handle = app.handle().clone();
            app.deep_link().on_open_url(move |event| {
                for url in event.urls() {
                    shell::open_matrix_link(&handle, url.as_str());
                }
            });
            open_links_or_show(app.handle(), &args);
            tauri::async_runtime::spawn(shell::follow_backend(app.handle().clone()));
            Ok(())
        })
        .build(context)?;
    app.run(|app, event| {
        if let RunEvent::Exit = event
            && let Some(bridge) = app.try_state::<Bridge>()
        {
            tauri::async_runtime::block_on(bridge.backend.shutdown());
        }
    });
    Ok(())
}

/// A launch's arguments (this one's, or a second launch's): Matrix links
/// open their room; with none, the window comes to the front.
fn open_links_or_show(app: &AppHandle, args: &[String]) {
    let mut opened = false;
    for arg in args {
        opened |= shell::open_matrix_link(app, arg);
    }
    if !opened {
        window::show(app);
    }
}
