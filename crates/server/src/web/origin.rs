//! Requests that change something (every method but GET and HEAD, and the
//! websocket) must come from a page of this server. The cookie is
//! `SameSite=Lax`, which a browser still sends from another port of the same
//! host (ports do not make another site), so the cookie alone would let such
//! a page upload files or import keys in the user's name.

use axum::{
    extract::Request,
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::Response,
};

use super::api_error;

pub async fn require_same_origin(request: Request, next: Next) -> Response {
    let reads = matches!(*request.method(), Method::GET | Method::HEAD);
    // Paths are relative to the `/_gomuks` nest.
    let upgrades = request.uri().path() == "/websocket";
    if (reads && !upgrades) || same_origin(request.headers()) {
        return next.run(request).await;
    }
    tracing::warn!(
        "refused {} {} from another origin ({:?})",
        request.method(),
        request.uri().path(),
        request.headers().get(header::ORIGIN)
    );
    api_error(
        StatusCode::FORBIDDEN,
        "M_FORBIDDEN",
        "this request came from a page that is not this server's",
    )
}

/// A browser names the page's origin (`Origin`) and how it relates to the
/// target (`Sec-Fetch-Site`); both must say "this server". Clients that send
/// neither are not browsers and need the cookie anyway.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let site = headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or_default());
    if site.is_some_and(|s| s != "same-origin" && s != "none") {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = origin.to_str().ok().and_then(|o| url::Url::parse(o).ok());
    let (Some(host), Some(origin)) = (host, origin) else {
        return false;
    };
    let Some(origin_host) = origin.host_str() else {
        return false;
    };
    let authority = match origin.port() {
        Some(port) => format!("{origin_host}:{port}"),
        None => origin_host.to_owned(),
    };
    authority.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(origin: Option<&'static str>, site: Option<&'static str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:29325"));
        if let Some(o) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_static(o));
        }
        if let Some(s) = site {
            h.insert("sec-fetch-site", HeaderValue::from_static(s));
        }
        h
    }

    #[test]
    fn origin_must_be_the_served_host() {
        let here = Some("http://127.0.0.1:29325");
        assert!(same_origin(&headers(here, None)));
        assert!(same_origin(&headers(here, Some("same-origin"))));
        assert!(same_origin(&headers(None, None)));
        assert!(same_origin(&headers(None, Some("none"))));
        let mut named = headers(Some("https://chat.example"), None);
        named.insert(header::HOST, HeaderValue::from_static("chat.example"));
        assert!(same_origin(&named));

        assert!(!same_origin(&headers(Some("http://evil.example"), None)));
        assert!(!same_origin(&headers(Some("http://127.0.0.1:1"), None)));
        assert!(!same_origin(&headers(Some("null"), None)));
        // Another port of this host is the same site, not the same origin.
        assert!(!same_origin(&headers(None, Some("same-site"))));
        assert!(!same_origin(&headers(here, Some("cross-site"))));
    }
}
