//! `POST /_gomuks/keys/export[/{room_id}]` (form field `passphrase`) and
//! `POST /_gomuks/keys/import` (multipart: `export` file, `passphrase`).

use axum::{
    Form,
    extract::{Multipart, Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use trellis_core::CoreError;

use super::{AppState, api_error};

/// Key exports are text; even a large account's stays well under this.
pub const MAX_IMPORT: usize = 50 << 20;

#[derive(Deserialize)]
pub struct ExportForm {
    passphrase: String,
}

pub async fn export_all(State(state): State<AppState>, Form(form): Form<ExportForm>) -> Response {
    export(&state, &form.passphrase, None).await
}

pub async fn export_room(
    State(state): State<AppState>,
    Path(room_id): Path<String>,
    Form(form): Form<ExportForm>,
) -> Response {
    export(&state, &form.passphrase, Some(&room_id)).await
}

async fn export(state: &AppState, passphrase: &str, room_id: Option<&str>) -> Response {
    match state.backend.export_room_keys(passphrase, room_id).await {
        Ok(export) => {
            let name = match room_id {
                // Room IDs hold `!` and `:`, both fine in a quoted file name.
                Some(room) => format!("trellis-keys-{}.txt", room.replace(['"', '/', '\\'], "_")),
                None => "trellis-keys.txt".into(),
            };
            let mut resp = (StatusCode::OK, export.file).into_response();
            let headers = resp.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                headers.insert(header::CONTENT_DISPOSITION, v);
            }
            resp
        }
        Err(e) => core_error(&e),
    }
}

pub async fn import(State(state): State<AppState>, mut form: Multipart) -> Response {
    let mut export = None;
    let mut passphrase = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return bad_form(&e.to_string()),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(e) => return bad_form(&e.to_string()),
        };
        match name.as_str() {
            "export" => export = Some(bytes),
            "passphrase" => passphrase = Some(String::from_utf8_lossy(&bytes).into_owned()),
            _ => {}
        }
    }
    let (Some(export), Some(passphrase)) = (export, passphrase) else {
        return bad_form("send the `export` file and the `passphrase` as multipart form fields");
    };
    match state.backend.import_room_keys(&export, &passphrase).await {
        Ok(result) => axum::Json(serde_json::json!({
            "imported": result.imported,
            "total": result.total,
        }))
        .into_response(),
        Err(e) => core_error(&e),
    }
}

fn bad_form(message: &str) -> Response {
    api_error(
        StatusCode::BAD_REQUEST,
        "FI.MAU.GOMUKS.BAD_FORM_DATA",
        message,
    )
}

fn core_error(e: &CoreError) -> Response {
    let (status, errcode) = match e {
        CoreError::BadRequest(_) => (StatusCode::BAD_REQUEST, "M_INVALID_PARAM"),
        CoreError::NotLoggedIn => (StatusCode::CONFLICT, "FI.MAU.GOMUKS.NOT_LOGGED_IN"),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "M_UNKNOWN"),
    };
    api_error(status, errcode, &e.to_string())
}
