//! Command handlers, one module per area. Each takes its typed params and
//! returns the JSON result; errors carry the message the frontend shows.

mod account;
mod context;
mod crypto;
mod directory;
mod room;
mod search;
mod send;
mod services;
mod session;
mod stored;
mod timeline;

use serde::de::DeserializeOwned;
use serde_json::{Value, value::RawValue};
use trellis_rpc::commands::name;

use crate::{Backend, CoreError, crypto::verification::Step};

pub async fn handle(
    backend: &Backend,
    command: &str,
    data: Option<&RawValue>,
) -> Result<Value, CoreError> {
    match command {
        name::GET_STATE => session::get_state(backend).await,
        name::LOGIN => session::login(backend, params(command, data)?).await,
        name::LOGIN_CUSTOM => session::login_custom(backend, params(command, data)?).await,
        name::LOGOUT => session::logout(backend).await,
        name::JOIN_ROOM => room::join_room(backend, params(command, data)?).await,
        name::KNOCK_ROOM => room::knock_room(backend, params(command, data)?).await,
        name::LEAVE_ROOM => room::leave_room(backend, params(command, data)?).await,
        name::SET_MEMBERSHIP => room::set_membership(backend, params(command, data)?).await,
        name::CREATE_ROOM => room::create_room(backend, params(command, data)?).await,
        name::MARK_READ => room::mark_read(backend, params(command, data)?).await,
        name::SET_TYPING => room::set_typing(backend, params(command, data)?).await,
        name::MUTE_ROOM => room::mute_room(backend, params(command, data)?).await,
        name::PAGINATE => timeline::paginate(backend, params(command, data)?).await,
        name::GET_EVENT => timeline::get_event(backend, params(command, data)?).await,
        name::GET_ROOM_STATE => timeline::get_room_state(backend, params(command, data)?).await,
        name::GET_RECEIPTS => timeline::get_receipts(backend, params(command, data)?).await,
        name::GET_EVENT_CONTEXT => {
            context::get_event_context(backend, params(command, data)?).await
        }
        name::PAGINATE_MANUAL => context::paginate_manual(backend, params(command, data)?).await,
        name::SEARCH_LOCAL => search::search_local(backend, params(command, data)?).await,
        name::SEARCH_SERVER => search::search_server(backend, params(command, data)?).await,
        name::GET_MENTIONS => search::get_mentions(backend, params(command, data)?).await,
        name::GET_STICKY_EVENTS => stored::get_sticky_events(backend, params(command, data)?).await,
        name::GET_RELATED_EVENTS => {
            stored::get_related_events(backend, params(command, data)?).await
        }
        name::GET_SPECIFIC_ROOM_STATE => {
            stored::get_specific_room_state(backend, params(command, data)?).await
        }
        name::GET_ROOM_SUMMARY => {
            directory::get_room_summary(backend, params(command, data)?).await
        }
        name::GET_SPACE_HIERARCHY => {
            directory::get_space_hierarchy(backend, params(command, data)?).await
        }
        name::GET_MUTUAL_ROOMS => {
            directory::get_mutual_rooms(backend, params(command, data)?).await
        }
        name::GET_MEDIA_CONFIG => services::get_media_config(backend).await,
        name::GET_TURN_SERVERS => services::get_turn_servers(backend).await,
        name::REQUEST_OPENID_TOKEN => services::request_openid_token(backend).await,
        name::CALCULATE_ROOM_ID => {
            services::calculate_room_id(backend, params(command, data)?).await
        }
        name::SEND_MESSAGE => send::send_message(backend, params(command, data)?).await,
        name::SEND_EVENT => send::send_event(backend, params(command, data)?).await,
        name::RESEND_EVENT => send::resend_event(backend, params(command, data)?).await,
        name::SET_STATE => send::set_state(backend, params(command, data)?).await,
        name::REDACT_EVENT => send::redact_event(backend, params(command, data)?).await,
        name::SET_ACCOUNT_DATA => account::set_account_data(backend, params(command, data)?).await,
        name::GET_PROFILE => account::get_profile(backend, params(command, data)?).await,
        name::SET_PROFILE_FIELD => {
            account::set_profile_field(backend, params(command, data)?).await
        }
        name::VERIFY => crypto::verify(backend, params(command, data)?).await,
        name::GENERATE_RECOVERY_KEY => {
            crypto::generate_recovery_key(backend, params(command, data)?).await
        }
        name::RESET_ENCRYPTION => crypto::reset_encryption(backend, params(command, data)?).await,
        name::CHANGE_RECOVERY_KEY => {
            crypto::change_recovery_key(backend, params(command, data)?).await
        }
        name::GET_RECOVERY_STATE => crypto::get_recovery_state(backend).await,
        name::TRACK_USER_DEVICES => {
            crypto::profile_encryption_info(backend, params(command, data)?, true).await
        }
        name::GET_PROFILE_ENCRYPTION_INFO => {
            crypto::profile_encryption_info(backend, params(command, data)?, false).await
        }
        name::RESET_MASTER_KEY_TOFU => {
            crypto::reset_master_key_tofu(backend, params(command, data)?).await
        }
        name::GET_OWN_DEVICES => crypto::get_own_devices(backend).await,
        name::ENSURE_GROUP_SESSION_SHARED => {
            crypto::ensure_group_session_shared(backend, params(command, data)?).await
        }
        name::EXPORT_KEYS => crypto::export_keys(backend, params(command, data)?).await,
        name::IMPORT_KEYS => crypto::import_keys(backend, params(command, data)?).await,
        name::REQUEST_VERIFICATION => {
            crypto::request_verification(backend, params(command, data)?).await
        }
        name::ACCEPT_VERIFICATION => step(backend, command, data, Step::Accept).await,
        name::START_SAS_VERIFICATION => step(backend, command, data, Step::StartSas).await,
        name::SHOW_VERIFICATION_QR => step(backend, command, data, Step::ShowQr).await,
        name::CONFIRM_VERIFICATION => step(backend, command, data, Step::Confirm).await,
        name::MISMATCH_VERIFICATION => step(backend, command, data, Step::Mismatch).await,
        name::CANCEL_VERIFICATION => step(backend, command, data, Step::Cancel).await,
        name::GET_VERIFICATIONS => crypto::get_verifications(backend).await,
        "get_account_info" => Err(CoreError::BadRequest(
            "get_account_info is not served: the access token never leaves the backend".into(),
        )),
        other => Err(CoreError::BadRequest(format!("unknown command {other:?}"))),
    }
}

async fn step(
    backend: &Backend,
    command: &str,
    data: Option<&RawValue>,
    step: Step,
) -> Result<Value, CoreError> {
    crypto::verification_step(backend, params(command, data)?, step).await
}

/// Parses a command's data, saying which command and field was wrong.
pub fn params<T: DeserializeOwned>(command: &str, data: Option<&RawValue>) -> Result<T, CoreError> {
    let text = data.map_or("null", RawValue::get);
    serde_json::from_str(text)
        .map_err(|e| CoreError::BadRequest(format!("invalid data for {command}: {e}")))
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, CoreError> {
    serde_json::to_value(v).map_err(|e| CoreError::Internal(e.to_string()))
}

fn room_id(s: &str) -> Result<matrix_sdk::ruma::OwnedRoomId, CoreError> {
    s.parse()
        .map_err(|e| CoreError::BadRequest(format!("{s:?} is not a room ID: {e}")))
}

fn user_id(s: &str) -> Result<matrix_sdk::ruma::OwnedUserId, CoreError> {
    s.parse()
        .map_err(|e| CoreError::BadRequest(format!("{s:?} is not a user ID: {e}")))
}

fn event_id(s: &str) -> Result<matrix_sdk::ruma::OwnedEventId, CoreError> {
    s.parse()
        .map_err(|e| CoreError::BadRequest(format!("{s:?} is not an event ID: {e}")))
}
