//! Any string as formatted_body (and as a plain body): no panic, and the
//! sanitized HTML passes the strict output check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trellis_content::{check_output, local_content};

fuzz_target!(|input: &str| {
    for content in [
        serde_json::json!({"msgtype": "m.text", "body": input,
            "format": "org.matrix.custom.html", "formatted_body": input}),
        serde_json::json!({"msgtype": "m.text", "body": input}),
    ] {
        if let Some(lc) = local_content("m.room.message", &content.to_string(), None, true)
            && let Err(why) = check_output(&lc.sanitized_html)
        {
            panic!("{why}: {:?}", lc.sanitized_html);
        }
    }
});
