//! `GET /_gomuks/media/{server}/{media_id}` and `POST /_gomuks/upload`,
//! over the engine's media module. Every media response carries
//! `Content-Security-Policy: sandbox`, so a file that is a page cannot run
//! as one on our origin; types a browser would execute are downloads.

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use trellis_core::media::{MediaError, MediaQuery, UploadOptions};

use super::{AppState, api_error};

/// The largest upload taken (the homeserver may allow less).
pub const MAX_UPLOAD: usize = 100 << 20;

#[derive(Deserialize)]
pub struct MediaParams {
    encrypted: Option<String>,
    thumbnail: Option<String>,
    /// `color:letter` for an avatar that cannot be fetched, as gomuks's
    /// frontend sends it: we answer with a drawn placeholder instead.
    fallback: Option<String>,
}

pub async fn download(
    State(state): State<AppState>,
    Path((server, media_id)): Path<(String, String)>,
    Query(params): Query<MediaParams>,
) -> Response {
    let result = match MediaQuery::new(
        &server,
        &media_id,
        params.encrypted.as_deref(),
        params.thumbnail.as_deref(),
    ) {
        Ok(query) => state.backend.media(&query).await,
        Err(e) => Err(e),
    };
    let file = match result {
        Ok(file) => file,
        Err(e) => {
            if let Some(svg) = params.fallback.as_deref().and_then(placeholder) {
                return sandboxed(StatusCode::OK, "image/svg+xml", true, svg.into_bytes());
            }
            return media_error(&e);
        }
    };
    sandboxed(StatusCode::OK, &file.content_type, file.inline, file.bytes)
}

fn sandboxed(status: StatusCode, content_type: &str, inline: bool, bytes: Vec<u8>) -> Response {
    let content_type = if inline {
        content_type
    } else {
        "application/octet-stream"
    };
    let mut resp = (status, bytes).into_response();
    let headers = resp.headers_mut();
    let mut set = |name, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    };
    set(header::CONTENT_TYPE, content_type);
    set(header::CONTENT_SECURITY_POLICY, "sandbox");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        header::CONTENT_DISPOSITION,
        if inline { "inline" } else { "attachment" },
    );
    // An mxc URI names fixed content.
    set(
        header::CACHE_CONTROL,
        "private, max-age=31536000, immutable",
    );
    resp
}

/// A square with a letter, for `fallback=#rrggbb:L`.
fn placeholder(fallback: &str) -> Option<String> {
    let (color, letter) = fallback.split_once(':')?;
    let hex = color.strip_prefix('#')?;
    let color_ok = matches!(hex.len(), 3 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit());
    let letter: String = letter.chars().take(2).collect();
    if !color_ok {
        return None;
    }
    let letter = letter
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 100\">\
         <rect width=\"100\" height=\"100\" fill=\"#{hex}\"/>\
         <text x=\"50\" y=\"68\" text-anchor=\"middle\" font-size=\"56\" fill=\"#fff\" \
         font-family=\"sans-serif\">{letter}</text></svg>"
    ))
}

pub fn media_error(e: &MediaError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let errcode = match e {
        MediaError::BadRequest(_) => "M_INVALID_PARAM",
        MediaError::NotFound(_) => "M_NOT_FOUND",
        MediaError::NotLoggedIn => "FI.MAU.GOMUKS.NOT_LOGGED_IN",
        MediaError::Homeserver(_) | MediaError::Internal(_) => "M_UNKNOWN",
    };
    api_error(status, errcode, &e.to_string())
}

#[derive(Deserialize)]
pub struct UploadParams {
    filename: Option<String>,
    encrypt: Option<String>,
}

/// The body is the file itself; the answer is the message content.
pub async fn upload(
    State(state): State<AppState>,
    Query(params): Query<UploadParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let encrypt = match params.encrypt.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                "M_INVALID_PARAM",
                &format!("encrypt must be true or false, not {other:?}"),
            );
        }
    };
    let options = UploadOptions {
        filename: params.filename,
        encrypt,
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    match state.backend.upload_media(body.to_vec(), options).await {
        Ok(content) => axum::Json(content).into_response(),
        Err(e) => media_error(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::placeholder;

    #[test]
    fn placeholders_take_only_a_color_and_escape_the_letter() {
        let svg = placeholder("#a4041d:<").unwrap();
        assert!(svg.contains("fill=\"#a4041d\"") && svg.contains("&lt;"));
        assert!(placeholder("red:A").is_none());
        assert!(placeholder("#12\"/><script>:A").is_none());
    }
}
