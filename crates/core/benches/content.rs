//! Content pipeline: 10,000 typical formatted messages (mixed lengths, links,
//! pills, code, quotes, lists, replies) through `local_content`, the whole
//! incoming path: sanitize, render, pills, edit_source. Prints messages per
//! second, best of five passes, by the wall clock and by this thread's CPU
//! time (which other work on a shared machine does not inflate).
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

/// Seconds this thread has run on a CPU (Linux schedstat), if readable.
fn thread_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn main() {
    let messages: Vec<String> = (0..MESSAGES).map(message).collect();
    let bytes: usize = messages.iter().map(String::len).sum();
    let (mut best_wall, mut best_cpu) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..PASSES {
        let (started, cpu_started) = (Instant::now(), thread_cpu_secs());
        for m in &messages {
            black_box(local_content("m.room.message", black_box(m), None));
        }
        best_wall = best_wall.min(started.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu_started, thread_cpu_secs()) {
            best_cpu = best_cpu.min(b - a);
        }
    }
    println!(
        "content pipeline: {MESSAGES} messages ({:.2} KiB average): {:.3} s wall = {:.0} messages/s; \
         {:.3} s CPU = {:.0} messages per CPU-second",
        bytes as f64 / MESSAGES as f64 / 1024.0,
        best_wall,
        MESSAGES as f64 / best_wall,
        best_cpu,
        MESSAGES as f64 / best_cpu,
    );
}
