//! Content pipeline: 10,000 typical formatted messages (mixed lengths, links,
//! pills, code, quotes, lists, replies) through `sanitize_html` (the
//! sanitizer: ammonia, the capped tree, rendering with pills) and through
//! `local_content` (the whole incoming path; for our own messages also the
//! edit_source markdown).
//! Prints messages per second, best of five passes, by the wall clock and by
//! this thread's CPU time (less inflated by other work on a shared machine).
//! Then hostile bodies of 64 KB, nested deep, beside an ordinary one of that
//! size: milliseconds of `sanitize_html` each.
//!
//! cargo bench -p trellis-content --bench content

use std::{hint::black_box, time::Instant};

use serde_json::json;
use trellis_content::{local_content, sanitize_html};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    if i.is_multiple_of(7) {
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

/// Best wall and CPU seconds of `PASSES` runs of `f` over every message.
fn measure(messages: &[String], f: impl Fn(&str)) -> (f64, f64) {
    let (mut best_wall, mut best_cpu) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..PASSES {
        let (started, cpu_started) = (Instant::now(), thread_cpu_secs());
        for m in messages {
            f(black_box(m));
        }
        best_wall = best_wall.min(started.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu_started, thread_cpu_secs()) {
            best_cpu = best_cpu.min(b - a);
        }
    }
    (best_wall, best_cpu)
}

fn report(what: &str, (wall, cpu): (f64, f64)) {
    println!(
        "{what}: {MESSAGES} messages in {wall:.3} s wall = {:.0} messages/s; \
         {cpu:.3} s CPU = {:.0} messages per CPU-second",
        MESSAGES as f64 / wall,
        MESSAGES as f64 / cpu,
    );
}

/// `unit` repeated to 64 KB after `prefix`, then `suffix`.
fn fill(prefix: &str, unit: &str, suffix: &str) -> String {
    let units = (64_000 - prefix.len() - suffix.len()) / unit.len();
    format!("{prefix}{}{suffix}", unit.repeat(units))
}

fn hostile() {
    let ordinary = "<p>hello <b>world</b> <a href=\"https://e.org\">link</a></p>";
    let divs = "<div>".repeat(200);
    let bodies = [
        ("ordinary paragraphs", fill("", ordinary, "")),
        (
            "unclosed <ul><li> (the fuzzer's find)",
            fill("", "<ul><li>", "x"),
        ),
        ("unclosed <blockquote>", fill("", "<blockquote>", "x")),
        ("200 <div>, then </p> to the end", fill(&divs, "</p>", "")),
    ];
    // Passes of 20 bodies: schedstat's run time moves by scheduler ticks.
    const RUNS: usize = 20;
    for (what, body) in bodies {
        let (wall, cpu) = measure(&vec![body; RUNS], |b| {
            black_box(sanitize_html(b));
        });
        let ms = |secs: f64| secs * 1e3 / RUNS as f64;
        println!("{what}: {:.1} ms wall, {:.1} ms CPU", ms(wall), ms(cpu));
    }
}

fn main() {
    let contents: Vec<String> = (0..MESSAGES).map(message).collect();
    let bodies: Vec<String> = contents
        .iter()
        .map(|c| {
            let v: serde_json::Value = serde_json::from_str(c).expect("bench content");
            v["formatted_body"].as_str().unwrap_or_default().to_owned()
        })
        .collect();
    let bytes: usize = bodies.iter().map(String::len).sum();
    println!(
        "{MESSAGES} formatted bodies, {:.2} KiB average",
        bytes as f64 / MESSAGES as f64 / 1024.0
    );
    report(
        "sanitize_html (formatted_body to sanitized_html)",
        measure(&bodies, |b| {
            black_box(sanitize_html(b));
        }),
    );
    report(
        "local_content of others' messages (content JSON to everything)",
        measure(&contents, |c| {
            black_box(local_content("m.room.message", c, None, false));
        }),
    );
    report(
        "local_content of our own messages (edit_source markdown too)",
        measure(&contents, |c| {
            black_box(local_content("m.room.message", c, None, true));
        }),
    );
    hostile();
}
