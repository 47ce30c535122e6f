//! The homeserver's services for the account: media limits, TURN
//! credentials, OpenID tokens; and `calculate_room_id`, which is local.

use serde_json::Value;
use trellis_rpc::{
    commands::CalculateRoomIdParams,
    homeserver::{MediaConfig, OpenIdToken, TurnServer},
};

use super::to_value;
use crate::{Backend, CoreError, homeserver::Call};

/// `GET /v1/media/config` (authenticated media).
pub async fn get_media_config(backend: &Backend) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let config: MediaConfig = Call {
        path: &["v1", "media", "config"],
        query: &[],
        post: None,
    }
    .send(&client)
    .await?;
    to_value(&config)
}

/// `GET /v3/voip/turnServer`.
pub async fn get_turn_servers(backend: &Backend) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let turn: TurnServer = Call {
        path: &["v3", "voip", "turnServer"],
        query: &[],
        post: None,
    }
    .send(&client)
    .await?;
    to_value(&turn)
}

/// `POST /v3/user/{me}/openid/request_token`.
pub async fn request_openid_token(backend: &Backend) -> Result<Value, CoreError> {
    let (client, user_id) = backend.client_and_user().await?;
    let token: OpenIdToken = Call {
        path: &["v3", "user", &user_id, "openid", "request_token"],
        query: &[],
        post: Some(serde_json::json!({})),
    }
    .send(&client)
    .await?;
    to_value(&token)
}

/// The room ID a v12+ room created by us with this create content and
/// timestamp gets.
pub async fn calculate_room_id(
    backend: &Backend,
    p: CalculateRoomIdParams,
) -> Result<Value, CoreError> {
    let (_, user_id) = backend.client_and_user().await?;
    let content: Value = serde_json::from_str(p.content.get())
        .map_err(|e| CoreError::BadRequest(format!("invalid create content: {e}")))?;
    if !content.is_object() {
        return Err(CoreError::BadRequest(
            "the create content must be an object".into(),
        ));
    }
    to_value(&crate::room_id::calculate(&user_id, p.timestamp, &content)?)
}
