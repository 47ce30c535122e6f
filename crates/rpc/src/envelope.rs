//! The envelope every message uses: `{command, request_id, data}`.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// Request ids count up from the frontend; backend events count down from -1.
pub type RequestId = i64;

/// What a transport sends out: a reply to a request or a backend event.
#[derive(Debug, Clone, Serialize)]
pub struct Envelope<T> {
    pub command: String,
    pub request_id: RequestId,
    pub data: T,
}

/// An incoming request as read off the wire. `data` stays raw until the
/// command's handler knows which type to parse it into.
#[derive(Debug, Deserialize)]
pub struct IncomingRequest {
    pub command: String,
    /// Absent (or 0) means "don't reply" as the spec says.
    #[serde(default)]
    pub request_id: RequestId,
    #[serde(default)]
    pub data: Option<Box<RawValue>>,
}

/// The reply command names of the spec.
pub const RESPONSE: &str = "response";
pub const ERROR: &str = "error";
