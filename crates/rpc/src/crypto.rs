//! Encryption: recovery, devices and their trust, interactive verification.
//! The gomuks commands keep gomuks's names and fields; what Trellis adds
//! (interactive verification, recovery state) is in docs/rpc.md.

use serde::{Deserialize, Serialize};

/// `verify`: the recovery key (spaces optional) or the passphrase.
#[derive(Clone, Serialize, Deserialize)]
pub struct VerifyParams {
    pub recovery_key: String,
}

/// `generate_recovery_key`.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct GenerateRecoveryKeyParams {
    #[serde(default)]
    pub passphrase: String,
}

/// How a passphrase becomes the key (`m.pbkdf2`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PassphraseMeta {
    pub algorithm: String,
    pub salt: String,
    pub iterations: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bits: Option<u64>,
}

/// The result of `generate_recovery_key`.
#[derive(Clone, Serialize, Deserialize)]
pub struct RecoveryKeyResponse {
    pub recovery_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passphrase_meta: Option<PassphraseMeta>,
}

/// `reset_encryption`: a key from `generate_recovery_key`, and the account
/// password for the homeserver's user-interactive auth when it asks.
#[derive(Clone, Serialize, Deserialize)]
pub struct ResetEncryptionParams {
    pub recovery_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_password: Option<String>,
}

/// `change_recovery_key`: a key from `generate_recovery_key`.
#[derive(Clone, Serialize, Deserialize)]
pub struct ChangeRecoveryKeyParams {
    pub recovery_key: String,
}

/// `track_user_devices`, `get_profile_encryption_info`, `reset_master_key_tofu`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserIdParams {
    pub user_id: String,
}

/// How far a device is trusted, with gomuks's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrustState {
    #[serde(rename = "blacklisted")]
    Blacklisted,
    #[serde(rename = "unverified")]
    Unverified,
    /// Verified by hand on this device.
    #[serde(rename = "verified")]
    Verified,
    /// Signed by its owner, whose identity changed since we verified it.
    #[serde(rename = "cross-signed-untrusted")]
    CrossSignedUntrusted,
    /// Signed by its owner, whose identity we trust on first use.
    #[serde(rename = "cross-signed-tofu")]
    CrossSignedTofu,
    /// Signed by its owner, whose identity we verified.
    #[serde(rename = "cross-signed-verified")]
    CrossSignedVerified,
}

/// One device of a user, with its keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProfileDevice {
    pub device_id: String,
    pub name: String,
    pub identity_key: String,
    pub signing_key: String,
    pub fingerprint: String,
    pub trust_state: TrustState,
}

/// A user's devices and identity as this device knows them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProfileEncryptionInfo {
    pub devices_tracked: bool,
    pub devices: Vec<ProfileDevice>,
    pub master_key: String,
    pub first_master_key: String,
    pub user_trusted: bool,
    pub errors: Vec<String>,
    /// The identity changed since we first saw or verified it (Trellis).
    pub identity_changed: bool,
}

/// One of our devices as the homeserver lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnDevice {
    pub device_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_ts: Option<i64>,
}

/// The result of `get_own_devices`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnDevicesResponse {
    pub encryption: ProfileEncryptionInfo,
    pub devices: Vec<OwnDevice>,
    pub current_device: ProfileDevice,
}

/// `ensure_group_session_shared`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoomIdParams {
    pub room_id: String,
}

/// `export_keys`: all room keys, or one room's.
#[derive(Clone, Serialize, Deserialize)]
pub struct ExportKeysParams {
    pub passphrase: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_id: Option<String>,
}

/// `import_keys`: the text of a key export file.
#[derive(Clone, Serialize, Deserialize)]
pub struct ImportKeysParams {
    pub data: String,
    pub passphrase: String,
}

/// The result of `import_keys`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportKeysResponse {
    pub imported: u64,
    pub total: u64,
}

/// Whether recovery (secret storage with every secret) is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecoveryStatus {
    #[serde(rename = "unknown")]
    Unknown,
    #[serde(rename = "enabled")]
    Enabled,
    #[serde(rename = "incomplete")]
    Incomplete,
    #[serde(rename = "disabled")]
    Disabled,
}

/// Whether this device backs up its room keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BackupStatus {
    #[serde(rename = "unknown")]
    Unknown,
    #[serde(rename = "enabled")]
    Enabled,
    #[serde(rename = "disabled")]
    Disabled,
}

/// The result of `get_recovery_state`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecoveryStateResponse {
    pub recovery: RecoveryStatus,
    pub backup: BackupStatus,
    /// A key backup exists on the homeserver (this device may not use it).
    pub backup_exists: bool,
}

/// `request_verification`: our own user without a device asks every other
/// device of ours.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestVerificationParams {
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
}

/// The other commands of a verification flow name it by user and flow.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerificationFlowParams {
    pub user_id: String,
    pub flow_id: String,
}

/// Where a verification flow is; see docs/rpc.md for the transitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VerificationPhase {
    #[serde(rename = "requested")]
    Requested,
    #[serde(rename = "ready")]
    Ready,
    #[serde(rename = "starting")]
    Starting,
    #[serde(rename = "sas")]
    Sas,
    #[serde(rename = "confirmed")]
    Confirmed,
    #[serde(rename = "qr_shown")]
    QrShown,
    #[serde(rename = "qr_scanned")]
    QrScanned,
    #[serde(rename = "done")]
    Done,
    #[serde(rename = "cancelled")]
    Cancelled,
}

/// One emoji of a short authentication string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SasEmoji {
    pub symbol: String,
    pub description: String,
}

/// A QR code as its modules: `size` rows of `size` characters, `1` dark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QrCode {
    pub size: u32,
    pub modules: String,
}

/// Why a flow was cancelled, and by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationCancel {
    pub code: String,
    pub reason: String,
    pub by_us: bool,
}

/// A verification flow's whole state: the `verification` event, and the
/// result of every verification command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationInfo {
    pub flow_id: String,
    /// The other party; our own user for our own devices.
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    pub self_verification: bool,
    pub we_started: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_id: Option<String>,
    pub state: VerificationPhase,
    /// What the other side supports, e.g. `m.sas.v1`.
    pub methods: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emoji: Option<Vec<SasEmoji>>,
    /// Three numbers, the short authentication string for those without emoji.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<Vec<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_code: Option<QrCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel: Option<VerificationCancel>,
}

// Hand-written so no key or password reaches a log line through `{:?}`.
// (A private module: the TypeScript generator skips it.)
mod redacted_debug {
    macro_rules! redacted {
        ($($t:ident),*) => {$(
            impl std::fmt::Debug for super::$t {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(concat!(stringify!($t), " { .. }"))
                }
            }
        )*};
    }
    redacted!(
        VerifyParams,
        GenerateRecoveryKeyParams,
        RecoveryKeyResponse,
        ResetEncryptionParams,
        ChangeRecoveryKeyParams,
        ExportKeysParams,
        ImportKeysParams
    );
}
