//! The built UI at `/`, as gomuks serves its frontend: `index.html` for every
//! path that is not a file (the app shows its own views), its `<!-- etag
//! placeholder -->` filled with the build's ETag (which the websocket's
//! `run_id` also carries, so a frontend can tell it is out of date), 304 for
//! a copy already held, and hashed assets cached for good. Everything under a
//! CSP that refuses remote and inline script.

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
    sync::Arc,
};

use axum::{
    Router,
    extract::Request,
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use sha2::{Digest, Sha256};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// Trellis's own UI sets no inline style, so none is allowed.
const STRICT_CSP: &str = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; \
                          style-src 'self'; script-src 'self'; connect-src 'self'; \
                          object-src 'none'; base-uri 'none'; form-action 'none'; \
                          frame-ancestors 'none'";
/// A frontend built for gomuks styles with `style` attributes and
/// `<style>` elements of its own; inline style cannot run script.
const GOMUKS_CSP: &str = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; \
                          style-src 'self' 'unsafe-inline'; script-src 'self'; \
                          connect-src 'self'; object-src 'none'; base-uri 'none'; \
                          form-action 'none'; frame-ancestors 'none'";
/// How ui/index.html names our own UI. A frontend that claims it only gets
/// the stricter policy.
const TRELLIS_MARK: &str = r#"<meta name="application-name" content="Trellis""#;
const ETAG_PLACEHOLDER: &str = "<!-- etag placeholder -->";

/// `--ui-dir` (or `$TRELLIS_UI_DIR`), else `ui/dist` of the source tree
/// this binary was built from.
pub fn resolve(flag: Option<PathBuf>) -> PathBuf {
    flag.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist"))
}

/// The frontend's `index.html`, read once at start, and its ETag.
struct Index {
    html: String,
    etag: String,
}

impl Index {
    fn read(dir: &Path) -> Option<Self> {
        let html = std::fs::read_to_string(dir.join("index.html")).ok()?;
        // The index names the hashed assets, so its hash changes with every build.
        let digest = Sha256::digest(html.as_bytes());
        let mut hex = String::new();
        for byte in &digest[..12] {
            let _ = write!(hex, "{byte:02x}");
        }
        // The ETag is quoted, as HTTP writes it; in the attribute the quotes are escaped.
        let meta = format!(r#"<meta name="gomuks-frontend-etag" content="&quot;{hex}&quot;">"#);
        let html = html.replacen(ETAG_PLACEHOLDER, &meta, 1);
        Some(Self {
            html,
            etag: format!("\"{hex}\""),
        })
    }
}

/// The router for the UI, and the ETag of the build it serves (empty when
/// there is none).
pub fn router(dir: &Path) -> (Router, String) {
    let Some(index) = Index::read(dir) else {
        tracing::warn!(
            "no built UI at {}: run `npm --prefix ui run build` or pass --ui-dir",
            dir.display()
        );
        let missing = Router::new().fallback(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The Trellis UI is not built: run `npm --prefix ui run build`, or start \
                 trellis-server with --ui-dir.\n",
            )
                .into_response()
        });
        return (missing, String::new());
    };
    tracing::info!("serving the UI from {}", dir.display());
    let csp = if index.html.contains(TRELLIS_MARK) {
        STRICT_CSP
    } else {
        GOMUKS_CSP
    };
    let etag = index.etag.clone();
    let index = Arc::new(index);
    let page = {
        let index = index.clone();
        move |headers: HeaderMap| {
            let index = index.clone();
            async move { index_page(&index, &headers) }
        }
    };
    let files = ServeDir::new(dir)
        .append_index_html_on_directories(false)
        .fallback(get(page.clone()));
    let set = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    let router = Router::new()
        .route("/", get(page.clone()))
        .route("/index.html", get(page))
        .fallback_service(files)
        .layer(middleware::from_fn(cache_assets))
        .layer(set(header::CONTENT_SECURITY_POLICY, csp))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::REFERRER_POLICY, "no-referrer"));
    (router, etag)
}

fn index_page(index: &Index, headers: &HeaderMap) -> Response {
    let held = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == index.etag));
    let mut resp = if held {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            index.html.clone(),
        )
            .into_response()
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&index.etag) {
        h.insert(header::ETAG, v);
    }
    // Always asked again, so a new build is seen on the next load.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}

/// Built assets carry a hash in their name: a week, never revalidated.
/// Anything else (index.html aside) is revalidated on each load.
async fn cache_assets(request: Request, next: Next) -> Response {
    let hashed = request.uri().path().starts_with("/assets/");
    let mut resp = next.run(request).await;
    if !resp.headers().contains_key(header::CACHE_CONTROL) {
        let value = if hashed && resp.status().is_success() {
            "max-age=604800, immutable"
        } else {
            "no-cache"
        };
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    resp
}
