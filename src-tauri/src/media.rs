//! `trellis-media://{server}/{media_id}?encrypted=…&thumbnail=…`: Matrix
//! media for the UI, served by the engine's media module (authenticated
//! fetch, decryption, disk cache, thumbnails); and `POST
//! trellis-media://upload?filename=…&encrypt=…`, answering with the message
//! content as the web mode's `/_gomuks/upload` does. Only the main window
//! may use it, and every response is sandboxed so served HTML or SVG can't run.

use tauri::{
    UriSchemeContext, UriSchemeResponder, Wry,
    http::{Request, Response, header},
};
use trellis_core::{
    Backend,
    media::{MediaQuery, UploadOptions},
};

pub const SCHEME: &str = "trellis-media";
const MAIN_WINDOW: &str = "main";

/// Why a request is refused: (HTTP status, message).
type Refusal = (u16, String);

/// What the UI asks of the scheme.
#[derive(Debug)]
pub enum Ask {
    Media(MediaQuery),
    Upload(UploadOptions),
}

/// Reads the request's URI. WebKitGTK and macOS show it as
/// `trellis-media://server/id`; Windows as `http://trellis-media.localhost/server/id`.
pub fn parse(webview_label: &str, method: &str, uri: &str) -> Result<Ask, Refusal> {
    if webview_label != MAIN_WINDOW {
        return Err((
            403,
            format!("media is for the main window, not {webview_label:?}"),
        ));
    }
    let rest = uri
        .strip_prefix("trellis-media://")
        .or_else(|| uri.strip_prefix("http://trellis-media.localhost/"))
        .or_else(|| uri.strip_prefix("https://trellis-media.localhost/"))
        .ok_or_else(|| (400, format!("not a media URI: {uri}")))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let decode = |s: &str| {
        crate::links::decode(s).ok_or_else(|| (400, format!("bad percent-encoding in {uri}")))
    };
    let params: Vec<(&str, &str)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .collect();
    let param = |key: &str| {
        params
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| decode(v))
            .transpose()
    };
    if path.trim_end_matches('/') == "upload" {
        if method != "POST" {
            return Err((405, "uploads are POSTed".into()));
        }
        let encrypt = match param("encrypt")?.as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err((400, format!("encrypt must be true or false, not {other:?}")));
            }
        };
        return Ok(Ask::Upload(UploadOptions {
            filename: param("filename")?,
            encrypt,
            content_type: None,
        }));
    }
    let mut parts = path.split('/');
    let (Some(server), Some(id), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err((
            400,
            format!("expected {SCHEME}://server/media_id, got {uri}"),
        ));
    };
    let (server, id) = (decode(server)?, decode(id)?);
    let (encrypted, thumbnail) = (param("encrypted")?, param("thumbnail")?);
    MediaQuery::new(&server, &id, encrypted.as_deref(), thumbnail.as_deref())
        .map(Ask::Media)
        .map_err(|e| (e.status(), e.to_string()))
}

pub fn handle(
    backend: Backend,
    ctx: UriSchemeContext<'_, Wry>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let parsed = parse(
        ctx.webview_label(),
        request.method().as_str(),
        &request.uri().to_string(),
    );
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = request.into_body();
    tauri::async_runtime::spawn(async move {
        let served = match parsed {
            Ok(Ask::Media(query)) => backend.media(&query).await.map(|file| Answer {
                status: 200,
                disposition: Some(if file.inline { "inline" } else { "attachment" }),
                content_type: file.content_type,
                body: file.bytes,
            }),
            Ok(Ask::Upload(mut options)) => {
                options.content_type = content_type;
                let upload = backend.upload_media(body, options).await;
                upload.map(|content| Answer {
                    status: 200,
                    content_type: "application/json".into(),
                    disposition: None,
                    body: content.to_string().into_bytes(),
                })
            }
            Err(refusal) => Ok(refused(refusal)),
        };
        respond(
            responder,
            served.unwrap_or_else(|e| refused((e.status(), e.to_string()))),
        );
    });
}

/// One response of the scheme.
struct Answer {
    status: u16,
    content_type: String,
    /// Set for files: their Content-Disposition.
    disposition: Option<&'static str>,
    body: Vec<u8>,
}

fn refused((status, message): Refusal) -> Answer {
    Answer {
        status,
        content_type: "text/plain; charset=utf-8".into(),
        disposition: None,
        body: message.into_bytes(),
    }
}

/// Every response is sandboxed, so served HTML or SVG can't run.
fn respond(responder: UriSchemeResponder, answer: Answer) {
    let mut builder = Response::builder()
        .status(answer.status)
        .header(header::CONTENT_TYPE, answer.content_type)
        .header("Content-Security-Policy", "sandbox");
    // Files are never sniffed, and may be kept by the webview.
    if let Some(disposition) = answer.disposition {
        builder = builder
            .header(header::CONTENT_DISPOSITION, disposition)
            .header("X-Content-Type-Options", "nosniff")
            .header(header::CACHE_CONTROL, "private, max-age=86400");
    }
    match builder.body(answer.body) {
        Ok(r) => responder.respond(r),
        Err(e) => tracing::error!("cannot build a media response: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_uri_forms() {
        for uri in [
            "trellis-media://example.org/AbC_1?encrypted=false&thumbnail=avatar",
            "http://trellis-media.localhost/example.org/AbC_1?thumbnail=avatar",
        ] {
            let q = media(parse("main", "GET", uri).expect(uri));
            assert_eq!(q.mxc(), "mxc://example.org/AbC_1");
            assert!(!q.encrypted && q.thumbnail.is_some());
        }
        let q = media(
            parse(
                "main",
                "GET",
                "trellis-media://localhost%3A8008/x?encrypted=true",
            )
            .expect("port"),
        );
        assert_eq!(
            (q.mxc().as_str(), q.encrypted),
            ("mxc://localhost:8008/x", true)
        );
    }

    fn media(ask: Ask) -> MediaQuery {
        match ask {
            Ask::Media(q) => q,
            Ask::Upload(_) => panic!("not a media request"),
        }
    }

    #[test]
    fn uploads_are_posted_with_their_options() {
        let Ok(Ask::Upload(o)) = parse(
            "main",
            "POST",
            "trellis-media://upload?filename=a%20b.png&encrypt=true",
        ) else {
            panic!("an upload")
        };
        assert_eq!((o.filename.as_deref(), o.encrypt), (Some("a b.png"), true));
        assert_eq!(
            parse("main", "GET", "trellis-media://upload")
                .unwrap_err()
                .0,
            405
        );
        assert_eq!(
            parse("main", "POST", "trellis-media://upload?encrypt=yes")
                .unwrap_err()
                .0,
            400
        );
    }

    #[test]
    fn refuses_other_windows_and_traversal() {
        assert_eq!(
            parse("popup", "GET", "trellis-media://example.org/x")
                .unwrap_err()
                .0,
            403
        );
        assert_eq!(
            parse("popup", "POST", "trellis-media://upload")
                .unwrap_err()
                .0,
            403
        );
        for uri in [
            "trellis-media://example.org/../../etc/passwd",
            "trellis-media://example.org/..%2F..%2Fetc%2Fpasswd",
            "trellis-media://..%2F..%2Fetc/passwd",
            "trellis-media://example.org/x/y",
            "trellis-media://example.org/%2e%2e",
            "trellis-media://example.org/",
            "trellis-media:///x",
            "file:///etc/passwd",
            "trellis-media://example.org/x?encrypted=maybe",
            "trellis-media://example.org/%ff",
        ] {
            let refused = parse("main", "GET", uri);
            assert!(refused.is_err(), "{uri} was accepted");
            assert_eq!(refused.unwrap_err().0, 400, "{uri}");
        }
    }
}
