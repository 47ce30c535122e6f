//! `trellis-media://{server}/{media_id}?encrypted=…&thumbnail=…`: Matrix
//! media for the UI, served by the engine's media module (authenticated
//! fetch, decryption, disk cache, thumbnails); `POST
//! trellis-media://upload?filename=…&encrypt=…`, answering with the message
//! content as the web mode's `/_gomuks/upload` does; and `POST
//! trellis-media://save/{server}/{media_id}?encrypted=…&filename=…`, the
//! Download button: WebKitGTK does not download from custom schemes, so the
//! shell writes the file into the download directory and answers with its
//! path. Only the main window may use it, and every response is sandboxed
//! so served HTML or SVG can't run.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use tauri::{
    Manager, UriSchemeContext, UriSchemeResponder, Wry,
    http::{Request, Response, header},
};
use trellis_core::{
    Backend,
    media::{MediaQuery, UploadOptions},
};

pub const SCHEME: &str = "trellis-media";
const OCTET_STREAM: &str = "application/octet-stream";
const MAIN_WINDOW: &str = "main";

/// Why a request is refused: (HTTP status, message).
type Refusal = (u16, String);

/// What the UI asks of the scheme.
#[derive(Debug)]
pub enum Ask {
    Media(MediaQuery),
    /// The file to save, and the name its sender gave it.
    Save(MediaQuery, Option<String>),
    Upload(UploadOptions),
    /// The CORS preflight of a POST from the UI (its page has another origin).
    Preflight,
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
    if method == "OPTIONS" {
        return Ok(Ask::Preflight);
    }
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let decode = |s: &str| decode(s).ok_or_else(|| (400, format!("bad percent-encoding in {uri}")));
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
    let (save, path) = match path.strip_prefix("save/") {
        Some(file) if method == "POST" => (true, file),
        Some(_) => return Err((405, "saves are POSTed".into())),
        None => (false, path),
    };
    let mut parts = path.split('/');
    let (Some(server), Some(id), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err((
            400,
            format!("expected {SCHEME}://server/media_id, got {uri}"),
        ));
    };
    let (server, id) = (decode(server)?, decode(id)?);
    let (encrypted, thumbnail) = (param("encrypted")?, param("thumbnail")?);
    let query = MediaQuery::new(&server, &id, encrypted.as_deref(), thumbnail.as_deref())
        .map_err(|e| (e.status(), e.to_string()))?;
    Ok(if save {
        Ask::Save(query, param("filename")?)
    } else {
        Ask::Media(query)
    })
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
    let request_header = |name| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = request_header(header::CONTENT_TYPE);
    // The UI's page may read the answers (its uploads and saves); no other page.
    let cors = request_header(header::ORIGIN).filter(|origin| {
        tauri::Url::parse(origin).is_ok_and(|url| crate::window::is_own_page(&url))
    });
    // Only a save needs it (finding it reads the XDG user-dirs file).
    let downloads = matches!(parsed, Ok(Ask::Save(..))).then(|| {
        let paths = ctx.app_handle().path();
        paths.download_dir().or_else(|_| paths.home_dir()).ok()
    });
    let body = request.into_body();
    tauri::async_runtime::spawn(async move {
        let served = match parsed {
            Ok(Ask::Media(query)) => backend.media(&query).await.map(|file| Answer {
                status: 200,
                disposition: Some(if file.inline { "inline" } else { "attachment" }),
                // Anything else is a download, whatever its sender called it
                // (as the web mode serves it).
                content_type: if file.inline {
                    file.content_type
                } else {
                    OCTET_STREAM.into()
                },
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
            Ok(Ask::Save(query, filename)) => match backend.media(&query).await {
                Ok(file) => Ok(saved(downloads.flatten(), filename, file.bytes).await),
                Err(e) => Err(e),
            },
            Ok(Ask::Preflight) => Ok(Answer {
                status: 204,
                content_type: "text/plain".into(),
                disposition: None,
                body: Vec::new(),
            }),
            Err(refusal) => Ok(refused(refusal)),
        };
        respond(
            responder,
            served.unwrap_or_else(|e| refused((e.status(), e.to_string()))),
            cors,
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

/// Writes a file to save into the download directory, answering with its path.
async fn saved(downloads: Option<PathBuf>, filename: Option<String>, bytes: Vec<u8>) -> Answer {
    let Some(dir) = downloads else {
        return refused((500, "there is no download directory".into()));
    };
    let name = file_name(filename.as_deref().unwrap_or_default());
    let written = tauri::async_runtime::spawn_blocking(move || write_new(&dir, &name, &bytes))
        .await
        .map_err(|e| e.to_string())
        .and_then(|w| w.map_err(|e| e.to_string()));
    match written {
        Ok(path) => Answer {
            status: 200,
            content_type: "application/json".into(),
            disposition: None,
            body: serde_json::json!({ "path": path }).to_string().into_bytes(),
        },
        Err(e) => refused((500, format!("cannot save the file: {e}"))),
    }
}

/// The sender's name for a file, made a plain name: no directories, no
/// hidden file, nothing a file system or a shell trips over.
fn file_name(given: &str) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"|?*".contains(c) {
                '_'
            } else {
                c
            }
        })
        .take(200)
        .collect();
    let name = cleaned.trim().trim_start_matches('.').trim();
    if name.is_empty() {
        "download".into()
    } else {
        name.into()
    }
}

/// Creates `name` in `dir`, or `name (1)`, `name (2)`, … beside an existing
/// file: never over one, nor through a symlink.
fn write_new(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => name.split_at(i),
        _ => (name, ""),
    };
    for n in 0..1000 {
        let path = match n {
            0 => dir.join(name),
            n => dir.join(format!("{stem} ({n}){ext}")),
        };
        let mut file = match std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        if let Err(e) = file.write_all(bytes) {
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
        return Ok(path);
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!("{name} and a thousand like it are there"),
    ))
}

fn respond(responder: UriSchemeResponder, answer: Answer, cors: Option<String>) {
    match response(answer, cors) {
        Ok(r) => responder.respond(r),
        Err(e) => tracing::error!("cannot build a media response: {e}"),
    }
}

/// Every response is sandboxed, so served HTML or SVG can't run.
fn response(answer: Answer, cors: Option<String>) -> tauri::http::Result<Response<Vec<u8>>> {
    // The type of an encrypted file is its sender's word, and may be no
    // valid header: the response must not fail (and leave the page waiting).
    let content_type = header::HeaderValue::try_from(answer.content_type)
        .unwrap_or(header::HeaderValue::from_static(OCTET_STREAM));
    let mut builder = Response::builder()
        .status(answer.status)
        .header(header::CONTENT_TYPE, content_type)
        .header("Content-Security-Policy", "sandbox");
    if let Some(origin) = cors {
        builder = builder
            .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin)
            .header(header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST")
            .header(header::ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type")
            .header(header::VARY, "Origin");
    }
    // Files are never sniffed, and may be kept by the webview.
    if let Some(disposition) = answer.disposition {
        builder = builder
            .header(header::CONTENT_DISPOSITION, disposition)
            .header("X-Content-Type-Options", "nosniff")
            .header(header::CACHE_CONTROL, "private, max-age=86400");
    }
    builder.body(answer.body)
}

/// Percent-decoding, refusing anything that is not UTF-8.
fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
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
            _ => panic!("not a media request"),
        }
    }

    #[test]
    fn saves_are_posted_media_requests_with_a_name() {
        let Ok(Ask::Save(q, name)) = parse(
            "main",
            "POST",
            "trellis-media://save/localhost%3A8008/AbC?encrypted=true&filename=a%2Fb.txt",
        ) else {
            panic!("a save")
        };
        assert_eq!(
            (q.mxc().as_str(), q.encrypted),
            ("mxc://localhost:8008/AbC", true)
        );
        assert_eq!(name.as_deref(), Some("a/b.txt"));
        for (method, uri, status) in [
            ("GET", "trellis-media://save/example.org/x", 405),
            ("POST", "trellis-media://save/example.org/../x", 400),
            ("POST", "trellis-media://save/example.org/x/y", 400),
            ("POST", "trellis-media://save/x", 400),
        ] {
            assert_eq!(parse("main", method, uri).unwrap_err().0, status, "{uri}");
        }
        assert_eq!(
            parse("popup", "POST", "trellis-media://save/example.org/x")
                .unwrap_err()
                .0,
            403
        );
    }

    #[test]
    fn a_sender_declared_type_never_breaks_the_response() {
        let answer = |content_type: &str| Answer {
            status: 200,
            content_type: content_type.into(),
            disposition: Some("inline"),
            body: b"x".to_vec(),
        };
        let served = |content_type| {
            let r = response(answer(content_type), None).expect("a response");
            let got = r.headers().get(header::CONTENT_TYPE).cloned();
            // Sandbox and file headers, all there.
            assert_eq!(r.headers().len(), 5, "{:?}", r.headers());
            got.and_then(|v| v.to_str().ok().map(str::to_owned))
        };
        assert_eq!(served("image/png").as_deref(), Some("image/png"));
        assert_eq!(
            served("image/png\r\nSet-Cookie: a=b").as_deref(),
            Some(OCTET_STREAM)
        );
        let r = response(answer("image/png"), Some("tauri://localhost".into())).expect("cors");
        assert_eq!(
            r.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN),
            Some(&header::HeaderValue::from_static("tauri://localhost"))
        );
    }

    #[test]
    fn saved_files_get_plain_names_and_never_replace_one() {
        for (given, name) in [
            ("report.pdf", "report.pdf"),
            ("../../.bashrc", "bashrc"),
            ("C:\\Windows\\evil.exe", "evil.exe"),
            ("a\nb|c?.txt", "a_b_c_.txt"),
            ("..", "download"),
            ("", "download"),
        ] {
            assert_eq!(file_name(given), name, "{given:?}");
        }
        let dir = std::env::temp_dir().join(format!("trellis-save-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = write_new(&dir, "notes.txt", b"one").expect("first");
        let second = write_new(&dir, "notes.txt", b"two").expect("second");
        let bare = write_new(&dir, "README", b"three").expect("bare");
        let bare_again = write_new(&dir, "README", b"four").expect("bare again");
        assert_eq!(first, dir.join("notes.txt"));
        assert_eq!(second, dir.join("notes (1).txt"));
        assert_eq!(bare_again, dir.join("README (1)"));
        assert_eq!(std::fs::read(&first).ok().as_deref(), Some(&b"one"[..]));
        assert_eq!(std::fs::read(&bare).ok().as_deref(), Some(&b"three"[..]));
        let _ = std::fs::remove_dir_all(&dir);
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
