//! The tray icon: marked while there are unread highlights; its menu shows
//! the unread count, opens or hides the window, and quits.

use std::path::Path;

use tauri::{
    AppHandle, Manager, Wry,
    image::Image,
    menu::{Menu, MenuItem, PredefinedMenuItem},
    tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent},
};

use crate::activity::Totals;

const TRAY_ID: &str = "main";

pub struct Tray {
    icon: TrayIcon,
    count: MenuItem<Wry>,
    normal: Image<'static>,
    marked: Image<'static>,
    shown: std::sync::Mutex<Option<Totals>>,
}

pub fn build(app: &AppHandle, profile: &Path) -> tauri::Result<()> {
    let normal = app
        .default_window_icon()
        .cloned()
        .map(Image::to_owned)
        .ok_or_else(|| tauri::Error::InvalidIcon(std::io::Error::other("no app icon")))?;
    let marked = with_badge(&normal);
    let count = MenuItem::with_id(app, "count", "No unread messages", false, None::<&str>)?;
    let toggle = MenuItem::with_id(app, "toggle", "Show/hide Trellis", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit Trellis", true, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[&count, &PredefinedMenuItem::separator(app)?, &toggle, &quit],
    )?;
    let icon = TrayIconBuilder::with_id(TRAY_ID)
        .icon(normal.clone())
        .tooltip("Trellis")
        .menu(&menu)
        .show_menu_on_left_click(false)
        // Linux panels read the icon from a file. Without this it goes to a
        // directory shared by every process (/tmp/tray-icon when there is
        // no XDG_RUNTIME_DIR), under names that differ only by a counter.
        .temp_dir_path(profile.join("tray-icon"))
        .on_menu_event(|app, event| match event.id().as_ref() {
            "toggle" => crate::window::toggle(app),
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                crate::window::toggle(tray.app_handle());
            }
        })
        .build(app)?;
    app.manage(Tray {
        icon,
        count,
        normal,
        marked,
        shown: std::sync::Mutex::new(None),
    });
    Ok(())
}

pub fn show_totals(app: &AppHandle, totals: Totals) {
    let Some(tray) = app.try_state::<Tray>() else {
        return;
    };
    if let Ok(mut shown) = tray.shown.lock() {
        if *shown == Some(totals) {
            return;
        }
        *shown = Some(totals);
    }
    let icon = if totals.highlights > 0 {
        &tray.marked
    } else {
        &tray.normal
    };
    let label = match totals.notifications {
        0 => "No unread messages".to_owned(),
        1 => "1 unread message".to_owned(),
        n => format!("{n} unread messages"),
    };
    let tooltip = if totals.notifications > 0 {
        format!("Trellis — {label}")
    } else {
        "Trellis".to_owned()
    };
    let results = [
        tray.icon.set_icon(Some(icon.clone())),
        tray.count.set_text(&label),
        tray.icon.set_tooltip(Some(&tooltip)),
    ];
    for r in results {
        if let Err(e) = r {
            tracing::warn!("cannot update the tray: {e}");
        }
    }
}

/// The icon with a red dot in its top right corner.
fn with_badge(icon: &Image<'_>) -> Image<'static> {
    let (w, h) = (icon.width() as i64, icon.height() as i64);
    let mut rgba = icon.rgba().to_vec();
    let r = (w.min(h) / 4).max(2);
    let (cx, cy) = (w - r - 1, r + 1);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x - cx, y - cy);
            if dx * dx + dy * dy <= r * r {
                let i = ((y * w + x) * 4) as usize;
                rgba[i..i + 4].copy_from_slice(&[0xe0, 0x24, 0x24, 0xff]);
            }
        }
    }
    Image::new_owned(rgba, icon.width(), icon.height())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_badge_marks_the_corner_only() {
        let icon = Image::new_owned(vec![0u8; 32 * 32 * 4], 32, 32);
        let marked = with_badge(&icon);
        let px = |x: usize, y: usize| &marked.rgba()[(y * 32 + x) * 4..(y * 32 + x) * 4 + 4];
        assert_eq!(px(23, 9), &[0xe0, 0x24, 0x24, 0xff]);
        assert_eq!(px(2, 30), &[0, 0, 0, 0]);
    }
}
