//! The profile directory: our database, matrix-sdk's stores and the lock
//! that lets one process own them. Several profiles can live side by side.

use std::{
    fs::{self, File},
    path::{Path, PathBuf},
};

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("no data directory could be determined for this user; pass --profile DIR")]
    NoDataDir,
    #[error("cannot use profile directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("profile {0} is in use by another Trellis process")]
    InUse(PathBuf),
}

#[derive(Debug)]
pub struct Profile {
    dir: PathBuf,
    // Held for the life of the process; the OS drops it even on kill -9.
    _lock: File,
}

impl Profile {
    /// `explicit` (from --profile) wins over TRELLIS_PROFILE, which wins
    /// over the platform's data directory.
    pub fn resolve(explicit: Option<PathBuf>) -> Result<PathBuf, ProfileError> {
        if let Some(dir) =
            explicit.or_else(|| std::env::var_os("TRELLIS_PROFILE").map(PathBuf::from))
        {
            return Ok(dir);
        }
        directories::ProjectDirs::from("app", "Trellis", "Trellis")
            .map(|d| d.data_dir().to_path_buf())
            .ok_or(ProfileError::NoDataDir)
    }

    /// Creates the directory (private to the user) and takes its lock.
    pub fn open(dir: &Path) -> Result<Self, ProfileError> {
        let io = |source| ProfileError::Io {
            path: dir.to_path_buf(),
            source,
        };
        fs::create_dir_all(dir).map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io)?;
        }
        let lock = File::create(dir.join("lock")).map_err(io)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(ProfileError::InUse(dir.to_path_buf()));
            }
            Err(fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            _lock: lock,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn database_path(&self) -> PathBuf {
        self.dir.join("trellis.db")
    }

    /// matrix-sdk's state and crypto stores, encrypted with a passphrase
    /// from the keyring.
    pub fn sdk_store_dir(&self) -> PathBuf {
        self.dir.join("matrix-sdk")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_has_one_owner() {
        let dir = std::env::temp_dir().join(format!("trellis-profile-test-{}", std::process::id()));
        let first = Profile::open(&dir).unwrap();
        assert!(matches!(Profile::open(&dir), Err(ProfileError::InUse(_))));
        drop(first);
        assert!(Profile::open(&dir).is_ok());
        fs::remove_dir_all(&dir).ok();
    }
}
