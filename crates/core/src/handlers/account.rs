//! Account data and profiles.

use matrix_sdk::ruma::{
    OwnedMxcUri,
    api::client::{
        config::{set_global_account_data, set_room_account_data},
        profile::get_profile,
    },
    serde::Raw,
};
use serde_json::Value;
use trellis_rpc::commands::{GetProfileParams, SetAccountDataParams, SetProfileFieldParams};

use super::{room_id, user_id};
use crate::{Backend, CoreError};

pub async fn set_account_data(
    backend: &Backend,
    p: SetAccountDataParams,
) -> Result<Value, CoreError> {
    let (client, me) = backend.client_and_user().await?;
    if p.data_type.is_empty() {
        return Err(CoreError::BadRequest("type is required".into()));
    }
    let me = user_id(&me)?;
    match p.room_id {
        Some(room) => {
            let request = set_room_account_data::v3::Request::new_raw(
                me,
                room_id(&room)?,
                p.data_type.as_str().into(),
                Raw::from_json(p.content),
            );
            client.send(request).await?;
        }
        None => {
            let request = set_global_account_data::v3::Request::new_raw(
                me,
                p.data_type.as_str().into(),
                Raw::from_json(p.content),
            );
            client.send(request).await?;
        }
    }
    Ok(Value::Bool(true))
}

pub async fn get_profile(backend: &Backend, p: GetProfileParams) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let resp = client
        .send(get_profile::v3::Request::new(user_id(&p.user_id)?))
        .await?;
    Ok(Value::Object(
        resp.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    ))
}

pub async fn set_profile_field(
    backend: &Backend,
    p: SetProfileFieldParams,
) -> Result<Value, CoreError> {
    let client = backend.client().await?;
    let text = match &p.value {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => {
            return Err(CoreError::BadRequest(format!(
                "{} must be a string, not {other}",
                p.field
            )));
        }
    };
    match p.field.as_str() {
        "displayname" => client.account().set_display_name(text.as_deref()).await?,
        "avatar_url" => {
            let url: Option<OwnedMxcUri> = text.map(Into::into);
            if url.as_ref().is_some_and(|u| !u.is_valid()) {
                return Err(CoreError::BadRequest(
                    "avatar_url must be an mxc:// URI".into(),
                ));
            }
            client.account().set_avatar_url(url.as_deref()).await?
        }
        other => {
            return Err(CoreError::BadRequest(format!(
                "unsupported profile field {other:?}"
            )));
        }
    }
    Ok(Value::Bool(true))
}
