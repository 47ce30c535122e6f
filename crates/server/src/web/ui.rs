//! The built UI (`ui/dist`) at `/`, under a strict CSP: scripts, styles and
//! connections from this origin only, nothing inline.

use std::path::{Path, PathBuf};

use axum::{
    Router,
    http::{HeaderName, HeaderValue, StatusCode, header},
    response::IntoResponse,
};
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

const CSP: &str = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; \
                   style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; \
                   base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// `--ui-dir` (or `$TRELLIS_UI_DIR`), else `ui/dist` of the source tree
/// this binary was built from.
pub fn resolve(flag: Option<PathBuf>) -> PathBuf {
    flag.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist"))
}

pub fn router(dir: &Path) -> Router {
    let index = dir.join("index.html");
    let files: Router = if index.is_file() {
        tracing::info!("serving the UI from {}", dir.display());
        // Unknown paths get the app itself, which shows its own views.
        let serve = ServeDir::new(dir).fallback(ServeFile::new(index));
        Router::new().fallback_service(serve)
    } else {
        tracing::warn!(
            "no built UI at {}: run `npm --prefix ui run build` or pass --ui-dir",
            dir.display()
        );
        Router::new().fallback(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The Trellis UI is not built: run `npm --prefix ui run build`, or start \
                 trellis-server with --ui-dir.\n",
            )
                .into_response()
        })
    };
    let set = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    files
        .layer(set(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::REFERRER_POLICY, "no-referrer"))
        // Built assets carry a hash in their name; index.html must be fresh.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
}
