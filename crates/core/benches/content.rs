//! Content pipeline: 10,000 typical formatted messages (mixed lengths, links,
//! pills, code, quotes, lists, replies) through `local_content`, the whole
//! incoming path: sanitize, render, pills, edit_source. Prints messages per
//! second, best of five passes.
//!
//! cargo bench -p trellis-core --bench content

use std::{hint::black_box, time::Instant};

use serde_json::json;
use trellis_core::content::local_content;

const MESSAGES: usize = 10_000;
const PASSES: usize = 5;

/// Deterministic variety: message `i` mixes pieces picked from `i`.
fn message(i: usize) -> String {
    let words = [
        "hello",
        "that build",
        "is green",
        "again",
        "ship it",
        "see",
        "lgtm",
        "what about",
    ];
    let mut html = String::new();
    if i % 7 == 0 {
        html.push_str("<mx-reply><blockquote><a href=\"https://matrix.to/#/!r:e.org/$e\">In reply to</a> <a href=\"https://matrix.to/#/@bob:e.org\">@bob:e.org</a><br>earlier text</blockquote></mx-reply>");
    }
    let sentences = 1 + i % 5;
    for s in 0..sentences {
        html.push_str("<p>");
        for w in 0..(4 + (i + s) % 12) {
            let word = words[(i + s + w) % words.len()];
            match (i + w) % 11 {
                0 => html.push_str(&format!("<strong>{word}</strong> ")),
                1 => html.push_str(&format!("<em>{word}</em> ")),
                2 => html.push_str(&format!("<code>{word}()</code> ")),
                3 => html.push_str(&format!(
                    "<a href=\"https://example.org/{i}/{w}\">{word}</a> "
                )),
                4 if s == 0 => {
                    html.push_str("<a href=\"https://matrix.to/#/@alice:example.org\">Alice</a>: ")
                }
                _ => {
                    html.push_str(word);
                    html.push(' ');
                }
            }
        }
        html.push_str("</p>");
    }
    match i % 6 {
        0 => html.push_str("<pre><code class=\"language-rust\">fn main() {\n    println!(\"hi &amp; bye\");\n}\n</code></pre>"),
        1 => html.push_str("<blockquote><p>quoted <del>old</del> text</p></blockquote>"),
        2 => html.push_str("<ul><li>one</li><li>two <b>bold</b></li><li>three</li></ul>"),
        3 => html.push_str("<span data-mx-spoiler>spoiler</span> <span data-mx-color=\"#ff0000\">red</span>"),
        _ => {}
    }
    json!({"msgtype": "m.text", "body": "fallback", "format": "org.matrix.custom.html",
        "formatted_body": html})
    .to_string()
}

fn main() {
    let messages: Vec<String> = (0..MESSAGES).map(message).collect();
    let bytes: usize = messages.iter().map(String::len).sum();
    let mut best = f64::INFINITY;
    for _ in 0..PASSES {
        let started = Instant::now();
        for m in &messages {
            black_box(local_content("m.room.message", black_box(m), None));
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "content pipeline: {MESSAGES} messages ({:.1} KiB average) in {:.3} s: {:.0} messages/s",
        bytes as f64 / MESSAGES as f64 / 1024.0,
        best,
        MESSAGES as f64 / best
    );
}
