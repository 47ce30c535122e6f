//! Any bytes as an event's content JSON, taken as a message, an edit, ours
//! or another's: no panic; a message's local_content holds HTML that passes
//! the strict output check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trellis_content::{check_output, local_content};

fuzz_target!(|data: &[u8]| {
    let Ok(content) = std::str::from_utf8(data) else {
        return;
    };
    for (relation, own) in [(None, false), (Some("m.replace"), true)] {
        if let Some(lc) = local_content("m.room.message", content, relation, own)
            && let Err(why) = check_output(&lc.sanitized_html)
        {
            panic!("{why}: {:?}", lc.sanitized_html);
        }
    }
});
