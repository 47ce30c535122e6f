//! The web mode: the gomuks HTTP API under `/_gomuks/` (login, websocket,
//! media, upload, key export and import) and the built UI at `/`, served to
//! a browser from a backend running headless.

mod auth;
mod deflate;
mod keys;
mod media;
mod origin;
mod socket;
mod ui;

use std::{net::SocketAddr, sync::Arc};

use anyhow::Context;
use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::StatusCode,
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use trellis_core::Backend;

use crate::options::WebOptions;

#[derive(Clone)]
pub struct AppState {
    backend: Backend,
    auth: Arc<auth::Auth>,
    timing: socket::Timing,
}

/// Serves until the process is told to stop (Ctrl-C or SIGTERM).
pub async fn serve(
    backend: &Backend,
    listen: SocketAddr,
    options: WebOptions,
) -> anyhow::Result<()> {
    let auth = auth::Auth::load_or_create(
        backend.profile_dir(),
        options.web_username.as_deref(),
        options.web_password,
    )?;
    let state = AppState {
        backend: backend.clone(),
        auth: Arc::new(auth),
        timing: socket::Timing {
            idle: options.web_idle_timeout_ms,
            image_token_every: options.web_image_token_interval_ms,
        },
    };
    let api = Router::new()
        .route("/auth", post(auth::login))
        .route("/websocket", get(socket::upgrade))
        .route("/media/{server}/{media_id}", get(media::download))
        .route(
            "/upload",
            post(media::upload).layer(DefaultBodyLimit::max(media::MAX_UPLOAD)),
        )
        .route("/keys/export", post(keys::export_all))
        .route("/keys/export/{room_id}", post(keys::export_room))
        .route(
            "/keys/import",
            post(keys::import).layer(DefaultBodyLimit::max(keys::MAX_IMPORT)),
        )
        .fallback(|| async { api_error(StatusCode::NOT_FOUND, "M_NOT_FOUND", "no such API path") })
        .layer(middleware::from_fn_with_state(state.clone(), auth::require))
        // Outside the cookie check: a cross-origin page learns nothing of it.
        .layer(middleware::from_fn(origin::require_same_origin))
        .with_state(state.clone());
    let (frontend, etag) = ui::router(&ui::resolve(options.ui_dir));
    backend.set_frontend_etag(etag);
    let app = Router::new().nest("/_gomuks", api).merge(frontend);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(trellis_core::host::stop_signal())
    .await?;
    Ok(())
}

/// An API error as gomuks and Matrix write them: `{errcode, error}`.
pub(crate) fn api_error(status: StatusCode, errcode: &str, message: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "errcode": errcode, "error": message })),
    )
        .into_response()
}
