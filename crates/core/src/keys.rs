//! Megolm room key export and import (`POST /_gomuks/keys/…`): the file
//! format is the Matrix spec's passphrase-encrypted export, which Element
//! and gomuks read and write too.

use std::path::PathBuf;

use matrix_sdk::ruma::RoomId;

use crate::{Backend, CoreError};

pub struct KeyExport {
    pub file: Vec<u8>,
    pub sessions: usize,
}

pub struct KeyImport {
    pub imported: usize,
    pub total: usize,
}

impl Backend {
    /// Exports the room keys we hold (of one room, or all), encrypted with
    /// `passphrase`. An export with no keys is an error: nothing to save.
    pub async fn export_room_keys(
        &self,
        passphrase: &str,
        room_id: Option<&str>,
    ) -> Result<KeyExport, CoreError> {
        if passphrase.is_empty() {
            return Err(CoreError::BadRequest(
                "a passphrase is required to export keys".into(),
            ));
        }
        let room = room_id
            .map(|r| {
                RoomId::parse(r)
                    .map_err(|e| CoreError::BadRequest(format!("{r:?} is not a room ID: {e}")))
            })
            .transpose()?;
        let client = self.client().await?;
        let tmp = self.key_file_path();
        let mut sessions = 0;
        let result = client
            .encryption()
            .export_room_keys(tmp.clone(), passphrase, |session| {
                let wanted = room.as_deref().is_none_or(|r| session.room_id() == r);
                sessions += usize::from(wanted);
                wanted
            })
            .await;
        let file = tokio::fs::read(&tmp).await;
        let _ = tokio::fs::remove_file(&tmp).await;
        result?;
        if sessions == 0 {
            return Err(CoreError::BadRequest("no room keys to export".into()));
        }
        let file = file.map_err(|e| CoreError::Internal(format!("cannot read the export: {e}")))?;
        Ok(KeyExport { file, sessions })
    }

    /// Imports an export made by any Matrix client.
    pub async fn import_room_keys(
        &self,
        export: &[u8],
        passphrase: &str,
    ) -> Result<KeyImport, CoreError> {
        let client = self.client().await?;
        let tmp = self.key_file_path();
        write_private(&tmp, export).await?;
        let result = client
            .encryption()
            .import_room_keys(tmp.clone(), passphrase)
            .await;
        let _ = tokio::fs::remove_file(&tmp).await;
        let result =
            result.map_err(|e| CoreError::BadRequest(format!("cannot import the keys: {e}")))?;
        Ok(KeyImport {
            imported: result.imported_count,
            total: result.total_count,
        })
    }

    /// matrix-sdk reads and writes exports as files: a private one in the
    /// profile, removed right after.
    fn key_file_path(&self) -> PathBuf {
        self.profile_dir()
            .join(format!("keys-{}.tmp", crate::secrets::random_hex(8)))
    }
}

async fn write_private(path: &PathBuf, bytes: &[u8]) -> Result<(), CoreError> {
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options
        .open(path)
        .await
        .map_err(|e| CoreError::Internal(format!("cannot write {}: {e}", path.display())))?;
    // tokio's File writes on a blocking thread: write_all may return before
    // the bytes are in the file, and matrix-sdk reads it right after.
    let written = async {
        tokio::io::AsyncWriteExt::write_all(&mut file, bytes).await?;
        tokio::io::AsyncWriteExt::flush(&mut file).await
    };
    written
        .await
        .map_err(|e| CoreError::Internal(format!("cannot write {}: {e}", path.display())))
}
