//! Wire types of the gomuks RPC API as Trellis speaks it: the envelope, the
//! params and results of commands, and the payloads of backend events.
//! Field names follow `shared/spec/gomuks-rpc-api.txt` exactly. No I/O here.

pub mod commands;
pub mod crypto;
pub mod envelope;
pub mod events;
pub mod homeserver;
pub mod model;

pub use envelope::{Envelope, RequestId};
