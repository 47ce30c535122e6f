//! The main window: made from the config's entry, with links that leave the
//! app going to the system browser, and closing that hides it to the tray
//! when the setting says so.

use std::path::Path;

use tauri::{
    AppHandle, Manager, WebviewWindow, WebviewWindowBuilder, WindowEvent,
    webview::NewWindowResponse,
};

use crate::{links, shell::Shell};

pub const MAIN: &str = "main";

pub fn create(app: &AppHandle, profile: &Path) -> tauri::Result<WebviewWindow> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    let nav_app = app.clone();
    let popup_app = app.clone();
    let window = WebviewWindowBuilder::from_config(app, &config)?
        // The page's storage belongs to the profile, like the rest of its
        // state: two profiles never share it.
        .data_directory(profile.join("webview"))
        .on_navigation(move |url| {
            if is_own_page(url) {
                return true;
            }
            leave_app(&nav_app, url.as_str());
            false
        })
        .on_new_window(move |url, _| {
            leave_app(&popup_app, url.as_str());
            NewWindowResponse::Deny
        })
        .build()?;
    let close_app = app.clone();
    window.on_window_event(move |event| {
        if let WindowEvent::CloseRequested { api, .. } = event
            && close_app.state::<Shell>().settings().close_to_tray
        {
            api.prevent_close();
            hide(&close_app);
        }
    });
    Ok(window)
}

/// The UI's own origin (custom protocol, or the dev server in debug builds).
pub fn is_own_page(url: &tauri::Url) -> bool {
    let origin = (url.scheme(), url.host_str());
    matches!(
        origin,
        ("tauri", Some("localhost")) | ("http" | "https", Some("tauri.localhost"))
    ) || (cfg!(debug_assertions) && matches!(origin, ("http", Some("localhost" | "127.0.0.1"))))
}

/// A link the page tried to follow: Matrix links open here, allowlisted
/// schemes in the system browser, anything else nowhere.
fn leave_app(app: &AppHandle, url: &str) {
    if crate::shell::open_matrix_link(app, url) {
        return;
    }
    if links::is_external(url) {
        use tauri_plugin_opener::OpenerExt;
        if let Err(e) = app.opener().open_url(url, None::<&str>) {
            tracing::warn!("cannot open {url}: {e}");
        }
    } else {
        tracing::warn!("refused to open {url}");
    }
}

pub fn show(app: &AppHandle) {
    if let Some(w) = app.get_webview_window(MAIN) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

pub fn hide(app: &AppHandle) {
    if let Some(w) = app.get_webview_window(MAIN) {
        let _ = w.hide();
    }
}

pub fn toggle(app: &AppHandle) {
    let visible = app
        .get_webview_window(MAIN)
        .is_some_and(|w| w.is_visible().unwrap_or(false));
    if visible { hide(app) } else { show(app) }
}

/// Asks the UI to open a room (it listens for `trellis-open-room`).
pub fn open_room(app: &AppHandle, room_id: &str) {
    let Some(w) = app.get_webview_window(MAIN) else {
        return;
    };
    // JSON-encoded, so the id can't break out of the string.
    let Ok(id) = serde_json::to_string(room_id) else {
        return;
    };
    let script =
        format!("window.dispatchEvent(new CustomEvent('trellis-open-room', {{ detail: {id} }}))");
    if let Err(e) = w.eval(&script) {
        tracing::warn!("cannot open room {room_id}: {e}");
    }
}
