//! Session secrets in the OS keyring (Secret Service, Keychain, Credential
//! Manager): the access token, the device id and the passphrase of
//! matrix-sdk's stores. They never touch our database, files or logs, and
//! there is no plaintext fallback.

use serde::{Deserialize, Serialize};

const SERVICE: &str = "trellis";

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct SessionSecrets {
    pub access_token: String,
    pub device_id: String,
    pub store_passphrase: String,
}

impl std::fmt::Debug for SessionSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionSecrets")
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(
        "no OS keyring is available ({0}). Trellis keeps your login only in the system keyring \
         and never in plain files: on Linux, run a Secret Service provider such as \
         gnome-keyring or KWallet and unlock it, then try again"
    )]
    Unavailable(String),
    #[error("the keyring refused the request: {0}")]
    Failed(String),
}

fn classify(e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::NoDefaultStore
        | keyring::Error::PlatformFailure(_)
        | keyring::Error::NoStorageAccess(_) => SecretError::Unavailable(e.to_string()),
        other => SecretError::Failed(other.to_string()),
    }
}

/// Runs a blocking keyring call off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, keyring::Error> + Send + 'static,
) -> Result<T, SecretError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SecretError::Failed(e.to_string()))?
        .map_err(classify)
}

/// Fails with a clear message unless a keyring answers.
pub async fn probe() -> Result<(), SecretError> {
    blocking(|| {
        let entry = keyring::Entry::new(SERVICE, "probe")?;
        match entry.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        }
    })
    .await
}

pub async fn save(keyring_id: &str, secrets: &SessionSecrets) -> Result<(), SecretError> {
    let id = keyring_id.to_owned();
    let json = serde_json::to_string(secrets).map_err(|e| SecretError::Failed(e.to_string()))?;
    blocking(move || keyring::Entry::new(SERVICE, &id)?.set_password(&json)).await
}

/// `Ok(None)` when the keyring works but holds no entry for this login.
pub async fn load(keyring_id: &str) -> Result<Option<SessionSecrets>, SecretError> {
    let id = keyring_id.to_owned();
    let json = blocking(
        move || match keyring::Entry::new(SERVICE, &id)?.get_password() {
            Ok(j) => Ok(Some(j)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        },
    )
    .await?;
    json.map(|j| {
        serde_json::from_str(&j)
            .map_err(|_| SecretError::Failed("the keyring entry is corrupt".into()))
    })
    .transpose()
}

pub async fn delete(keyring_id: &str) -> Result<(), SecretError> {
    let id = keyring_id.to_owned();
    blocking(
        move || match keyring::Entry::new(SERVICE, &id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        },
    )
    .await
}

/// A fresh random hex string (store passphrases, keyring ids).
pub fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
