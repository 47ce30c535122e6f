//! The shell's own settings (notifications, close to tray), kept in a small
//! JSON file in the profile. The shell needs them before any page has
//! loaded — a close request or a notification can come first — so they
//! live where it reads them at start, not in the webview's storage. The
//! UI asks for them (`get_shell_settings`) and hands over changes
//! (`set_shell_settings`), which are written at once.

use std::{
    fs, io,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

const FILE: &str = "shell-settings.json";

/// What the settings say about the shell's behaviour. Fields missing from
/// the file (written by an older version) take their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub notifications: bool,
    pub close_to_tray: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            notifications: true,
            close_to_tray: true,
        }
    }
}

pub fn path_in(profile: &Path) -> PathBuf {
    profile.join(FILE)
}

/// The saved settings; the defaults when there are none or the file is
/// unreadable (a damaged file must not keep the app from starting).
pub fn load(path: &Path) -> Settings {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Settings::default(),
        Err(e) => {
            tracing::warn!("cannot read {}: {e}", path.display());
            return Settings::default();
        }
    };
    serde_json::from_str(&text).unwrap_or_else(|e| {
        tracing::warn!("ignoring {}: {e}", path.display());
        Settings::default()
    })
}

/// Writes the settings beside their file and renames them over it, so a
/// crash mid-write leaves the old settings, not half a file.
pub fn save(path: &Path, settings: &Settings) -> io::Result<()> {
    let json = serde_json::to_vec_pretty(settings).map_err(io::Error::other)?;
    let partial = path.with_extension("json.partial");
    fs::write(&partial, json)?;
    fs::rename(&partial, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_profile(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("trellis-settings-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn saved_settings_come_back() {
        let path = path_in(&temp_profile("roundtrip"));
        assert_eq!(load(&path), Settings::default());
        let changed = Settings {
            notifications: false,
            close_to_tray: false,
        };
        save(&path, &changed).expect("save");
        assert_eq!(load(&path), changed);
    }

    #[test]
    fn damaged_or_partial_files_fall_back_to_defaults() {
        let path = path_in(&temp_profile("damaged"));
        fs::write(&path, "{not json").expect("write");
        assert_eq!(load(&path), Settings::default());
        fs::write(&path, r#"{"close_to_tray": false}"#).expect("write");
        assert_eq!(
            load(&path),
            Settings {
                notifications: true,
                close_to_tray: false
            }
        );
    }
}
