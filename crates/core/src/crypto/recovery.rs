//! Recovery: unlocking secret storage with the recovery key (`verify`),
//! making a key before it is used (`generate_recovery_key`), setting up or
//! resetting cross-signing, key backup and secret storage
//! (`reset_encryption`), and moving secret storage to a new key.

use std::sync::Mutex;

use matrix_sdk::{
    Client,
    encryption::{
        CrossSigningResetAuthType, recovery::RecoveryError, recovery::RecoveryState,
        secret_storage::SecretStorageError,
    },
    ruma::{
        api::client::{
            device::delete_devices::v3::Request as DeleteDevices,
            uiaa::{AuthData, MatrixUserIdentifier, Password, UserIdentifier},
        },
        events::secret_storage::default_key::SecretStorageDefaultKeyEventContent,
    },
};
use matrix_sdk_crypto::secret_storage::SecretStorageKey;
use trellis_rpc::crypto::{
    BackupStatus, PassphraseMeta, RecoveryKeyResponse, RecoveryStateResponse, RecoveryStatus,
};

use crate::CoreError;

const WRONG_KEY: &str = "the recovery key or passphrase is not right";
const WRONG_PASSWORD: &str = "the homeserver did not accept the password";

/// Keys `generate_recovery_key` made, until one is used. Kept in memory
/// only: a restart forgets them, and the frontend asks for a new one.
#[derive(Default)]
pub(crate) struct PendingKeys(Mutex<Vec<SecretStorageKey>>);

impl PendingKeys {
    fn add(&self, key: SecretStorageKey) {
        if let Ok(mut keys) = self.0.lock() {
            keys.push(key);
        }
    }

    /// Takes out the pending key whose recovery key is `recovery_key`
    /// (spaces aside); `add` puts it back when using it failed.
    fn take(&self, recovery_key: &str) -> Result<SecretStorageKey, CoreError> {
        let wanted = squash(recovery_key);
        self.0
            .lock()
            .ok()
            .and_then(|mut keys| {
                let at = keys.iter().position(|k| squash(&k.to_base58()) == wanted)?;
                Some(keys.swap_remove(at))
            })
            .ok_or_else(|| {
                CoreError::BadRequest(
                    "recovery_key must be one generate_recovery_key made since Trellis started"
                        .into(),
                )
            })
    }

    /// Puts a key back after using it failed, for another try.
    fn give_back_if_failed<T>(&self, key: SecretStorageKey, result: &Result<T, CoreError>) {
        if result.is_err() {
            self.add(key);
        }
    }
}

fn squash(key: &str) -> String {
    key.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `verify`: opens secret storage with the key or passphrase and takes
/// what it holds. matrix-sdk then signs this device with the imported
/// self-signing key, enables the backup and (our `settings`) downloads it.
pub(crate) async fn verify(client: &Client, recovery_key: &str) -> Result<(), CoreError> {
    let recovery_key = recovery_key.trim();
    if recovery_key.is_empty() {
        return Err(CoreError::BadRequest(
            "recovery_key is empty: enter the recovery key or passphrase".into(),
        ));
    }
    client
        .encryption()
        .recovery()
        .recover(recovery_key)
        .await
        .map_err(|e| match e {
            RecoveryError::SecretStorage(SecretStorageError::SecretStorageKey(_)) => {
                CoreError::BadRequest(WRONG_KEY.into())
            }
            RecoveryError::SecretStorage(SecretStorageError::MissingKeyInfo { .. }) => {
                CoreError::BadRequest(
                    "this account has no recovery set up: verify with another device, or set \
                     up recovery"
                        .into(),
                )
            }
            other => CoreError::Homeserver(format!("cannot unlock secret storage: {other}")),
        })
}

/// `generate_recovery_key`.
pub(crate) fn generate(pending: &PendingKeys, passphrase: &str) -> RecoveryKeyResponse {
    let key = if passphrase.is_empty() {
        SecretStorageKey::new()
    } else {
        SecretStorageKey::new_from_passphrase(passphrase)
    };
    let passphrase_meta = key
        .event_content()
        .passphrase
        .as_ref()
        .map(|p| PassphraseMeta {
            algorithm: p.algorithm.to_string(),
            salt: p.salt.clone(),
            iterations: p.iterations.into(),
            bits: Some(p.bits.into()),
        });
    let response = RecoveryKeyResponse {
        recovery_key: key.to_base58(),
        passphrase_meta,
    };
    pending.add(key);
    response
}

/// `reset_encryption`: new cross-signing keys, a new key backup and new
/// secret storage under a pending key. The password is checked before
/// anything changes, here or on the homeserver.
pub(crate) async fn reset(
    client: &Client,
    pending: &PendingKeys,
    recovery_key: &str,
    password: Option<&str>,
) -> Result<(), CoreError> {
    let key = pending.take(recovery_key)?;
    let result = reset_with(client, &key, password).await;
    pending.give_back_if_failed(key, &result);
    result
}

async fn reset_with(
    client: &Client,
    key: &SecretStorageKey,
    password: Option<&str>,
) -> Result<(), CoreError> {
    let auth = authorize(client, password).await?;
    let enc = client.encryption();
    if let Some(handle) = enc.reset_cross_signing().await? {
        let auth = match (handle.auth_type(), auth) {
            (CrossSigningResetAuthType::Uiaa(uiaa), Some(mut auth)) => {
                auth.session = uiaa.session.clone();
                AuthData::Password(auth)
            }
            (CrossSigningResetAuthType::OAuth(info), _) => {
                handle.cancel().await;
                return Err(CoreError::BadRequest(format!(
                    "approve the reset at {} first, then try again",
                    info.approval_url
                )));
            }
            (CrossSigningResetAuthType::Uiaa(_), None) => {
                handle.cancel().await;
                return Err(password_needed());
            }
        };
        handle.auth(Some(auth)).await.map_err(|e| {
            CoreError::Homeserver(format!("cannot upload the new cross-signing keys: {e}"))
        })?;
    }
    let backups = enc.backups();
    if backups.fetch_exists_on_server().await? {
        // Its key went with the old identity's secret storage.
        backups
            .disable_and_delete()
            .await
            .map_err(|e| CoreError::Homeserver(format!("cannot remove the old key backup: {e}")))?;
    }
    enc.recovery()
        .enable_backup()
        .await
        .map_err(|e| CoreError::Homeserver(format!("cannot create the key backup: {e}")))?;
    store_secrets_under(client, key).await
}

/// `change_recovery_key`: secret storage moves to a pending key, with the
/// secrets this (verified) device holds.
pub(crate) async fn change_key(
    client: &Client,
    pending: &PendingKeys,
    recovery_key: &str,
) -> Result<(), CoreError> {
    let key = pending.take(recovery_key)?;
    let result = move_secrets(client, &key).await;
    pending.give_back_if_failed(key, &result);
    result
}

async fn move_secrets(client: &Client, key: &SecretStorageKey) -> Result<(), CoreError> {
    let complete = client
        .encryption()
        .cross_signing_status()
        .await
        .is_some_and(|s| s.is_complete());
    if !complete {
        return Err(CoreError::BadRequest(
            "this device does not hold the cross-signing keys: verify it first".into(),
        ));
    }
    store_secrets_under(client, key).await
}

/// The password auth for replacing the cross-signing keys, checked before
/// anything changes: matrix-sdk's reset replaces the local identity before
/// the homeserver has accepted the new one, so a wrong password found out
/// there would leave this device without the keys it had. An account with
/// no identity yet has nothing to lose (and Synapse asks for no password).
/// The check is `/delete_devices` with no devices, which goes through the
/// same user-interactive auth and deletes nothing.
async fn authorize(client: &Client, password: Option<&str>) -> Result<Option<Password>, CoreError> {
    let user_id = client.user_id().ok_or(CoreError::NotLoggedIn)?.to_owned();
    let has_identity = client
        .encryption()
        .request_user_identity(&user_id)
        .await?
        .is_some();
    let Some(password) = password.filter(|p| !p.is_empty()) else {
        return if has_identity {
            Err(password_needed())
        } else {
            Ok(None)
        };
    };
    let auth = Password::new(
        UserIdentifier::Matrix(MatrixUserIdentifier::from(user_id)),
        password.to_owned(),
    );
    if !has_identity {
        return Ok(Some(auth));
    }
    let uiaa = match client.send(DeleteDevices::new(Vec::new())).await {
        Ok(_) => return Ok(Some(auth)),
        Err(e) => match e.as_uiaa_response() {
            Some(uiaa) => uiaa.clone(),
            None => {
                return Err(CoreError::Homeserver(format!(
                    "cannot check the password: {e}"
                )));
            }
        },
    };
    let mut attempt = auth.clone();
    attempt.session = uiaa.session;
    let mut check = DeleteDevices::new(Vec::new());
    check.auth = Some(AuthData::Password(attempt));
    match client.send(check).await {
        Ok(_) => Ok(Some(auth)),
        Err(e)
            if e.as_uiaa_response().is_some()
                || e.client_api_error_kind()
                    == Some(&matrix_sdk::ruma::api::error::ErrorKind::Forbidden) =>
        {
            Err(CoreError::BadRequest(WRONG_PASSWORD.into()))
        }
        Err(e) => Err(CoreError::Homeserver(format!(
            "cannot check the password: {e}"
        ))),
    }
}

fn password_needed() -> CoreError {
    CoreError::BadRequest(
        "the homeserver asks for your account password to reset encryption: send \
         account_password"
            .into(),
    )
}

/// Makes `key` the default secret-storage key and stores every secret this
/// device holds under it.
async fn store_secrets_under(client: &Client, key: &SecretStorageKey) -> Result<(), CoreError> {
    let account = client.account();
    let failed = |e: matrix_sdk::Error| CoreError::Homeserver(format!("cannot store secrets: {e}"));
    account
        .set_account_data(key.event_content().clone())
        .await
        .map_err(failed)?;
    account
        .set_account_data(SecretStorageDefaultKeyEventContent::new(
            key.key_id().to_owned(),
        ))
        .await
        .map_err(failed)?;
    let store = client
        .encryption()
        .secret_storage()
        .open_secret_store(&key.to_base58())
        .await
        .map_err(|e| CoreError::Homeserver(format!("cannot open the new secret storage: {e}")))?;
    store
        .export_secrets()
        .await
        .map_err(|e| CoreError::Homeserver(format!("cannot store secrets: {e}")))
}

/// `get_recovery_state`.
pub(crate) async fn state(client: &Client) -> Result<RecoveryStateResponse, CoreError> {
    let enc = client.encryption();
    let recovery = match enc.recovery().state() {
        RecoveryState::Unknown => RecoveryStatus::Unknown,
        RecoveryState::Enabled => RecoveryStatus::Enabled,
        RecoveryState::Incomplete => RecoveryStatus::Incomplete,
        RecoveryState::Disabled => RecoveryStatus::Disabled,
    };
    let backup = if enc.backups().are_enabled().await {
        BackupStatus::Enabled
    } else {
        BackupStatus::Disabled
    };
    let backup_exists = enc.backups().fetch_exists_on_server().await?;
    Ok(RecoveryStateResponse {
        recovery,
        backup,
        backup_exists,
    })
}
