//! Uploads for `POST /_gomuks/upload`: the bytes go to the homeserver
//! (encrypted first when asked), and the answer is the `m.room.message`
//! content a frontend passes on to `send_message`.

use std::io::Cursor;

use serde_json::{Value, json};

use super::{MediaError, MediaFile, MediaQuery, inline_type, sniff};
use crate::Backend;

#[derive(Debug, Default)]
pub struct UploadOptions {
    pub filename: Option<String>,
    pub encrypt: bool,
    /// The type the client declared (Content-Type); the bytes win for images.
    pub content_type: Option<String>,
}

/// The message content for an uploaded file.
pub type Upload = Value;

impl Backend {
    pub async fn upload_media(
        &self,
        bytes: Vec<u8>,
        options: UploadOptions,
    ) -> Result<Upload, MediaError> {
        if bytes.is_empty() {
            return Err(MediaError::BadRequest("the upload is empty".into()));
        }
        let client = self.client().await.map_err(|_| MediaError::NotLoggedIn)?;
        let mimetype = sniff(&bytes)
            .or(options
                .content_type
                .filter(|t| t.contains('/') && !t.contains('\n')))
            .unwrap_or_else(|| "application/octet-stream".into());
        let filename = options
            .filename
            .filter(|f| !f.trim().is_empty())
            .unwrap_or_else(|| default_name(&mimetype));
        let msgtype = match mimetype.split('/').next() {
            Some("image") if mimetype != "image/svg+xml" => "m.image",
            Some("video") => "m.video",
            Some("audio") => "m.audio",
            _ => "m.file",
        };
        let mut info = json!({ "mimetype": mimetype, "size": bytes.len() });
        if msgtype == "m.image"
            && let Ok((w, h)) = image_size(&bytes)
        {
            info["w"] = w.into();
            info["h"] = h.into();
        }
        let mut content = json!({
            "msgtype": msgtype,
            "body": filename,
            "filename": filename,
            "info": info,
        });
        let mxc = if options.encrypt {
            let mut reader = Cursor::new(&bytes);
            let file = client.upload_encrypted_file(&mut reader).await?;
            let mxc = file.url.to_string();
            content["file"] =
                serde_json::to_value(&file).map_err(|e| MediaError::Internal(e.to_string()))?;
            mxc
        } else {
            let parsed: mime::Mime = mimetype.parse().unwrap_or(mime::APPLICATION_OCTET_STREAM);
            let response = client.media().upload(&parsed, bytes.clone(), None).await?;
            let mxc = response.content_uri.to_string();
            content["url"] = mxc.clone().into();
            mxc
        };
        // Our own upload shows at once, without a round trip to fetch it back.
        if let Some((server, id)) = mxc.strip_prefix("mxc://").and_then(|r| r.split_once('/'))
            && let Ok(query) = MediaQuery::new(
                server,
                id,
                Some(if options.encrypt { "true" } else { "false" }),
                None,
            )
        {
            let file = MediaFile {
                inline: inline_type(&mimetype),
                content_type: mimetype,
                bytes,
            };
            self.media_cache().put(&query, &file).await;
        }
        Ok(content)
    }
}

fn image_size(bytes: &[u8]) -> Result<(u32, u32), image::ImageError> {
    image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()?
        .into_dimensions()
}

fn default_name(mimetype: &str) -> String {
    let kind = mimetype.split('/').next().unwrap_or("file");
    let ext = mimetype.split('/').nth(1).unwrap_or("bin");
    match kind {
        "image" | "video" | "audio" => format!("{kind}.{ext}"),
        _ => "file".into(),
    }
}
