//! Encryption: recovery, devices and their trust, interactive verification,
//! key export and import. The work is in `crate::crypto`.

use std::sync::Arc;

use serde_json::Value;
use trellis_rpc::crypto::{
    ChangeRecoveryKeyParams, ExportKeysParams, GenerateRecoveryKeyParams, ImportKeysParams,
    ImportKeysResponse, RequestVerificationParams, ResetEncryptionParams, RoomIdParams,
    UserIdParams, VerificationFlowParams, VerifyParams,
};

use super::{to_value, user_id};
use crate::{
    Backend, CoreError,
    crypto::{devices, recovery, verification},
    session::Session,
};

async fn session(backend: &Backend) -> Result<Arc<Session>, CoreError> {
    backend
        .inner
        .session
        .read()
        .await
        .clone()
        .ok_or(CoreError::NotLoggedIn)
}

/// After a command that changes our identity: the new state is looked up
/// and announced as `client_state` before the command answers.
async fn announce_state(backend: &Backend, session: &Arc<Session>) {
    match crate::crypto::state::check(&session.client, true).await {
        Ok(state) => crate::crypto::state::publish(&backend.inner, session, state).await,
        Err(e) => tracing::warn!("cannot check the verification state: {e}"),
    }
}

pub async fn verify(backend: &Backend, p: VerifyParams) -> Result<Value, CoreError> {
    let session = session(backend).await?;
    recovery::verify(&session.client, &p.recovery_key).await?;
    announce_state(backend, &session).await;
    Ok(Value::Bool(true))
}

pub async fn generate_recovery_key(
    backend: &Backend,
    p: GenerateRecoveryKeyParams,
) -> Result<Value, CoreError> {
    let session = session(backend).await?;
    to_value(&recovery::generate(
        &session.crypto.pending_keys,
        &p.passphrase,
    ))
}

pub async fn reset_encryption(
    backend: &Backend,
    p: ResetEncryptionParams,
) -> Result<Value, CoreError> {
    let session = session(backend).await?;
    recovery::reset(
        &session.client,
        &session.crypto.pending_keys,
        &p.recovery_key,
        p.account_password.as_deref(),
    )
    .await?;
    announce_state(backend, &session).await;
    Ok(Value::Bool(true))
}

pub async fn change_recovery_key(
    backend: &Backend,
    p: ChangeRecoveryKeyParams,
) -> Result<Value, CoreError> {
    let session = session(backend).await?;
    recovery::change_key(
        &session.client,
        &session.crypto.pending_keys,
        &p.recovery_key,
    )
    .await?;
    announce_state(backend, &session).await;
    Ok(Value::Bool(true))
}

pub async fn get_recovery_state(backend: &Backend) -> Result<Value, CoreError> {
    to_value(&recovery::state(&backend.client().await?).await?)
}

pub async fn profile_encryption_info(
    backend: &Backend,
    p: UserIdParams,
    fetch: bool,
) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    to_value(&devices::info(&client, &user_id(&p.user_id)?, fetch).await?)
}

pub async fn reset_master_key_tofu(backend: &Backend, p: UserIdParams) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    to_value(&devices::accept_identity(&client, &user_id(&p.user_id)?).await?)
}

pub async fn get_own_devices(backend: &Backend) -> Result<Value, CoreError> {
    to_value(&devices::own(&backend.client().await?).await?)
}

pub async fn ensure_group_session_shared(
    backend: &Backend,
    p: RoomIdParams,
) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let room = Backend::joined_room(&client, &p.room_id)?;
    room.sync_members().await?;
    Ok(Value::Bool(true))
}

pub async fn export_keys(backend: &Backend, p: ExportKeysParams) -> Result<Value, CoreError> {
    let export = backend
        .export_room_keys(&p.passphrase, p.room_id.as_deref())
        .await?;
    let text = String::from_utf8(export.file)
        .map_err(|e| CoreError::Internal(format!("the export is not text: {e}")))?;
    Ok(Value::String(text))
}

pub async fn import_keys(backend: &Backend, p: ImportKeysParams) -> Result<Value, CoreError> {
    let import = backend
        .import_room_keys(p.data.as_bytes(), &p.passphrase)
        .await?;
    to_value(&ImportKeysResponse {
        imported: import.imported as u64,
        total: import.total as u64,
    })
}

pub async fn request_verification(
    backend: &Backend,
    p: RequestVerificationParams,
) -> Result<Value, CoreError> {
    let session = session(backend).await?;
    let info =
        verification::request(&backend.inner, &session, &p.user_id, p.device_id.as_deref()).await?;
    to_value(&info)
}

pub async fn verification_step(
    backend: &Backend,
    p: VerificationFlowParams,
    step: verification::Step,
) -> Result<Value, CoreError> {
    let session = session(backend).await?;
    to_value(&verification::step(&backend.inner, &session, &p, step).await?)
}

pub async fn get_verifications(backend: &Backend) -> Result<Value, CoreError> {
    to_value(&session(backend).await?.crypto.flows.active())
}
