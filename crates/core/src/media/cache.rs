//! The disk cache: one file per (mxc, encrypted, thumbnail), its content
//! type on the first line. Least recently used files go first once the
//! total passes the cap. Decrypted media is kept in the profile directory,
//! which only its owner can read.

use std::{
    path::{Path, PathBuf},
    time::SystemTime,
};

use tokio::sync::Mutex;

use super::{MediaFile, MediaQuery, inline_type};

pub struct MediaCache {
    dir: PathBuf,
    cap: u64,
    /// Eviction walks the directory; one at a time is enough.
    evicting: Mutex<()>,
}

impl MediaCache {
    pub fn new(dir: PathBuf, cap: u64) -> Self {
        Self {
            dir,
            cap,
            evicting: Mutex::new(()),
        }
    }

    /// The cap from `TRELLIS_MEDIA_CACHE_MB` (default 1 GiB).
    pub fn in_profile(profile: &Path) -> Self {
        let mb = std::env::var("TRELLIS_MEDIA_CACHE_MB")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(1024);
        Self::new(profile.join("media-cache"), mb << 20)
    }

    /// The entry's file name. Both parts were checked by MediaQuery (media
    /// ids: letters, digits, `_-`); a server's `:[]` are escaped so the name
    /// works on every file system.
    fn path(&self, q: &MediaQuery) -> PathBuf {
        let server: String = q
            .server
            .chars()
            .map(|c| match c {
                ':' => "%3A".to_owned(),
                '[' => "%5B".to_owned(),
                ']' => "%5D".to_owned(),
                c => c.to_string(),
            })
            .collect();
        let kind = if q.encrypted { "e" } else { "p" };
        let thumb = q.thumbnail.map_or("", |t| t.suffix());
        self.dir
            .join(format!("{server}~{}~{kind}{thumb}", q.media_id))
    }

    pub async fn get(&self, q: &MediaQuery) -> Option<MediaFile> {
        let path = self.path(q);
        let data = tokio::fs::read(&path).await.ok()?;
        let split = data.iter().position(|b| *b == b'\n')?;
        let content_type = std::str::from_utf8(&data[..split]).ok()?.to_owned();
        // Touch it: eviction goes by last use.
        if let Ok(f) = std::fs::File::options().append(true).open(&path) {
            let _ = f.set_modified(SystemTime::now());
        }
        Some(MediaFile {
            inline: inline_type(&content_type),
            bytes: data[split + 1..].to_vec(),
            content_type,
        })
    }

    pub async fn put(&self, q: &MediaQuery, file: &MediaFile) {
        if let Err(e) = self.write(q, file).await {
            tracing::warn!("cannot cache media {}: {e}", q.mxc());
            return;
        }
        self.evict().await;
    }

    async fn write(&self, q: &MediaQuery, file: &MediaFile) -> std::io::Result<()> {
        tokio::fs::create_dir_all(&self.dir).await?;
        let path = self.path(q);
        let tmp = path.with_extension("part");
        let mut data = Vec::with_capacity(file.content_type.len() + 1 + file.bytes.len());
        data.extend_from_slice(file.content_type.replace('\n', "").as_bytes());
        data.push(b'\n');
        data.extend_from_slice(&file.bytes);
        tokio::fs::write(&tmp, &data).await?;
        tokio::fs::rename(&tmp, &path).await
    }

    /// Removes least recently used entries until the total fits the cap.
    async fn evict(&self) {
        let _one = self.evicting.lock().await;
        let dir = self.dir.clone();
        let cap = self.cap;
        let _ = tokio::task::spawn_blocking(move || {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                return;
            };
            let mut files: Vec<(SystemTime, u64, PathBuf)> = entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let meta = e.metadata().ok()?;
                    if !meta.is_file() {
                        return None;
                    }
                    Some((meta.modified().ok()?, meta.len(), e.path()))
                })
                .collect();
            let mut total: u64 = files.iter().map(|f| f.1).sum();
            files.sort_by_key(|f| f.0);
            for (_, len, path) in files {
                if total <= cap {
                    break;
                }
                if std::fs::remove_file(&path).is_ok() {
                    total -= len;
                }
            }
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(id: &str) -> MediaQuery {
        MediaQuery::new("[::1]:8448", id, Some("false"), None).unwrap()
    }

    fn file(len: usize) -> MediaFile {
        MediaFile {
            bytes: vec![7; len],
            content_type: "image/png".into(),
            inline: true,
        }
    }

    #[tokio::test]
    async fn entries_come_back_and_the_cap_holds() {
        let dir = std::env::temp_dir().join(format!("trellis-cache-{}", std::process::id()));
        let cache = MediaCache::new(dir.clone(), 2500);
        cache.put(&query("a"), &file(1000)).await;
        std::thread::sleep(std::time::Duration::from_millis(20));
        cache.put(&query("b"), &file(1000)).await;
        std::thread::sleep(std::time::Duration::from_millis(20));
        let a = cache.get(&query("a")).await.unwrap();
        assert_eq!(
            (a.bytes.len(), a.content_type.as_str()),
            (1000, "image/png")
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        cache.put(&query("c"), &file(1000)).await;
        // b was used least recently.
        assert!(cache.get(&query("b")).await.is_none());
        assert!(cache.get(&query("a")).await.is_some());
        assert!(cache.get(&query("c")).await.is_some());
        let _ = std::fs::remove_dir_all(dir);
    }
}
