//! Media for frontends: `mxc://` files fetched through matrix-sdk (and
//! decrypted when the event carried a key), kept in a size-capped disk
//! cache, with avatar thumbnails made here. Transport-neutral, so the web
//! mode and the desktop shell's URI scheme serve the same bytes.

mod cache;
mod thumbnail;
mod upload;

use matrix_sdk::{
    media::{MediaFormat, MediaRequestParameters},
    ruma::{
        OwnedMxcUri,
        events::room::{EncryptedFile, MediaSource},
    },
};
use serde_json::Value;

pub use cache::MediaCache;
pub use thumbnail::Thumbnail;
pub use upload::{Upload, UploadOptions};

use crate::Backend;

/// Files over this size are fetched but not cached.
const MAX_CACHED_FILE: usize = 64 << 20;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("not logged in: log in first")]
    NotLoggedIn,
    #[error("the homeserver refused: {0}")]
    Homeserver(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl MediaError {
    /// The HTTP status a transport answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::NotLoggedIn => 409,
            Self::NotFound(_) => 404,
            Self::Homeserver(_) => 502,
            Self::Internal(_) => 500,
        }
    }
}

impl From<matrix_sdk::Error> for MediaError {
    fn from(e: matrix_sdk::Error) -> Self {
        match e.as_client_api_error().map(|c| c.status_code.as_u16()) {
            Some(404) => Self::NotFound(e.to_string()),
            _ => Self::Homeserver(e.to_string()),
        }
    }
}

impl From<matrix_sdk::HttpError> for MediaError {
    fn from(e: matrix_sdk::HttpError) -> Self {
        Self::from(matrix_sdk::Error::Http(Box::new(e)))
    }
}

/// What a frontend asks for: `_gomuks/media/{server}/{media_id}?encrypted=…&thumbnail=…`.
#[derive(Debug, Clone)]
pub struct MediaQuery {
    pub server: String,
    pub media_id: String,
    pub encrypted: bool,
    pub thumbnail: Option<Thumbnail>,
}

impl MediaQuery {
    /// Checks the parts of the mxc URI (the same grammar the sanitizer
    /// allows in `img src`) and the query parameters.
    pub fn new(
        server: &str,
        media_id: &str,
        encrypted: Option<&str>,
        thumbnail: Option<&str>,
    ) -> Result<Self, MediaError> {
        let server_ok = !server.is_empty()
            && server.len() <= 255
            && server
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
        let id_ok = !media_id.is_empty()
            && media_id.len() <= 255
            && media_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c));
        if !server_ok || !id_ok {
            return Err(MediaError::BadRequest(format!(
                "mxc://{server}/{media_id} is not a valid media URI"
            )));
        }
        let encrypted = match encrypted {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(MediaError::BadRequest(format!(
                    "encrypted must be true or false, not {other:?}"
                )));
            }
        };
        let thumbnail = thumbnail.map(Thumbnail::parse).transpose()?;
        Ok(Self {
            server: server.to_owned(),
            media_id: media_id.to_owned(),
            encrypted,
            thumbnail,
        })
    }

    pub fn mxc(&self) -> String {
        format!("mxc://{}/{}", self.server, self.media_id)
    }
}

/// A file ready to serve.
pub struct MediaFile {
    pub bytes: Vec<u8>,
    pub content_type: String,
    /// Whether it may be shown inline: images, video and audio only. Any
    /// other type (HTML, SVG, …) is served as a download.
    pub inline: bool,
}

impl Backend {
    pub fn media_cache(&self) -> &MediaCache {
        &self.inner.media_cache
    }

    /// The file (or its thumbnail), from the cache or the homeserver.
    pub async fn media(&self, query: &MediaQuery) -> Result<MediaFile, MediaError> {
        let cache = self.media_cache();
        if let Some(file) = cache.get(query).await {
            return Ok(file);
        }
        let client = self.client().await.map_err(|_| MediaError::NotLoggedIn)?;
        let mxc = OwnedMxcUri::from(query.mxc());
        let (source, declared_type) = if query.encrypted {
            let (file, mimetype) = self.encrypted_file(&query.mxc()).await?;
            (MediaSource::Encrypted(Box::new(file)), mimetype)
        } else {
            (MediaSource::Plain(mxc), None)
        };
        let request = MediaRequestParameters {
            source,
            format: MediaFormat::File,
        };
        let bytes = client.media().get_media_content(&request, false).await?;
        let content_type = sniff(&bytes)
            .or(declared_type)
            .unwrap_or_else(|| "application/octet-stream".into());
        let mut file = MediaFile {
            inline: inline_type(&content_type),
            content_type,
            bytes,
        };
        if let Some(thumbnail) = query.thumbnail {
            file = thumbnail.make(file).await;
        }
        if file.bytes.len() <= MAX_CACHED_FILE {
            cache.put(query, &file).await;
        }
        Ok(file)
    }

    /// The key of an encrypted file, from the newest stored event that
    /// carries it (as `file`, `info.thumbnail_file` or an avatar's file).
    async fn encrypted_file(
        &self,
        mxc: &str,
    ) -> Result<(EncryptedFile, Option<String>), MediaError> {
        let pattern = format!("%\"{mxc}\"%");
        let rows: Vec<(Option<String>, String)> = sqlx::query_as(
            "SELECT decrypted, content FROM event \
             WHERE decrypted LIKE ?1 OR content LIKE ?1 ORDER BY rowid DESC LIMIT 5",
        )
        .bind(&pattern)
        .fetch_all(self.inner.store.pool())
        .await
        .map_err(|e| MediaError::Internal(e.to_string()))?;
        rows.iter()
            .filter_map(|(decrypted, content)| {
                let json: Value =
                    serde_json::from_str(decrypted.as_deref().unwrap_or(content)).ok()?;
                find_file(&json, mxc, None)
            })
            .next()
            .ok_or_else(|| MediaError::NotFound(format!("no stored event has the key for {mxc}")))
    }
}

/// Walks event content for an EncryptedFile whose `url` is `mxc`, with the
/// mimetype of the `info` next to it.
fn find_file(
    value: &Value,
    mxc: &str,
    mimetype: Option<&str>,
) -> Option<(EncryptedFile, Option<String>)> {
    let obj = value.as_object()?;
    if obj.get("url").and_then(Value::as_str) == Some(mxc) && obj.contains_key("key") {
        let file = serde_json::from_value(value.clone()).ok()?;
        return Some((file, mimetype.map(str::to_owned)));
    }
    let here = obj
        .get("info")
        .and_then(|i| i.get("mimetype"))
        .and_then(Value::as_str)
        .or(mimetype);
    obj.values().find_map(|v| find_file(v, mxc, here))
}

/// The type the bytes say they are, for the formats a browser shows.
fn sniff(bytes: &[u8]) -> Option<String> {
    let format = image::guess_format(bytes).ok()?;
    Some(format.to_mime_type().to_owned())
}

fn inline_type(content_type: &str) -> bool {
    let safe_image = content_type.starts_with("image/") && content_type != "image/svg+xml";
    safe_image || content_type.starts_with("video/") || content_type.starts_with("audio/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_checked() {
        assert!(MediaQuery::new("example.org:8448", "abc_DEF-1", Some("true"), None).is_ok());
        assert!(MediaQuery::new("[::1]:8008", "x", None, Some("avatar")).is_ok());
        for (server, id) in [
            ("ex/../", "a"),
            ("example.org", "a/b"),
            ("", "a"),
            ("e", ""),
        ] {
            assert!(
                MediaQuery::new(server, id, None, None).is_err(),
                "{server} {id}"
            );
        }
        assert!(MediaQuery::new("e", "a", Some("yes"), None).is_err());
        assert!(MediaQuery::new("e", "a", None, Some("huge")).is_err());
    }

    #[test]
    fn keys_are_found_anywhere_in_the_content() {
        let content = serde_json::json!({
            "msgtype": "m.image",
            "info": {"mimetype": "image/png", "thumbnail_file": {
                "url": "mxc://s/thumb", "key": {"kty": "oct", "key_ops": ["encrypt", "decrypt"],
                    "alg": "A256CTR", "k": "qcHVMSgYg-71CauWBezXI5qkaRb0LuIy-Wx5kIaHMIA", "ext": true},
                "iv": "X85+XgHN+HEAAAAAAAAAAA", "hashes": {"sha256": "5qG4fFnbbVdlAB1Q72JDKwCagV6Dbkx9uds4rSak37c"},
                "v": "v2"}},
        });
        let (file, mimetype) = find_file(&content, "mxc://s/thumb", None).unwrap();
        assert_eq!(file.url.as_str(), "mxc://s/thumb");
        assert_eq!(mimetype.as_deref(), Some("image/png"));
        assert!(find_file(&content, "mxc://s/other", None).is_none());
    }

    #[test]
    fn only_media_types_are_inline() {
        assert!(inline_type("image/png") && inline_type("video/mp4") && inline_type("audio/ogg"));
        assert!(!inline_type("image/svg+xml") && !inline_type("text/html") && !inline_type(""));
    }
}
