//! Why an event could not be decrypted, in words a person understands
//! (`decryption_error`), instead of matrix-sdk's debug names.

use std::sync::atomic::{AtomicI64, Ordering};

use matrix_sdk::deserialized_responses::{UnableToDecryptReason, VerificationLevel, WithheldCode};

/// When this device logged in (ms), or 0 when unknown: a message older than
/// the device was never meant for it, which is worth saying. One process
/// holds one session at a time, and events are described on sync's worker
/// threads, far from the session; so it is kept here, set as a session starts.
static DEVICE_CREATED_MS: AtomicI64 = AtomicI64::new(0);

pub(crate) fn set_device_created(ms: i64) {
    DEVICE_CREATED_MS.store(ms, Ordering::Relaxed);
}

/// The sentence for an event sent at `timestamp` (ms) that failed for `reason`.
pub fn describe(reason: &UnableToDecryptReason, timestamp: i64) -> String {
    let device_created = DEVICE_CREATED_MS.load(Ordering::Relaxed);
    let before_this_device = device_created > 0 && timestamp > 0 && timestamp < device_created;
    match reason {
        UnableToDecryptReason::MissingMegolmSession {
            withheld_code: Some(code),
        } => withheld(code).to_owned(),
        UnableToDecryptReason::MissingMegolmSession {
            withheld_code: None,
        }
        | UnableToDecryptReason::UnknownMegolmMessageIndex
            if before_this_device =>
        {
            "This message was sent before this device logged in. Verify this device to read it \
             from your key backup or your other devices."
                .to_owned()
        }
        UnableToDecryptReason::MissingMegolmSession {
            withheld_code: None,
        } => "The key for this message has not arrived yet.".to_owned(),
        UnableToDecryptReason::UnknownMegolmMessageIndex => {
            "This device only has the key from later in the conversation: the message was sent \
             before you joined or before this device could receive it."
                .to_owned()
        }
        UnableToDecryptReason::SenderIdentityNotTrusted(level) => match level {
            VerificationLevel::VerificationViolation => {
                "Hidden: the sender's identity changed since you verified it.".to_owned()
            }
            VerificationLevel::UnsignedDevice => {
                "Hidden: sent from a device its owner has not verified.".to_owned()
            }
            _ => "Hidden: the sender's device could not be trusted.".to_owned(),
        },
        UnableToDecryptReason::MismatchedIdentityKeys => {
            "The message's keys do not match its sender's device: it may not be authentic."
                .to_owned()
        }
        UnableToDecryptReason::MalformedEncryptedEvent
        | UnableToDecryptReason::PayloadDeserializationFailure => {
            "The message is damaged and cannot be read.".to_owned()
        }
        _ => "The message could not be decrypted.".to_owned(),
    }
}

fn withheld(code: &WithheldCode) -> &'static str {
    match code {
        WithheldCode::Unverified => {
            "The sender's device does not share keys with unverified devices. Verify this device \
             to read it."
        }
        WithheldCode::Blacklisted => "The sender has blocked this device.",
        WithheldCode::Unauthorised => "The sender did not share the key with this device.",
        WithheldCode::Unavailable => "The key was asked for, but no device had it.",
        WithheldCode::NoOlm => {
            "The sender's device could not set up a secure channel to this device."
        }
        WithheldCode::HistoryNotShared => "The sender did not share this part of the history.",
        _ => "The sender did not share the key with this device.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_sentences_not_debug_names() {
        let missing = UnableToDecryptReason::MissingMegolmSession {
            withheld_code: None,
        };
        let text = describe(&missing, 5);
        assert!(!text.contains("MissingMegolmSession"), "{text}");
        assert!(text.ends_with('.'));
        let withheld = UnableToDecryptReason::MissingMegolmSession {
            withheld_code: Some(WithheldCode::Unverified),
        };
        assert!(describe(&withheld, 5).contains("unverified devices"));
    }

    #[test]
    fn messages_older_than_the_device_say_so() {
        set_device_created(1_000);
        let missing = UnableToDecryptReason::MissingMegolmSession {
            withheld_code: None,
        };
        assert!(describe(&missing, 999).contains("before this device logged in"));
        assert!(describe(&missing, 1_001).contains("not arrived yet"));
        set_device_created(0);
    }
}
