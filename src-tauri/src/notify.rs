//! Desktop notifications (freedesktop on Linux, the system's own elsewhere).
//! Activating one opens the window at its room where the platform reports
//! activations.

use tauri::AppHandle;

use crate::activity::Note;

pub fn show(app: &AppHandle, note: Note) {
    let app = app.clone();
    // Showing talks to the session bus and waiting for the click blocks:
    // neither belongs on the async runtime.
    std::thread::spawn(move || {
        let mut n = notify_rust::Notification::new();
        n.appname("Trellis").summary(&note.title).body(&note.body);
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            n.action("default", "Open")
                .hint(notify_rust::Hint::Category("im.received".into()));
            if note.sound {
                n.sound_name("message-new-instant");
            }
        }
        match n.show() {
            #[cfg(all(unix, not(target_os = "macos")))]
            Ok(handle) => handle.wait_for_action(|action| {
                if action == "default" {
                    crate::window::show(&app);
                    crate::window::open_room(&app, &note.room_id);
                }
            }),
            #[cfg(not(all(unix, not(target_os = "macos"))))]
            Ok(_) => {}
            Err(e) => tracing::warn!("cannot show a notification: {e}"),
        }
    });
}
