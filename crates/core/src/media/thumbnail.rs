//! Thumbnails made here rather than by the homeserver, so encrypted
//! images get them too.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

use super::{MediaError, MediaFile};

/// Pixels on the long side of an avatar thumbnail (crisp at 2x).
const AVATAR: u32 = 128;
/// Decoding a hostile image must not take the process's memory.
const DECODE_MEMORY: u64 = 256 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thumbnail {
    /// `thumbnail=avatar`, as gomuks's frontend asks for avatars.
    Avatar,
}

impl Thumbnail {
    pub fn parse(value: &str) -> Result<Self, MediaError> {
        match value {
            "avatar" => Ok(Self::Avatar),
            other => Err(MediaError::BadRequest(format!(
                "thumbnail must be \"avatar\", not {other:?}"
            ))),
        }
    }

    pub(super) fn suffix(self) -> &'static str {
        match self {
            Self::Avatar => "~avatar",
        }
    }

    /// A PNG thumbnail of an image; anything that is not a decodable image
    /// comes back as it was.
    pub async fn make(self, file: MediaFile) -> MediaFile {
        if !file.content_type.starts_with("image/") {
            return file;
        }
        let size = match self {
            Self::Avatar => AVATAR,
        };
        let bytes = file.bytes.clone();
        match tokio::task::spawn_blocking(move || scale(&bytes, size)).await {
            Ok(Ok(png)) => MediaFile {
                bytes: png,
                content_type: "image/png".into(),
                inline: true,
            },
            Ok(Err(e)) => {
                tracing::debug!("no thumbnail: {e}");
                file
            }
            Err(_) => file,
        }
    }
}

fn scale(bytes: &[u8], size: u32) -> Result<Vec<u8>, image::ImageError> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format()?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(DECODE_MEMORY);
    reader.limits(limits);
    let image = reader.decode()?;
    let small = if image.width() > size || image.height() > size {
        image.thumbnail(size, size)
    } else {
        image
    };
    let mut out = Cursor::new(Vec::new());
    small.write_to(&mut out, ImageFormat::Png)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn images_shrink_and_other_files_pass() {
        let big = image::RgbImage::from_pixel(640, 320, image::Rgb([200, 10, 10]));
        let mut png = Cursor::new(Vec::new());
        big.write_to(&mut png, ImageFormat::Png).unwrap();
        let file = MediaFile {
            bytes: png.into_inner(),
            content_type: "image/png".into(),
            inline: true,
        };
        let thumb = Thumbnail::Avatar.make(file).await;
        let decoded = image::load_from_memory(&thumb.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (128, 64));

        let junk = MediaFile {
            bytes: b"not an image".to_vec(),
            content_type: "image/png".into(),
            inline: true,
        };
        assert_eq!(Thumbnail::Avatar.make(junk).await.bytes, b"not an image");
    }
}
