//! Plain JSON calls to client-server endpoints whose answer we relay as it
//! is (summary, hierarchy, media config, TURN, OpenID) or that ruma has no
//! type for (MSC2666 mutual rooms at Synapse's `v1` path). The answer is
//! read straight into the crates/rpc types, so nothing is lost or renamed
//! on the way through ruma's types. Requests go through matrix-sdk's own
//! HTTP client with the session's token, which never leaves this function.

use matrix_sdk::Client;
use serde::{Deserialize, de::DeserializeOwned};

use crate::CoreError;

/// The parts of a Matrix error body we show.
#[derive(Deserialize)]
struct MatrixError {
    errcode: Option<String>,
    error: Option<String>,
}

/// A request below `/_matrix/client/`: path segments (escaped here),
/// query pairs, and a JSON body for a POST.
pub(crate) struct Call<'a> {
    pub path: &'a [&'a str],
    pub query: &'a [(&'a str, &'a str)],
    pub post: Option<serde_json::Value>,
}

impl Call<'_> {
    pub(crate) async fn send<T: DeserializeOwned>(&self, client: &Client) -> Result<T, CoreError> {
        let mut url = client.homeserver();
        url.path_segments_mut()
            .map_err(|()| CoreError::Internal("homeserver URL cannot take a path".into()))?
            .pop_if_empty()
            .extend(["_matrix", "client"])
            .extend(self.path);
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(self.query);
        }
        let http = client.http_client();
        let builder = match &self.post {
            Some(body) => http
                .post(url)
                .header("content-type", "application/json")
                .body(body.to_string()),
            None => http.get(url),
        };
        let builder = match client.access_token() {
            Some(token) => builder.bearer_auth(token),
            None => return Err(CoreError::NotLoggedIn),
        };
        let resp = builder
            .send()
            .await
            .map_err(|e| CoreError::Homeserver(format!("request failed: {e}")))?;
        let status = resp.status();
        let body = resp
            .bytes()
            .await
            .map_err(|e| CoreError::Homeserver(format!("reading the answer failed: {e}")))?;
        if !status.is_success() {
            return Err(CoreError::Homeserver(describe_error(
                status.as_u16(),
                &body,
            )));
        }
        serde_json::from_slice(&body).map_err(|e| {
            CoreError::Homeserver(format!(
                "the homeserver's answer is not what the spec says: {e}"
            ))
        })
    }
}

/// `M_CODE: reason` from a Matrix error body, or the status and the start
/// of whatever else came back.
fn describe_error(status: u16, body: &[u8]) -> String {
    match serde_json::from_slice::<MatrixError>(body) {
        Ok(MatrixError {
            errcode: Some(code),
            error,
        }) => format!("{code}: {}", error.unwrap_or_default()),
        _ => {
            let text = String::from_utf8_lossy(body);
            let text: String = text.chars().take(200).collect();
            format!("HTTP {status}: {text}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::describe_error;

    #[test]
    fn matrix_errors_keep_code_and_reason() {
        assert_eq!(
            describe_error(
                404,
                br#"{"errcode":"M_NOT_FOUND","error":"Room not found"}"#
            ),
            "M_NOT_FOUND: Room not found"
        );
        assert_eq!(describe_error(502, b"Bad Gateway"), "HTTP 502: Bad Gateway");
    }
}
