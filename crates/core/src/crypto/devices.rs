//! A user's devices and identity, and how far this device trusts them
//! (`get_profile_encryption_info` and friends), in gomuks's shapes.

use matrix_sdk::{
    Client,
    encryption::identities::{Device, UserIdentity},
    ruma::UserId,
};
use trellis_rpc::crypto::{
    OwnDevice, OwnDevicesResponse, ProfileDevice, ProfileEncryptionInfo, TrustState,
};

use crate::CoreError;

/// What this device knows of `user_id`'s devices and identity; with
/// `fetch`, after asking the homeserver (`track_user_devices`).
pub(crate) async fn info(
    client: &Client,
    user_id: &UserId,
    fetch: bool,
) -> Result<ProfileEncryptionInfo, CoreError> {
    let enc = client.encryption();
    let identity = if fetch {
        enc.request_user_identity(user_id).await?
    } else {
        enc.get_user_identity(user_id)
            .await
            .map_err(|e| CoreError::Internal(e.to_string()))?
    };
    let tracked = enc
        .tracked_users()
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))?;
    let devices = enc.get_user_devices(user_id).await?;
    let mut errors = Vec::new();
    let master_key = match &identity {
        Some(i) => i
            .master_key()
            .get_first_key()
            .map(|k| k.to_base64())
            .unwrap_or_default(),
        None => {
            errors.push("Cross-signing keys not found".to_owned());
            String::new()
        }
    };
    Ok(ProfileEncryptionInfo {
        devices_tracked: fetch || tracked.contains(user_id),
        devices: devices
            .devices()
            .map(|d| profile_device(&d, identity.as_ref()))
            .collect(),
        // matrix-sdk pins the first identity it sees; a change shows as
        // `identity_changed` rather than as two keys.
        first_master_key: master_key.clone(),
        master_key,
        user_trusted: identity.as_ref().is_some_and(UserIdentity::is_verified),
        errors,
        identity_changed: identity
            .as_ref()
            .is_some_and(UserIdentity::has_verification_violation),
    })
}

/// `reset_master_key_tofu`: takes a changed identity as the one to trust
/// on first use from now on, without verifying it.
pub(crate) async fn accept_identity(
    client: &Client,
    user_id: &UserId,
) -> Result<ProfileEncryptionInfo, CoreError> {
    let identity = client
        .encryption()
        .get_user_identity(user_id)
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))?
        .ok_or_else(|| CoreError::BadRequest(format!("{user_id} has no cross-signing identity")))?;
    let stored = |e: matrix_sdk::encryption::CryptoStoreError| CoreError::Internal(e.to_string());
    if identity.has_verification_violation() {
        identity.withdraw_verification().await.map_err(stored)?;
    }
    identity.pin().await.map_err(stored)?;
    info(client, user_id, false).await
}

/// `get_own_devices`: the homeserver's device list beside their keys.
pub(crate) async fn own(client: &Client) -> Result<OwnDevicesResponse, CoreError> {
    let user_id = client.user_id().ok_or(CoreError::NotLoggedIn)?.to_owned();
    let encryption = info(client, &user_id, false).await?;
    let listed = client.devices().await?;
    let enc = client.encryption();
    let identity = enc
        .get_user_identity(&user_id)
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))?;
    let current = enc
        .get_own_device()
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))?
        .ok_or_else(|| CoreError::Internal("this device is not in the crypto store".into()))?;
    Ok(OwnDevicesResponse {
        encryption,
        devices: listed
            .devices
            .into_iter()
            .map(|d| OwnDevice {
                device_id: d.device_id.to_string(),
                display_name: d.display_name,
                last_seen_ip: d.last_seen_ip,
                last_seen_ts: d.last_seen_ts.map(|t| t.get().into()),
            })
            .collect(),
        current_device: profile_device(&current, identity.as_ref()),
    })
}

fn profile_device(device: &Device, owner: Option<&UserIdentity>) -> ProfileDevice {
    let signing_key = device
        .ed25519_key()
        .map(|k| k.to_base64())
        .unwrap_or_default();
    ProfileDevice {
        device_id: device.device_id().to_string(),
        name: device.display_name().unwrap_or_default().to_owned(),
        identity_key: device
            .curve25519_key()
            .map(|k| k.to_base64())
            .unwrap_or_default(),
        fingerprint: fingerprint(&signing_key),
        signing_key,
        trust_state: trust(device, owner),
    }
}

/// The strongest thing that holds: a device its verified owner signed
/// says more than one verified by hand here (which an emoji verification
/// also does), and that more than one signed by an owner trusted on first use.
fn trust(device: &Device, owner: Option<&UserIdentity>) -> TrustState {
    let signed = device.is_cross_signed_by_owner();
    match owner {
        _ if device.is_blacklisted() => TrustState::Blacklisted,
        Some(o) if signed && o.is_verified() => TrustState::CrossSignedVerified,
        Some(o) if signed && o.has_verification_violation() => TrustState::CrossSignedUntrusted,
        _ if device.is_locally_trusted() => TrustState::Verified,
        _ if signed => TrustState::CrossSignedTofu,
        _ => TrustState::Unverified,
    }
}

/// A signing key as people compare it: groups of four characters.
fn fingerprint(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprints_are_grouped_in_fours() {
        assert_eq!(super::fingerprint("abcdefghij"), "abcd efgh ij");
        assert_eq!(super::fingerprint(""), "");
    }
}
