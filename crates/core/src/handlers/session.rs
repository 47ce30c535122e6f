//! get_state, login, login_custom, logout.

use serde_json::Value;
use trellis_rpc::commands::{LoginCustomParams, LoginParams};

use super::to_value;
use crate::{Backend, CoreError, session};

pub async fn get_state(backend: &Backend) -> Result<Value, CoreError> {
    let session = backend.inner.session.read().await.clone();
    to_value(&session::client_state(session.as_ref()))
}

pub async fn login(backend: &Backend, p: LoginParams) -> Result<Value, CoreError> {
    session::login(&backend.inner, session::LoginRequest::Password(p)).await?;
    Ok(Value::Bool(true))
}

pub async fn login_custom(backend: &Backend, p: LoginCustomParams) -> Result<Value, CoreError> {
    session::login(&backend.inner, session::LoginRequest::Custom(p)).await?;
    Ok(Value::Bool(true))
}

pub async fn logout(backend: &Backend) -> Result<Value, CoreError> {
    session::logout(&backend.inner).await?;
    Ok(Value::Bool(true))
}
