//! End-to-end encryption around what matrix-sdk does by itself: the
//! verification state a frontend shows (`state`), recovery and secret
//! storage (`recovery`), devices and their trust (`devices`), interactive
//! verification (`verification`), and events that decrypt once their keys
//! arrive (`redecrypt`, with `utd` saying why the others cannot).

pub(crate) mod devices;
pub(crate) mod recovery;
pub(crate) mod redecrypt;
pub(crate) mod state;
pub mod utd;
pub(crate) mod verification;

use std::sync::{Arc, Mutex};

use matrix_sdk::encryption::{BackupDownloadStrategy, EncryptionSettings};
use tokio::sync::Notify;
use trellis_rpc::events::VerificationState;

use crate::{Inner, session::Session};

/// How matrix-sdk handles encryption for us: room keys come down from the
/// backup as soon as its key is known (after `verify` or a verification
/// that sends it), and nothing is set up on the account without asking.
pub(crate) fn settings() -> EncryptionSettings {
    EncryptionSettings {
        auto_enable_cross_signing: false,
        backup_download_strategy: BackupDownloadStrategy::OneShot,
        auto_enable_backups: false,
    }
}

/// What a session keeps of encryption.
#[derive(Default)]
pub(crate) struct SessionCrypto {
    /// The verification state frontends were last told.
    pub state: Mutex<VerificationState>,
    /// Asks `state::watch` to look again (after a command changed things).
    pub recheck: Notify,
    /// Recovery keys made by `generate_recovery_key` and not used yet.
    pub pending_keys: recovery::PendingKeys,
    /// Verification flows not yet finished, as frontends last saw them.
    pub flows: verification::Flows,
}

/// Starts a session's encryption work: the verification state, incoming
/// verification requests, and decrypting what its keys unlock.
pub(crate) fn start(inner: &Arc<Inner>, session: &Arc<Session>) {
    let weak_inner = Arc::downgrade(inner);
    let weak_session = Arc::downgrade(session);
    verification::listen(&session.client, weak_inner.clone(), weak_session.clone());
    state::listen(&session.client, weak_session.clone());
    let stop = inner.tasks.stop.clone();
    let tasks = [
        inner.tasks.spawn(state::watch(
            weak_inner.clone(),
            stop.clone(),
            weak_session.clone(),
        )),
        inner
            .tasks
            .spawn(redecrypt::watch(weak_inner, stop, weak_session)),
    ];
    session.hold_tasks(tasks.into_iter().flatten());
}
