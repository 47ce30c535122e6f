//! Command handlers, one module per area. Each takes its typed params and
//! returns the JSON result; errors carry the message the frontend shows.

mod room;
mod session;

use serde::de::DeserializeOwned;
use serde_json::{Value, value::RawValue};
use trellis_rpc::commands::name;

use crate::{Backend, CoreError};

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
        "get_account_info" => Err(CoreError::BadRequest(
            "get_account_info is not served: the access token never leaves the backend".into(),
        )),
        other => Err(CoreError::BadRequest(format!("unknown command {other:?}"))),
    }
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
