//! Errors a command can end in; their Display is what the frontend reads.

use crate::{profile::ProfileError, secrets::SecretError, store::StoreError};

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("not logged in: log in first")]
    NotLoggedIn,
    #[error("already logged in as {0}: log out first")]
    AlreadyLoggedIn(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Login(String),
    #[error("{0}")]
    Homeserver(String),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<matrix_sdk::Error> for CoreError {
    fn from(e: matrix_sdk::Error) -> Self {
        CoreError::Homeserver(e.to_string())
    }
}

impl From<matrix_sdk::HttpError> for CoreError {
    fn from(e: matrix_sdk::HttpError) -> Self {
        CoreError::Homeserver(e.to_string())
    }
}

impl From<sqlx::Error> for CoreError {
    fn from(e: sqlx::Error) -> Self {
        CoreError::Store(StoreError::Sqlx(e))
    }
}
