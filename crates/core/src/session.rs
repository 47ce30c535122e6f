//! Logging in, restoring a session from the keyring, logging out.

use std::sync::Arc;

use matrix_sdk::{
    Client, ClientBuilder, SessionMeta, SessionTokens,
    authentication::matrix::MatrixSession,
    ruma::{OwnedDeviceId, OwnedUserId},
    store::StateStoreDataKey,
};
use tokio::task::AbortHandle;
use tokio_util::sync::CancellationToken;
use trellis_rpc::{
    commands::{LoginCustomParams, LoginParams},
    events::{BackendEvent, ClientState, SyncStatus},
};

use crate::{
    Inner,
    crypto::{self, SessionCrypto},
    error::CoreError,
    secrets::{self, SessionSecrets},
    store::account::Account,
    sync,
};

/// A logged-in session: the matrix-sdk client, its sync loop and the
/// session's encryption work.
pub struct Session {
    pub client: Client,
    pub account: Account,
    pub(crate) crypto: Arc<SessionCrypto>,
    /// Our display name and avatar URL, refreshed from the homeserver.
    profile: std::sync::Mutex<(String, String)>,
    /// `None` when the engine was stopping as the session began.
    sync_task: Option<AbortHandle>,
    /// Tasks that end with the session (encryption's watchers and flows).
    tasks: std::sync::Mutex<Vec<AbortHandle>>,
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(task) = &self.sync_task {
            task.abort();
        }
        if let Ok(tasks) = self.tasks.lock() {
            tasks.iter().for_each(AbortHandle::abort);
        }
    }
}

impl Session {
    pub fn user_id(&self) -> &str {
        &self.account.user_id
    }

    /// Ties tasks to the session: they are stopped when it ends.
    pub(crate) fn hold_tasks(&self, tasks: impl IntoIterator<Item = AbortHandle>) {
        if let Ok(mut held) = self.tasks.lock() {
            held.retain(|t| !t.is_finished());
            held.extend(tasks);
        }
    }
}

/// Turns what the user typed into a client builder: a URL is used as it is,
/// a bare server name goes through .well-known discovery.
fn builder_for(homeserver: &str) -> Vec<ClientBuilder> {
    let homeserver = homeserver.trim().trim_end_matches('/');
    if homeserver.contains("://") {
        return vec![Client::builder().homeserver_url(homeserver)];
    }
    let discover = |name: String| Client::builder().server_name_or_homeserver_url(name);
    // Discovery speaks https, which a homeserver on this machine seldom
    // does (and an https attempt at a plain-http port hangs): try http first.
    let host = homeserver.split(':').next().unwrap_or_default();
    if host == "localhost" || host.starts_with("127.") || homeserver.starts_with("[::1]") {
        return vec![
            discover(format!("http://{homeserver}")),
            discover(homeserver.to_owned()),
        ];
    }
    vec![discover(homeserver.to_owned())]
}

async fn build_client(
    inner: &Inner,
    homeserver: &str,
    passphrase: &str,
) -> Result<Client, CoreError> {
    let store_dir = inner.profile.sdk_store_dir();
    let mut last_err = String::new();
    for builder in builder_for(homeserver) {
        match builder
            .sqlite_store(&store_dir, Some(passphrase))
            .with_encryption_settings(crypto::settings())
            .build()
            .await
        {
            Ok(client) => return Ok(client),
            Err(e) => last_err = e.to_string(),
        }
    }
    Err(CoreError::Login(format!(
        "could not reach homeserver {homeserver:?}: {last_err}"
    )))
}

/// Removes matrix-sdk's stores so a new login starts clean.
async fn remove_sdk_stores(inner: &Inner) -> Result<(), CoreError> {
    let dir = inner.profile.sdk_store_dir();
    match tokio::fs::remove_dir_all(&dir).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(CoreError::Internal(format!(
            "cannot remove {}: {e}",
            dir.display()
        ))),
    }
}

pub enum LoginRequest {
    Password(LoginParams),
    Custom(LoginCustomParams),
}

pub async fn login(inner: &Arc<Inner>, req: LoginRequest) -> Result<(), CoreError> {
    let mut slot = inner.session.write().await;
    if let Some(s) = slot.as_ref() {
        return Err(CoreError::AlreadyLoggedIn(s.user_id().to_owned()));
    }
    // Refuse before any network call: there is nowhere safe to keep the token.
    secrets::probe().await?;
    remove_sdk_stores(inner).await?;
    let passphrase = secrets::random_hex(32);
    let homeserver = match &req {
        LoginRequest::Password(p) => &p.homeserver_url,
        LoginRequest::Custom(p) => &p.homeserver_url,
    };
    if homeserver.trim().is_empty() {
        return Err(CoreError::BadRequest("homeserver_url is empty".into()));
    }
    let client = build_client(inner, homeserver, &passphrase).await?;
    let auth = client.matrix_auth();
    let builder = match &req {
        LoginRequest::Password(p) => {
            if p.username.trim().is_empty() || p.password.is_empty() {
                return Err(CoreError::BadRequest(
                    "username and password are required".into(),
                ));
            }
            auth.login_username(p.username.trim(), &p.password)
                .initial_device_display_name("Trellis")
        }
        LoginRequest::Custom(p) => {
            let mut body: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(p.request.get()).map_err(|e| {
                    CoreError::BadRequest(format!("request must be a JSON object: {e}"))
                })?;
            let login_type = body
                .remove("type")
                .and_then(|t| t.as_str().map(str::to_owned))
                .ok_or_else(|| CoreError::BadRequest("request.type is required".into()))?;
            // matrix-sdk sends these two as fields of its own, not from the body.
            let take = |body: &mut serde_json::Map<_, _>, key: &str| {
                body.remove(key)
                    .and_then(|v: serde_json::Value| v.as_str().map(str::to_owned))
            };
            let name = take(&mut body, "initial_device_display_name");
            let device_id = take(&mut body, "device_id");
            let mut builder = auth
                .login_custom(&login_type, body)
                .map_err(|e| CoreError::BadRequest(e.to_string()))?;
            builder = builder.initial_device_display_name(name.as_deref().unwrap_or("Trellis"));
            if let Some(id) = &device_id {
                builder = builder.device_id(id);
            }
            builder
        }
    };
    let resp = builder
        .send()
        .await
        .map_err(|e| CoreError::Login(format!("login failed: {e}")))?;

    let keyring_id = format!("{}|{}", resp.user_id, secrets::random_hex(8));
    let secrets = SessionSecrets {
        access_token: resp.access_token.clone(),
        device_id: resp.device_id.to_string(),
        store_passphrase: passphrase,
    };
    if let Err(e) = secrets::save(&keyring_id, &secrets).await {
        // Without the keyring the session cannot be kept: end it server-side.
        let _ = client.matrix_auth().logout().await;
        return Err(e.into());
    }
    let account = Account {
        user_id: resp.user_id.to_string(),
        device_id: resp.device_id.to_string(),
        homeserver_url: client.homeserver().to_string(),
        keyring_id,
        next_batch: String::new(),
        displayname: String::new(),
        avatar_url: String::new(),
    };
    inner.store.wipe().await?;
    inner.store.put_account(&account).await?;
    tracing::info!(user_id = %account.user_id, device_id = %account.device_id, "logged in");
    let session = start(inner, client, account).await;
    let state = client_state(Some(&session));
    *slot = Some(session);
    drop(slot);
    inner.bus.emit(BackendEvent::ClientState(state)).await;
    Ok(())
}

/// Brings back the session of the last run from our account row and the
/// keyring, without a new login. `Ok(false)` when there is none.
pub async fn restore(inner: &Arc<Inner>) -> Result<bool, CoreError> {
    let Some(account) = inner.store.account().await? else {
        return Ok(false);
    };
    let Some(secrets) = secrets::load(&account.keyring_id).await? else {
        tracing::warn!(user_id = %account.user_id, "the keyring no longer holds this login; log in again");
        return Ok(false);
    };
    let client = build_client(inner, &account.homeserver_url, &secrets.store_passphrase).await?;
    let user_id: OwnedUserId = account
        .user_id
        .parse()
        .map_err(|e| CoreError::Internal(format!("stored user id is invalid: {e}")))?;
    let device_id: OwnedDeviceId = secrets.device_id.as_str().into();
    let session = MatrixSession {
        meta: SessionMeta { user_id, device_id },
        tokens: SessionTokens {
            access_token: secrets.access_token,
            refresh_token: None,
        },
    };
    // matrix-sdk skips a response whose next_batch equals the token it
    // stored, returning an empty one. Its store commits before ours, so after
    // a crash or a stop between the two, the replay from our token would be
    // swallowed and its events lost. Forgotten before the restore loads it,
    // matrix-sdk takes the replay like any response.
    client
        .state_store()
        .remove_kv_data(StateStoreDataKey::SyncToken)
        .await
        .map_err(|e| CoreError::Internal(format!("cannot reset matrix-sdk's sync token: {e}")))?;
    client
        .restore_session(session)
        .await
        .map_err(|e| CoreError::Internal(format!("cannot restore the session: {e}")))?;
    tracing::info!(user_id = %account.user_id, "session restored from the keyring");
    let session = start(inner, client, account).await;
    *inner.session.write().await = Some(session);
    // Whatever was still unsent when we last stopped goes out now.
    crate::send::resume(inner).await?;
    Ok(true)
}

async fn start(inner: &Arc<Inner>, client: Client, account: Account) -> Arc<Session> {
    // Before the first sync, whose undecryptable history is described with it.
    let created = client.encryption().device_creation_timestamp().await;
    crypto::utd::set_device_created(created.get().into());
    inner.bus.set_sync_status(SyncStatus::WAITING).await;
    let sync_task = inner.tasks.spawn(sync::run(
        Arc::downgrade(inner),
        inner.tasks.stop.clone(),
        client.clone(),
        account.user_id.clone(),
    ));
    let profile = std::sync::Mutex::new((account.displayname.clone(), account.avatar_url.clone()));
    let session = Arc::new(Session {
        client,
        account,
        crypto: Arc::default(),
        profile,
        sync_task,
        tasks: std::sync::Mutex::default(),
    });
    crypto::start(inner, &session);
    inner.tasks.spawn(refresh_profile(
        Arc::downgrade(inner),
        inner.tasks.stop.clone(),
        Arc::downgrade(&session),
    ));
    session
}

/// Fetches our display name and avatar; a change is stored and announced.
async fn refresh_profile(
    inner: std::sync::Weak<Inner>,
    stop: CancellationToken,
    session: std::sync::Weak<Session>,
) {
    let Some(client) = session.upgrade().map(|s| s.client.clone()) else {
        return;
    };
    let account = client.account();
    let fetch = async {
        (
            account.get_display_name().await,
            account.get_avatar_url().await,
        )
    };
    let Some(fetched) = stop.run_until_cancelled(fetch).await else {
        return;
    };
    let (name, avatar) = match fetched {
        (Ok(n), Ok(a)) => (
            n.unwrap_or_default(),
            a.map(|a| a.to_string()).unwrap_or_default(),
        ),
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!("cannot fetch our profile: {e}");
            return;
        }
    };
    let (Some(inner), Some(session)) = (inner.upgrade(), session.upgrade()) else {
        return;
    };
    {
        let Ok(mut profile) = session.profile.lock() else {
            return;
        };
        if *profile == (name.clone(), avatar.clone()) {
            return;
        }
        *profile = (name.clone(), avatar.clone());
    }
    if let Err(e) = inner.store.set_profile(&name, &avatar).await {
        tracing::warn!("cannot store our profile: {e}");
    }
    inner
        .bus
        .emit(BackendEvent::ClientState(client_state(Some(&session))))
        .await;
}

/// Server-side logout first, then the keyring entry, our database and
/// matrix-sdk's stores for this profile.
pub async fn logout(inner: &Arc<Inner>) -> Result<(), CoreError> {
    let mut slot = inner.session.write().await;
    let Some(session) = slot.take() else {
        return Err(CoreError::NotLoggedIn);
    };
    if let Some(task) = &session.sync_task {
        task.abort();
    }
    if let Err(e) = session.client.matrix_auth().logout().await {
        // The local wipe still happens: the user asked to be logged out here.
        tracing::warn!("server-side logout failed: {e}");
    }
    inner.send_queue.clear();
    secrets::delete(&session.account.keyring_id).await?;
    drop(session);
    inner.store.wipe().await?;
    remove_sdk_stores(inner).await?;
    drop(slot);
    tracing::info!("logged out");
    inner.bus.set_sync_status(SyncStatus::WAITING).await;
    inner
        .bus
        .emit(BackendEvent::ClientState(client_state(None)))
        .await;
    Ok(())
}

pub fn client_state(session: Option<&Arc<Session>>) -> ClientState {
    match session {
        None => ClientState {
            is_initialized: true,
            ..Default::default()
        },
        Some(s) => {
            let (displayname, avatar_url) = s.profile.lock().map(|p| p.clone()).unwrap_or_default();
            let verification_state = s.crypto.state.lock().map(|v| v.clone()).unwrap_or_default();
            ClientState {
                is_initialized: true,
                is_logged_in: true,
                is_verified: verification_state.is_verified,
                verification_state,
                user_id: Some(s.account.user_id.clone()),
                device_id: Some(s.account.device_id.clone()),
                homeserver_url: Some(s.account.homeserver_url.clone()),
                displayname: Some(displayname).filter(|d| !d.is_empty()),
                avatar_url: Some(avatar_url).filter(|a| !a.is_empty()),
            }
        }
    }
}
