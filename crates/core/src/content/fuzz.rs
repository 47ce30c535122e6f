//! Randomized fuzzing on stable Rust, run by `cargo test` for a bounded time
//! (TRELLIS_FUZZ_SECS, default 20): hostile corpus payloads mutated and
//! spliced, through `local_content` (HTML and plain paths) and through whole
//! raw events. No panic, and every output passes `check_output`. The same
//! properties are the cargo-fuzz targets in fuzz/, for nightly.

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::json;

use super::{check_output, local_content};

const CORPUS: &str = include_str!("../../../../tests/xss/payloads.jsonl");

/// Pieces that make a mutation likely to hit the sanitizer's edges.
const TOKENS: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "\"",
    "'",
    "=",
    "&",
    "&#",
    "&#x",
    ";",
    "\0",
    "\t",
    "\n",
    " ",
    "<a href=\"",
    "<img src=\"",
    "mxc://e.org/x",
    "javascript:",
    "java\tscript:",
    "data:",
    "https://matrix.to/#/@u:e.org",
    "matrix:u/u:e.org",
    "<svg>",
    "<math>",
    "<mtext>",
    "<style>",
    "<script>",
    "<textarea>",
    "<xmp>",
    "<noscript>",
    "<template>",
    "<table>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<mx-reply>",
    "</mx-reply>",
    "<pre>",
    "<code class=\"language-",
    "<span ",
    "data-mx-color=\"#",
    "data-mx-maths=\"",
    "data-mx-spoiler",
    "onerror=",
    "<ol start=\"",
    "<details>",
    "<blockquote>",
    "&lt;",
    "&amp;",
    "&quot;",
    "\u{a0}",
    "\u{202e}",
    "😀",
    "\u{fffd}",
];

fn seeds() -> Vec<String> {
    let mut seeds: Vec<String> = CORPUS
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["formatted_body"].as_str().map(str::to_owned))
        .collect();
    seeds.push("<p>hello <b>world</b> <a href=\"https://e.org\">link</a></p>".into());
    seeds.push("<ul><li>one</li><li><code>two</code></li></ul><pre><code class=\"language-rust\">x</code></pre>".into());
    seeds
}

fn char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(rng: &mut StdRng, seeds: &[String], input: &str) -> String {
    let mut s = input.to_owned();
    for _ in 0..rng.random_range(1..6) {
        let at = char_boundary(&s, rng.random_range(0..=s.len()));
        match rng.random_range(0..5) {
            0 => s.insert_str(at, TOKENS[rng.random_range(0..TOKENS.len())]),
            1 => {
                let end = char_boundary(&s, rng.random_range(at..=s.len().min(at + 64)));
                s.replace_range(at..end, "");
            }
            2 => {
                let other = &seeds[rng.random_range(0..seeds.len())];
                let cut = char_boundary(other, rng.random_range(0..=other.len()));
                s.insert_str(at, &other[..cut]);
            }
            3 => {
                let end = char_boundary(&s, rng.random_range(at..=s.len().min(at + 32)));
                let piece = s[at..end].to_owned();
                s.insert_str(at, &piece);
            }
            _ => s.insert(
                at,
                char::from_u32(rng.random_range(0..0x11_0000)).unwrap_or('\u{fffd}'),
            ),
        }
    }
    // Keep inputs within what a homeserver would carry.
    if s.len() > 70_000 {
        s.truncate(char_boundary(&s, 70_000));
    }
    s
}

fn check_message(content: serde_json::Value, input: &str) {
    if let Some(lc) = local_content("m.room.message", &content.to_string(), None, true)
        && let Err(why) = check_output(&lc.sanitized_html)
    {
        panic!("{why}\ninput: {input:?}\noutput: {:?}", lc.sanitized_html);
    }
}

#[test]
fn fuzz_pipeline_for_a_while() {
    let secs = std::env::var("TRELLIS_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let seed = std::env::var("TRELLIS_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    println!("fuzzing for {secs} s with TRELLIS_FUZZ_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let seeds = seeds();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut runs = 0u64;
    while Instant::now() < deadline {
        let base = &seeds[rng.random_range(0..seeds.len())];
        let input = mutate(&mut rng, &seeds, base);
        check_message(
            json!({"msgtype": "m.text", "body": input, "format": "org.matrix.custom.html", "formatted_body": input}),
            &input,
        );
        check_message(json!({"msgtype": "m.text", "body": input}), &input);
        // A whole raw event, cut or with bytes flipped: refused or stored, never a panic.
        let raw = json!({"event_id": "$e", "sender": "@m:e.org", "type": "m.room.message",
            "content": {"body": "x", "format": "org.matrix.custom.html", "formatted_body": input}})
        .to_string();
        let mut bytes = raw.into_bytes();
        for _ in 0..rng.random_range(0..3) {
            let i = rng.random_range(0..bytes.len());
            bytes[i] = rng.random();
        }
        if let Ok(text) = std::str::from_utf8(&bytes)
            && let Ok(ev) = timeline_event(text)
            && let Some(lc) = ev.local_content
        {
            let lc: trellis_rpc::model::LocalContent =
                serde_json::from_str(&lc).expect("stored local_content is valid JSON");
            if let Err(why) = check_output(&lc.sanitized_html) {
                panic!("{why}\nevent: {text:?}");
            }
        }
        runs += 1;
    }
    println!("{runs} inputs, no failure");
    assert!(runs > 0);
}

/// A raw event as sync stores it, from our own user so edit_source is made too.
fn timeline_event(json: &str) -> Result<crate::store::event::NewEvent, String> {
    let raw = matrix_sdk::ruma::serde::Raw::from_json_string(json.to_owned())
        .map_err(|e| e.to_string())?;
    let tev = matrix_sdk::deserialized_responses::TimelineEvent::from_plaintext(raw);
    crate::sync::event::from_timeline("!r:e.org", "@m:e.org", &tev).map_err(|e| e.to_string())
}

#[test]
fn lone_surrogates_in_json_get_no_html() {
    for raw in [
        r#"{"event_id":"$e","sender":"@m:e.org","type":"m.room.message","content":{"body":"\ud800","format":"org.matrix.custom.html","formatted_body":"<b>\udfff</b>"}}"#,
        r#"{"event_id":"$e","sender":"@m:e.org","type":"m.room.message","content":{"body":"x\udc00\ud800"}}"#,
    ] {
        // The event may be stored as it came; its content does not parse, so
        // it gets no sanitized HTML at all.
        if let Ok(ev) = timeline_event(raw) {
            assert_eq!(ev.local_content, None);
        }
    }
}

#[test]
fn the_checker_rejects_what_it_should() {
    assert!(
        check_output("<b>x</b><a href=\"https://e.org\" rel=\"noopener noreferrer\">y</a> &amp;")
            .is_ok()
    );
    for bad in [
        "<script>",
        "<b>x",
        "<b><i>x</b></i>",
        "<img src=\"x\">",
        "<a href=\"javascript:x\">x</a>",
        "<b onclick=\"x\">x</b>",
        "a < b",
        "a & b",
        "<span data-mx-color=\"red\">x</span>",
    ] {
        assert!(check_output(bad).is_err(), "{bad}");
    }
}
