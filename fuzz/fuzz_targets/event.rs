//! Any bytes as a raw event from the homeserver: refused or stored, never a
//! panic; a stored message's local_content is valid and its HTML checks out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trellis_core::{content::check_output, sync::event::from_json};
use trellis_rpc::model::LocalContent;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(ev) = from_json("!r:fuzz.test", json)
        && let Some(lc) = ev.local_content
    {
        let lc: LocalContent = serde_json::from_str(&lc).expect("local_content is valid JSON");
        if let Err(why) = check_output(&lc.sanitized_html) {
            panic!("{why}: {:?}", lc.sanitized_html);
        }
    }
});
