//! The shell's own state: its settings, the room on screen, and what the
//! backend's activity means for tray and notifications.

use std::{path::PathBuf, sync::Mutex};

use tauri::{AppHandle, Manager, State};
use trellis_rpc::events::BackendEvent;

use crate::{
    activity::Activity,
    links, notify,
    settings::{self, Settings},
    tray,
};

pub struct Shell {
    settings: Mutex<Settings>,
    settings_file: PathBuf,
    pub viewing_room: Mutex<Option<String>>,
    pub activity: Mutex<Activity>,
    /// A deep link that came before the UI could take it.
    pub pending_link: Mutex<Option<String>>,
}

impl Shell {
    /// The shell of the profile in `profile`, with its saved settings.
    pub fn new(profile: &std::path::Path) -> Self {
        let settings_file = settings::path_in(profile);
        Self {
            settings: Mutex::new(settings::load(&settings_file)),
            settings_file,
            viewing_room: Mutex::default(),
            activity: Mutex::default(),
            pending_link: Mutex::default(),
        }
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().map(|s| *s).unwrap_or_default()
    }
}

#[tauri::command]
pub fn get_shell_settings(shell: State<'_, Shell>) -> Settings {
    shell.settings()
}

/// Takes the settings the UI changed and saves them for the next start.
#[tauri::command]
pub fn set_shell_settings(shell: State<'_, Shell>, settings: Settings) -> Result<(), String> {
    if let Ok(mut s) = shell.settings.lock() {
        *s = settings;
    }
    settings::save(&shell.settings_file, &settings)
        .map_err(|e| format!("cannot save the settings: {e}"))
}

#[tauri::command]
pub fn set_viewing_room(shell: State<'_, Shell>, room_id: Option<String>) {
    if let Ok(mut v) = shell.viewing_room.lock() {
        *v = room_id;
    }
}

/// Ctrl+W: what the window's close button does (to the tray, or quit).
#[tauri::command]
pub fn close_window(app: AppHandle) -> Result<(), String> {
    let window = app
        .get_webview_window(crate::window::MAIN)
        .ok_or("the main window is gone")?;
    window.close().map_err(|e| e.to_string())
}

/// Links the page asks to open (those it can't navigate to itself).
#[tauri::command]
pub fn open_link(app: AppHandle, url: String) -> Result<(), String> {
    if open_matrix_link(&app, &url) {
        return Ok(());
    }
    if !links::is_external(&url) {
        return Err(format!("links of that kind are not opened: {url}"));
    }
    use tauri_plugin_opener::OpenerExt;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| e.to_string())
}

/// Follows the backend's events as Rust values (`Backend::follow`, no JSON
/// in between): the tray's unread state and desktop notifications.
pub async fn follow_backend(app: AppHandle) {
    let Some(bridge) = app.try_state::<crate::bridge::Bridge>() else {
        return;
    };
    let mut events = match bridge.backend.follow().await {
        Ok(events) => events,
        Err(e) => {
            tracing::error!("the shell cannot follow the backend: {e}");
            return;
        }
    };
    while let Some(event) = events.recv().await {
        let shell = app.state::<Shell>();
        let (notes, totals) = {
            let Ok(mut activity) = shell.activity.lock() else {
                return;
            };
            (activity.apply(&event), activity.totals())
        };
        let ready = matches!(*event, BackendEvent::InitComplete(_));
        tray::show_totals(&app, totals);
        if ready {
            take_pending_link(&app);
        }
        if !shell.settings().notifications {
            continue;
        }
        let viewing = shell.viewing_room.lock().ok().and_then(|v| v.clone());
        let focused = app
            .get_webview_window(crate::window::MAIN)
            .is_some_and(|w| w.is_focused().unwrap_or(false) && w.is_visible().unwrap_or(false));
        for note in notes {
            if focused && viewing.as_deref() == Some(note.room_id.as_str()) {
                continue;
            }
            notify::show(&app, note);
        }
    }
}

/// Shows the window and, for a Matrix link to a room we are in (or a DM
/// with the user), opens that room. Returns whether it was a Matrix link.
pub fn open_matrix_link(app: &AppHandle, url: &str) -> bool {
    let Some(target) = links::parse(url) else {
        return false;
    };
    crate::window::show(app);
    let shell = app.state::<Shell>();
    let room = shell.activity.lock().ok().and_then(|a| a.room_for(&target));
    match room {
        Some(room_id) => crate::window::open_room(app, &room_id),
        None => {
            // Not known (yet): the initial payload may still be on its way.
            if let Ok(mut pending) = shell.pending_link.lock() {
                *pending = Some(url.to_owned());
            }
            tracing::info!("no joined room for {target:?} yet");
        }
    }
    true
}

fn take_pending_link(app: &AppHandle) {
    let pending = app
        .state::<Shell>()
        .pending_link
        .lock()
        .ok()
        .and_then(|mut p| p.take());
    if let Some(url) = pending {
        let target = links::parse(&url);
        let room = target.and_then(|t| {
            app.state::<Shell>()
                .activity
                .lock()
                .ok()
                .and_then(|a| a.room_for(&t))
        });
        if let Some(room_id) = room {
            crate::window::open_room(app, &room_id);
        }
    }
}
