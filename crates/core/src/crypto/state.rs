//! `client_state.verification_state`: computed from matrix-sdk's view of
//! our identity, announced whenever it changes.

use std::{
    sync::{Arc, Weak},
    time::Duration,
};

use futures_util::{Stream, StreamExt, stream};
use matrix_sdk::Client;
use tokio_util::sync::CancellationToken;
use trellis_rpc::events::{BackendEvent, VerificationState};

use crate::{Inner, session::Session};

const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Checks the state once the session starts (asking the homeserver for our
/// keys first, so `state_checked` means something), then again whenever our
/// identity or devices change or a command asks for it.
pub(crate) async fn watch(inner: Weak<Inner>, stop: CancellationToken, session: Weak<Session>) {
    let Some(client) = session.upgrade().map(|s| s.client.clone()) else {
        return;
    };
    // Opened before the first check, so no change falls between the two.
    let mut changes = Box::pin(own_changes(&client).await);
    let mut fetch = true;
    let mut failures = 0u32;
    loop {
        let Some(checked) = stop.run_until_cancelled(check(&client, fetch)).await else {
            return;
        };
        match checked {
            Ok(state) => {
                failures = 0;
                fetch = false;
                let (Some(inner), Some(session)) = (inner.upgrade(), session.upgrade()) else {
                    return;
                };
                publish(&inner, &session, state).await;
            }
            Err(e) => {
                failures += 1;
                tracing::warn!(
                    failures,
                    "cannot check this device's verification state: {e}"
                );
                let wait = Duration::from_secs(1 << failures.min(6)).min(MAX_BACKOFF);
                if stop
                    .run_until_cancelled(tokio::time::sleep(wait))
                    .await
                    .is_none()
                {
                    return;
                }
                continue;
            }
        }
        let Some(crypto) = session.upgrade().map(|s| s.crypto.clone()) else {
            return;
        };
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = crypto.recheck.notified() => fetch = true,
            change = changes.next() => if change.is_none() {
                // matrix-sdk's streams end with its client: the session is over.
                return;
            },
        }
    }
}

/// Announces `state` if it differs from what frontends were last told.
pub(crate) async fn publish(inner: &Inner, session: &Arc<Session>, state: VerificationState) {
    let changed = match session.crypto.state.lock() {
        Ok(mut current) if *current != state => {
            *current = state;
            true
        }
        _ => false,
    };
    if changed {
        let client_state = crate::session::client_state(Some(session));
        inner
            .bus
            .emit(BackendEvent::ClientState(client_state))
            .await;
    }
}

/// Changes of our own identity or devices, as matrix-sdk stores them.
async fn own_changes(client: &Client) -> impl Stream<Item = ()> + use<> {
    let own = client.user_id().map(ToOwned::to_owned);
    let enc = client.encryption();
    let identities = match enc.user_identities_stream().await {
        Ok(s) => {
            let own = own.clone();
            s.filter_map(move |u| {
                let mine = own
                    .as_ref()
                    .is_some_and(|o| u.new.contains_key(o) || u.changed.contains_key(o));
                async move { mine.then_some(()) }
            })
            .boxed()
        }
        Err(_) => stream::pending().boxed(),
    };
    let devices = match enc.devices_stream().await {
        Ok(s) => s
            .filter_map(move |u| {
                let mine = own
                    .as_ref()
                    .is_some_and(|o| u.new.contains_key(o) || u.changed.contains_key(o));
                async move { mine.then_some(()) }
            })
            .boxed(),
        Err(_) => stream::pending().boxed(),
    };
    stream::select(identities, devices)
}

/// The state as it is now. `fetch` asks the homeserver for our keys first
/// (at start and after our commands); otherwise matrix-sdk's store answers.
pub(crate) async fn check(
    client: &Client,
    fetch: bool,
) -> Result<VerificationState, matrix_sdk::Error> {
    let enc = client.encryption();
    let Some(user_id) = client.user_id() else {
        return Ok(VerificationState::default());
    };
    let identity = if fetch {
        enc.request_user_identity(user_id).await?
    } else {
        enc.get_user_identity(user_id).await?
    };
    let own_device = enc.get_own_device().await?;
    let is_verified = own_device.is_some_and(|d| d.is_cross_signed_by_owner());
    Ok(VerificationState {
        is_verified,
        state_checked: true,
        has_cross_signing: identity.is_some(),
        has_ssss: enc.secret_storage().is_enabled().await?,
    })
}

/// Secret storage set up or changed by another device arrives as account
/// data, not as an identity change: look again then too.
pub(crate) fn listen(client: &Client, session: Weak<Session>) {
    use matrix_sdk::ruma::events::secret_storage::default_key::SecretStorageDefaultKeyEvent;
    client.add_event_handler(move |_: SecretStorageDefaultKeyEvent| {
        let session = session.clone();
        async move {
            if let Some(session) = session.upgrade() {
                session.crypto.recheck.notify_one();
            }
        }
    });
}
