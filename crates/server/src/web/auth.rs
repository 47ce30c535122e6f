//! Login for the web mode: one user whose password is kept only as an
//! argon2 hash in the profile, signed expiring tokens in the `gomuks_auth`
//! cookie, and a limit on failed logins.

use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    path::Path,
    sync::Mutex,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::{Context, bail};
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};
use axum::{
    extract::{ConnectInfo, Query, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::{AppState, api_error};

pub const COOKIE: &str = "gomuks_auth";
/// How long a login lasts.
const SESSION: Duration = Duration::from_secs(7 * 24 * 3600);
/// How long an `image_auth` token lasts; a new one comes every 30 minutes.
pub const IMAGE_TOKEN_LIFE: Duration = Duration::from_secs(60 * 60);
/// Failed logins allowed per address in one window before answering 429.
const MAX_FAILURES: u32 = 5;
const FAILURE_WINDOW: Duration = Duration::from_secs(60);
const CREDENTIALS_FILE: &str = "web-auth.json";

/// What the profile keeps: the user name, the password's argon2 hash and
/// the key that signs tokens. Never the password.
#[derive(Serialize, Deserialize)]
struct StoredCredentials {
    username: String,
    password_hash: String,
    token_key: String,
}

pub struct Auth {
    username: String,
    password_hash: String,
    token_key: Vec<u8>,
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

impl Auth {
    /// Loads the credentials from the profile, creating them on first start
    /// from `username` (default "trellis") and `password`.
    pub fn load_or_create(
        profile: &Path,
        username: Option<&str>,
        password: Option<String>,
    ) -> anyhow::Result<Self> {
        let path = profile.join(CREDENTIALS_FILE);
        let stored = match std::fs::read(&path) {
            Ok(bytes) => {
                let stored: StoredCredentials = serde_json::from_slice(&bytes)
                    .with_context(|| format!("{} is not readable", path.display()))?;
                if let Some(name) = username.filter(|n| *n != stored.username) {
                    bail!(
                        "--web-username {name:?} differs from the stored user {:?}; delete {} \
                         to set new credentials",
                        stored.username,
                        path.display()
                    );
                }
                if password.is_some() {
                    tracing::info!("TRELLIS_WEB_PASSWORD is ignored: a password is already set");
                }
                stored
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let Some(password) = password.filter(|p| !p.is_empty()) else {
                    bail!("set TRELLIS_WEB_PASSWORD for the first start of the web mode");
                };
                let stored = StoredCredentials {
                    username: username.unwrap_or("trellis").to_owned(),
                    password_hash: hash_password(&password)?,
                    token_key: trellis_core::secrets::random_hex(32),
                };
                write_private(&path, &serde_json::to_vec_pretty(&stored)?)?;
                stored
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        Ok(Self {
            username: stored.username,
            password_hash: stored.password_hash,
            token_key: stored.token_key.into_bytes(),
            failures: Mutex::default(),
        })
    }

    /// A token for the whole API, or with `image_only` for media fetches.
    pub fn token(&self, life: Duration, image_only: bool) -> String {
        let claims = Claims {
            user: self.username.clone(),
            exp: unix_now() + life.as_secs(),
            img: image_only,
        };
        let body = serde_json::to_vec(&claims).unwrap_or_default();
        format!("{}.{}", B64.encode(&body), B64.encode(self.sign(&body)))
    }

    pub fn valid(&self, token: &str, image_only: bool) -> bool {
        let Some((body, sig)) = token.split_once('.').filter(|_| token.len() <= 1024) else {
            return false;
        };
        let (Ok(body), Ok(sig)) = (B64.decode(body), B64.decode(sig)) else {
            return false;
        };
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.token_key) else {
            return false;
        };
        mac.update(&body);
        if mac.verify_slice(&sig).is_err() {
            return false;
        }
        serde_json::from_slice::<Claims>(&body)
            .is_ok_and(|c| c.user == self.username && c.exp > unix_now() && c.img == image_only)
    }

    fn sign(&self, body: &[u8]) -> Vec<u8> {
        match Hmac::<Sha256>::new_from_slice(&self.token_key) {
            Ok(mut mac) => {
                mac.update(body);
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    }

    fn check_password(&self, username: &str, password: &str) -> bool {
        let Ok(hash) = PasswordHash::new(&self.password_hash) else {
            return false;
        };
        let password_ok = Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok();
        password_ok && username == self.username
    }

    /// Whether this address has used up its failed attempts for now.
    fn locked_out(&self, ip: IpAddr) -> Option<Duration> {
        let mut failures = self.failures.lock().ok()?;
        let now = Instant::now();
        failures.retain(|_, (_, start)| now.duration_since(*start) < FAILURE_WINDOW);
        let (count, start) = failures.get(&ip)?;
        (*count >= MAX_FAILURES).then(|| FAILURE_WINDOW.saturating_sub(now.duration_since(*start)))
    }

    fn record_failure(&self, ip: IpAddr) {
        if let Ok(mut failures) = self.failures.lock() {
            let entry = failures.entry(ip).or_insert((0, Instant::now()));
            entry.0 += 1;
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Claims {
    user: String,
    exp: u64,
    #[serde(default)]
    img: bool,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(trellis_core::secrets::random_hex(16).as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot make a salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the web password: {e}"))
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)?;
    Ok(())
}

#[derive(Deserialize)]
pub struct LoginQuery {
    output: Option<String>,
    insecure_cookie: Option<String>,
    /// A frontend with its own login form asks the browser not to show
    /// its Basic-auth dialog over it.
    no_prompt: Option<String>,
}

/// `POST /_gomuks/auth`: HTTP Basic credentials (or a still valid cookie)
/// in, a fresh cookie (or `{"token"}` with `?output=json`) out.
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<LoginQuery>,
    headers: HeaderMap,
) -> Response {
    let auth = state.auth.clone();
    let json = query.output.as_deref() == Some("json");
    let secure = query.insecure_cookie.as_deref() != Some("true");
    let prompt = query.no_prompt.as_deref() != Some("true");
    let renewing = cookie(&headers).is_some_and(|t| auth.valid(t, false));
    if !renewing {
        if let Some(wait) = auth.locked_out(peer.ip()) {
            let mut resp = api_error(
                StatusCode::TOO_MANY_REQUESTS,
                "M_LIMIT_EXCEEDED",
                "too many failed logins; try again later",
            );
            if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return resp;
        }
        let Some((user, password)) = basic_credentials(&headers) else {
            return unauthorized("log in with HTTP Basic credentials", prompt);
        };
        // Argon2 is deliberately slow: keep it off the async workers.
        let checker = auth.clone();
        let ok = tokio::task::spawn_blocking(move || checker.check_password(&user, &password))
            .await
            .unwrap_or(false);
        if !ok {
            auth.record_failure(peer.ip());
            tracing::warn!(peer = %peer.ip(), "failed web login");
            return unauthorized("wrong username or password", prompt);
        }
    }
    let token = auth.token(SESSION, false);
    let status = if renewing {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    if json {
        return (status, axum::Json(serde_json::json!({ "token": token }))).into_response();
    }
    let cookie = format!(
        "{COOKIE}={token}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}",
        SESSION.as_secs(),
        if secure { "; Secure" } else { "" }
    );
    let mut resp = status.into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

fn unauthorized(message: &str, prompt: bool) -> Response {
    let mut resp = api_error(StatusCode::UNAUTHORIZED, "M_UNAUTHORIZED", message);
    if prompt {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"trellis\", charset=\"UTF-8\""),
        );
    }
    resp
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// The `gomuks_auth` cookie's value, if the request carries one.
fn cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

/// Guards every `/_gomuks/` path but `/auth`: a valid cookie, or for media
/// of unencrypted files an `image_auth` token (for fetches that cannot
/// carry the cookie, like notification icons).
pub async fn require(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Paths are relative to the `/_gomuks` nest.
    let path = request.uri().path();
    if path == "/auth" {
        return next.run(request).await;
    }
    if path.starts_with("/media/") {
        let query = request.uri().query().unwrap_or_default();
        let pairs: HashMap<String, String> = url_pairs(query);
        let image_ok = pairs.get("encrypted").is_some_and(|e| e == "false")
            && pairs
                .get("image_auth")
                .is_some_and(|t| state.auth.valid(t, true));
        if image_ok {
            return next.run(request).await;
        }
    }
    match cookie(request.headers()) {
        None => api_error(
            StatusCode::UNAUTHORIZED,
            "FI.MAU.GOMUKS.MISSING_COOKIE",
            "log in first: the gomuks_auth cookie is missing",
        ),
        Some(token) if !state.auth.valid(token, false) => {
            let mut resp = api_error(
                StatusCode::UNAUTHORIZED,
                "FI.MAU.GOMUKS.INVALID_COOKIE",
                "the gomuks_auth cookie is invalid or expired; log in again",
            );
            resp.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_static("gomuks_auth=; Path=/; Max-Age=0"),
            );
            resp
        }
        Some(_) => next.run(request).await,
    }
}

fn url_pairs(query: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> Auth {
        Auth {
            username: "alice".into(),
            password_hash: hash_password("correct horse").unwrap(),
            token_key: b"k".repeat(32),
            failures: Mutex::default(),
        }
    }

    #[test]
    fn tokens_are_signed_scoped_and_expire() {
        let auth = auth();
        let token = auth.token(SESSION, false);
        assert!(auth.valid(&token, false));
        assert!(
            !auth.valid(&token, true),
            "a session token is not an image token"
        );
        assert!(
            !auth.valid(&auth.token(Duration::ZERO, false), false),
            "expired"
        );
        let (body, sig) = token.split_once('.').unwrap();
        let forged = B64.encode(br#"{"user":"alice","exp":99999999999,"img":false}"#);
        assert!(!auth.valid(&format!("{forged}.{sig}"), false));
        assert!(!auth.valid(body, false));
        assert!(!auth.valid("", false));
    }

    #[test]
    fn passwords_are_checked_against_the_hash() {
        let auth = auth();
        assert!(auth.password_hash.starts_with("$argon2"));
        assert!(auth.check_password("alice", "correct horse"));
        assert!(!auth.check_password("alice", "wrong"));
        assert!(!auth.check_password("bob", "correct horse"));
    }
}
