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
mod settings;
mod shell;
mod tray;
mod window;

use std::path::PathBuf;

use tauri::{AppHandle, Manager, RunEvent};
use trellis_core::{Backend, profile::Profile};

use crate::{bridge::Bridge, shell::Shell};

const USAGE: &str = "usage: trellis [--profile DIR] [matrix:… | https://matrix.to/#/…]";

fn main() {
    let log = std::env::var("TRELLIS_LOG").ok();
    trellis_core::host::init_logging(env!("CARGO_CRATE_NAME"), log.as_deref());
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
    // Resolving only names the directory; the backend takes its lock in
    // setup. Absolute, as other processes get paths in it (the tray's icon).
    let dir = std::path::absolute(Profile::resolve(profile)?)?;
    let instance = instance_id(&context.config().identifier, &dir);
    let app = tauri::Builder::default()
        // First, so a second launch hands over its arguments and exits
        // before it touches the profile.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .callback(|app, argv, _cwd| open_links_or_show(app, &argv))
                .dbus_id(instance)
                .build(),
        )
        .plugin(tauri_plugin_deep_link::init())
        .plugin(window_state(&dir))
        .plugin(tauri_plugin_opener::init())
        // Managed before setup: a second launch may hand over its links
        // while the backend is still starting.
        .manage(Shell::new(&dir))
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
            shell::get_shell_settings,
            shell::set_shell_settings,
            shell::set_viewing_room,
            shell::open_link,
            shell::close_window,
        ])
        .setup(move |app| {
            let backend = tauri::async_runtime::block_on(Backend::start(&dir))?;
            tracing::info!(profile = %dir.display(), "backend started");
            app.manage(Bridge::new(backend));
            window::create(app.handle(), &dir)?;
            tray::build(app.handle(), &dir)?;
            // macOS hands links to the running app as events. Elsewhere they
            // are a launch's arguments, which reach open_links_or_show (the
            // plugin's event for them as well would open each link twice).
            #[cfg(target_os = "macos")]
            {
                use tauri_plugin_deep_link::DeepLinkExt;
                let handle = app.handle().clone();
                app.deep_link().on_open_url(move |event| {
                    for url in event.urls() {
                        shell::open_matrix_link(&handle, url.as_str());
                    }
                });
            }
            open_links_or_show(app.handle(), &args);
            tauri::async_runtime::spawn(shell::follow_backend(app.handle().clone()));
            // SIGTERM and Ctrl-C quit as the tray's Quit does, through the
            // clean shutdown of RunEvent::Exit.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                trellis_core::host::stop_signal().await;
                handle.exit(0);
            });
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

/// One app per profile, not per user: a second launch hands over to the
/// app of its own profile, and another profile starts beside it. The
/// plugin takes this name on Linux only (the D-Bus name); elsewhere it is
/// the identifier, one app per user.
fn instance_id(identifier: &str, profile: &std::path::Path) -> String {
    let path = std::fs::canonicalize(profile).unwrap_or_else(|_| profile.to_path_buf());
    // FNV-1a, which unlike std's hasher is the same in every build, so two
    // versions of the app agree.
    let hash = path
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{identifier}.p{hash:016x}")
}

/// Window size and position are kept in the profile, beside everything
/// else of it, rather than in one file for every profile of the user.
fn window_state(profile: &std::path::Path) -> tauri::plugin::TauriPlugin<tauri::Wry> {
    let builder = tauri_plugin_window_state::Builder::default();
    // The plugin joins the name to the config directory; an absolute path
    // replaces that directory. A path that is not UTF-8 keeps the default.
    let file = profile.join("window-state.json").into_os_string();
    match file.into_string() {
        Ok(path) => builder.with_filename(path),
        Err(_) => builder,
    }
    .build()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_profile_has_its_own_instance_name() {
        let a = instance_id(
            "app.trellis.desktop",
            std::path::Path::new("/nonexistent/a"),
        );
        let b = instance_id(
            "app.trellis.desktop",
            std::path::Path::new("/nonexistent/b"),
        );
        assert_ne!(a, b);
        assert_eq!(
            a,
            instance_id(
                "app.trellis.desktop",
                std::path::Path::new("/nonexistent/a")
            )
        );
        // A D-Bus name element: letters, digits and _, not starting with a digit.
        let last = a.rsplit('.').next().unwrap_or_default();
        assert!(last.starts_with('p') && last.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
