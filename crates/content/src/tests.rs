//! The pipeline's rules, one test each, through `local_content`.

use serde_json::json;

use super::*;

fn html(formatted_body: &str) -> LocalContent {
    let content = json!({"msgtype": "m.text", "body": "x", "format": HTML_FORMAT,
        "formatted_body": formatted_body});
    local_content("m.room.message", &content.to_string(), None, true).expect("a message")
}

fn sanitized(formatted_body: &str) -> String {
    html(formatted_body).sanitized_html
}

fn plain(body: &str) -> LocalContent {
    let content = json!({"msgtype": "m.text", "body": body});
    local_content("m.room.message", &content.to_string(), None, true).expect("a message")
}

#[test]
fn allowlisted_tags_stay_and_others_go() {
    assert_eq!(
        sanitized("<p><b>b</b> <i>i</i> <del>d</del> <sup>1</sup></p><hr><br>"),
        "<p><b>b</b> <i>i</i> <del>d</del> <sup>1</sup></p><hr><br>"
    );
    assert_eq!(sanitized("<script>alert(1)</script>x"), "x");
    assert_eq!(sanitized("<style>p{}</style><font color=red>f</font>"), "f");
    assert_eq!(
        sanitized("<iframe src=x></iframe><marquee>m</marquee>"),
        "m"
    );
    // ammonia drops foreign content whole rather than unwrap it.
    assert_eq!(sanitized("<svg><a href=\"https://x\">s</a></svg>"), "");
    assert_eq!(
        sanitized("<details><summary>s</summary>d</details>"),
        "<details><summary>s</summary>d</details>"
    );
}

#[test]
fn attributes_are_allowlisted_per_tag() {
    assert_eq!(
        sanitized("<p onclick=\"x()\" style=\"color:red\" class=\"c\">p</p>"),
        "<p>p</p>"
    );
    assert_eq!(
        sanitized("<ol start=\"3\" type=\"a\"><li>x</li></ol>"),
        "<ol start=\"3\"><li>x</li></ol>"
    );
    assert_eq!(
        sanitized("<div data-mx-maths=\"x^2\" data-mx-color=\"#ff0000\">x</div>"),
        "<div data-mx-maths=\"x^2\">x</div>"
    );
}

#[test]
fn links_get_rel_and_only_allowed_schemes() {
    assert_eq!(
        sanitized("<a href=\"https://example.org\" target=\"_blank\">x</a>"),
        "<a href=\"https://example.org\" target=\"_blank\" rel=\"noopener noreferrer\">x</a>"
    );
    for ok in [
        "http://e.org",
        "ftp://e.org",
        "mailto:a@e.org",
        "magnet:?xt=urn:x",
    ] {
        assert!(
            sanitized(&format!("<a href=\"{ok}\">x</a>")).contains("href="),
            "{ok}"
        );
    }
    for bad in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "mxc://e.org/abc",
        "/relative",
        "_gomuks/media/e.org/abc",
        "//e.org/x",
        "file:///etc/passwd",
    ] {
        let out = sanitized(&format!("<a href=\"{bad}\">x</a>"));
        assert!(!out.contains("href"), "{bad} -> {out}");
    }
}

#[test]
fn images_only_from_mxc_and_rewritten() {
    assert_eq!(
        sanitized("<img src=\"mxc://e.org/abc\" alt=\"a\" width=\"10\" onerror=\"x\" style=\"s\">"),
        "<img src=\"_gomuks/media/e.org/abc?encrypted=false\" alt=\"a\" width=\"10\">"
    );
    assert_eq!(
        sanitized("<img src=\"https://e.org/x.png\" alt=\"alt text\">"),
        "alt text"
    );
    assert_eq!(sanitized("<img src=x onerror=alert(1)>"), "");
    assert_eq!(
        sanitized("<img src=\"_gomuks/media/e.org/abc\" alt=\"r\">"),
        "r"
    );
}

#[test]
fn colours_only_as_hex() {
    assert_eq!(
        sanitized("<span data-mx-color=\"#00ff00\" data-mx-bg-color=\"red\">c</span>"),
        "<span data-mx-color=\"#00ff00\">c</span>"
    );
    assert_eq!(
        sanitized("<span data-mx-bg-color=\"#000000;background:url(x)\">c</span>"),
        "<span>c</span>"
    );
}

#[test]
fn code_keeps_only_language_class() {
    assert_eq!(
        sanitized("<pre><code class=\"language-rust hljs\">fn x() {}</code></pre>"),
        "<pre><code class=\"language-rust\">fn x() {}</code></pre>"
    );
    assert_eq!(sanitized("<code class=\"evil\">x</code>"), "<code>x</code>");
}

#[test]
fn nesting_is_capped() {
    let deep = format!(
        "{}x{}",
        "<blockquote>".repeat(10_000),
        "</blockquote>".repeat(10_000)
    );
    let out = sanitized(&deep);
    assert_eq!(out.matches("<blockquote>").count(), MAX_DEPTH);
    assert!(out.contains('x'));
}

/// CPU seconds this thread has run (Linux schedstat): unlike the wall
/// clock, barely moved by other work on a shared machine.
fn thread_cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").expect("schedstat");
    let ns: f64 = stat
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("run time in schedstat");
    ns / 1e9
}

/// CPU seconds a `local_content` of `formatted_body` takes: the average of
/// runs adding up to a fifth of a second or more (schedstat's run time
/// moves by scheduler ticks).
fn cpu_cost(formatted_body: &str) -> f64 {
    let started = thread_cpu_secs();
    let mut runs = 0u32;
    while runs == 0 || thread_cpu_secs() - started < 0.2 {
        html(formatted_body);
        runs += 1;
    }
    (thread_cpu_secs() - started) / f64::from(runs)
}

#[test]
fn deep_nesting_costs_no_more_than_its_size() {
    // Found by cargo fuzz: 51 KB of unclosed <ul><li> took 40 s in the
    // fuzzer (the parser's scope checks walk every open element). A deep
    // body may cost what a flat one of the same size does, not its square.
    for (deep, levels) in [
        ("<ul><li>", 2000),
        ("<ul><li>", 8000),
        ("<blockquote>", 5000),
    ] {
        let body = format!("{}x", deep.repeat(levels));
        let flat = "<p>x</p>".repeat(body.len() / 8);
        let (deep_cost, flat_cost) = (cpu_cost(&body), cpu_cost(&flat));
        assert!(
            deep_cost < 10.0 * flat_cost,
            "{levels} × {deep}: {deep_cost:.3} s, flat {flat_cost:.3} s"
        );
    }
}

#[test]
fn reply_fallback_is_removed() {
    let lc = html("<mx-reply><blockquote>quoted <b>old</b></blockquote></mx-reply>answer");
    assert_eq!(lc.sanitized_html, "answer");
    assert!(lc.reply_fallback_removed);
    assert!(!html("answer").reply_fallback_removed);

    let content = json!({"msgtype": "m.text", "body": "> <@a:x> old\n\nnew",
        "m.relates_to": {"m.in_reply_to": {"event_id": "$q"}}});
    let lc = local_content("m.room.message", &content.to_string(), None, true).expect("a message");
    assert!(lc.reply_fallback_removed);
    assert_eq!(lc.sanitized_html, "new");
    // Without m.in_reply_to a leading quote is the message itself.
    assert!(!plain("> quoted\n\nnew").reply_fallback_removed);
}

#[test]
fn plain_text_is_escaped_and_linkified() {
    let lc = plain("<b>not bold</b> & https://example.org");
    assert!(lc.was_plaintext);
    assert_eq!(
        lc.sanitized_html,
        "&lt;b&gt;not bold&lt;/b&gt; &amp; <a href=\"https://example.org\" rel=\"noopener noreferrer\">https://example.org</a>"
    );
    // Nothing to escape: the UI shows the body as text.
    let lc = plain("hello");
    assert!(lc.was_plaintext && lc.sanitized_html.is_empty());
    assert!(!html("<b>x</b>").was_plaintext);
}

#[test]
fn big_emoji_for_emoji_only() {
    assert!(plain("🎉🎉").big_emoji);
    assert!(!plain("🎉 party").big_emoji);
    let content = json!({"msgtype": "m.text", "body": "😀", "format": HTML_FORMAT,
        "formatted_body": "<b>😀</b>"});
    let lc = local_content("m.room.message", &content.to_string(), None, true).expect("a message");
    assert!(lc.big_emoji);
}

#[test]
fn math_is_flagged() {
    assert!(html("<span data-mx-maths=\"x^2\"><code>x^2</code></span>").has_math);
    assert!(html("<div data-mx-maths=\"\\sum\"><code>x</code></div>").has_math);
    assert!(!html("<span>x</span>").has_math);
}

#[test]
fn matrix_links_are_pills() {
    assert_eq!(
        sanitized("<a href=\"https://matrix.to/#/@alice:example.org\">Alice</a>"),
        "<a href=\"https://matrix.to/#/@alice:example.org\" rel=\"noopener noreferrer\" \
         class=\"mx-pill mx-pill-user\" data-mx-pill=\"@alice:example.org\">Alice</a>"
    );
    assert!(
        sanitized("<a href=\"matrix:roomid/r:e.org/e/ev\">e</a>").contains(
            "class=\"mx-pill mx-pill-event\" data-mx-pill=\"!r:e.org\" data-mx-event=\"$ev\""
        )
    );
    assert!(sanitized("<a href=\"matrix:r/room:e.org\">r</a>").contains("mx-pill-room-alias"));
    // A sender cannot forge the marking.
    assert_eq!(
        sanitized("<a href=\"https://e.org\" class=\"mx-pill\" data-mx-pill=\"@x:y\">x</a>"),
        "<a href=\"https://e.org\" rel=\"noopener noreferrer\">x</a>"
    );
}

#[test]
fn edit_source_recovers_markdown() {
    let cases = [
        ("<b>bold</b> and <em>em</em>", "**bold** and _em_"),
        ("<p>one</p>\n<p>two</p>", "one\n\ntwo"),
        ("a<br>b", "a\nb"),
        ("<ul><li>x</li><li>y</li></ul>", "- x\n- y"),
        ("<ol start=\"3\"><li>x</li><li>y</li></ol>", "3. x\n4. y"),
        ("<blockquote><p>q</p></blockquote>", "> q"),
        ("<h2>Title</h2>", "## Title"),
        (
            "<pre><code class=\"language-rust\">let x = 1;\n</code></pre>",
            "```rust\nlet x = 1;\n```",
        ),
        ("use <code>x*y</code>", "use `x*y`"),
        (
            "<a href=\"https://e.org\">site</a>",
            "[site](https://e.org)",
        ),
        ("<span data-mx-spoiler>s</span>", "||s||"),
        ("<del>gone</del>", "~~gone~~"),
        ("2*3_4", "2\\*3\\_4"),
        (
            "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>",
            "| a | b |\n| --- | --- |\n| 1 | 2 |",
        ),
    ];
    for (input, markdown) in cases {
        assert_eq!(html(input).edit_source, markdown, "{input}");
    }
    let emote = json!({"msgtype": "m.emote", "body": "waves"});
    let lc = local_content("m.room.message", &emote.to_string(), None, true).expect("a message");
    assert_eq!(lc.edit_source, "/me waves");
}

#[test]
fn edit_source_is_made_for_own_messages_only() {
    let content = json!({"msgtype": "m.text", "body": "x", "format": HTML_FORMAT,
        "formatted_body": "<b>x</b>"})
    .to_string();
    let theirs = local_content("m.room.message", &content, None, false).expect("a message");
    assert_eq!(
        (theirs.sanitized_html.as_str(), theirs.edit_source.as_str()),
        ("<b>x</b>", "")
    );
    let ours = local_content("m.room.message", &content, None, true).expect("a message");
    assert_eq!(ours.edit_source, "**x**");
}

#[test]
fn edit_source_round_trips_through_markdown() {
    for input in [
        "**bold** and _em_ ~~gone~~",
        "- x\n- y",
        "> quoted",
        "```rust\nlet x = 1;\n```",
        "```\nfirst\n\n\n\nafter three blank lines\n```",
        "> ```\n> a\n>\n>\n> b\n> ```",
        "[site](https://e.org) and `code`",
        "||spoiler||",
    ] {
        let sent = markdown_to_content(input);
        let lc = local_content("m.room.message", &sent.to_string(), None, true).expect("a message");
        assert_eq!(lc.edit_source, input, "{sent}");
    }
}

#[test]
fn html_version_and_edits() {
    assert_eq!(html("x").html_version, HTML_VERSION);
    let edit = json!({"msgtype": "m.text", "body": "* new", "m.new_content":
        {"msgtype": "m.text", "body": "new", "format": HTML_FORMAT, "formatted_body": "<b>new</b>"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": "$o"}});
    let lc =
        local_content("m.room.message", &edit.to_string(), Some("m.replace"), true).expect("edit");
    assert_eq!(lc.sanitized_html, "<b>new</b>");
}

#[test]
fn non_messages_and_junk_get_nothing() {
    assert!(local_content("m.room.member", r#"{"membership":"join"}"#, None, true).is_none());
    assert!(local_content("m.room.message", "[1]", None, true).is_none());
    assert!(local_content("m.room.message", "not json", None, true).is_none());
    let odd = json!({"body": 5, "format": HTML_FORMAT, "formatted_body": ["x"]});
    assert!(local_content("m.room.message", &odd.to_string(), None, true).is_some());
}

#[test]
fn outgoing_plain_stays_plain() {
    let c = markdown_to_content("just text, nothing else");
    assert_eq!(
        c,
        json!({"msgtype": "m.text", "body": "just text, nothing else", "m.mentions": {}})
    );
    let c = markdown_to_content("two\nlines");
    assert!(c.get("formatted_body").is_none());
    // Typed HTML is text, so it needs no formatting either.
    let c = markdown_to_content("a <b>tag</b>");
    assert!(c.get("formatted_body").is_none());
    let c = markdown_to_content("a <b>tag</b> **x**");
    assert_eq!(
        c["formatted_body"],
        "a &lt;b&gt;tag&lt;/b&gt; <strong>x</strong>"
    );
}

#[test]
fn outgoing_markdown() {
    let c = markdown_to_content("**bold** ~~s~~");
    assert_eq!(c["formatted_body"], "<strong>bold</strong> <del>s</del>");
    assert_eq!(c["format"], HTML_FORMAT);
    assert_eq!(c["body"], "**bold** ~~s~~");
    let c = markdown_to_content("| a | b |\n|---|---|\n| 1 | 2 |");
    assert!(
        c["formatted_body"]
            .as_str()
            .is_some_and(|h| h.contains("<table>"))
    );
    let c = markdown_to_content("this is ||secret|| ok");
    assert_eq!(
        c["formatted_body"],
        "this is <span data-mx-spoiler>secret</span> ok"
    );
    let c = markdown_to_content("a || b");
    assert!(c.get("formatted_body").is_none(), "{c}");
    let c = markdown_to_content("line one\nline two **x**");
    assert_eq!(
        c["formatted_body"],
        "line one<br />\nline two <strong>x</strong>"
    );
}

#[test]
fn outgoing_commands() {
    let c = markdown_to_content("/me waves");
    assert_eq!(
        (c["msgtype"].as_str(), c["body"].as_str()),
        (Some("m.emote"), Some("waves"))
    );
    let c = markdown_to_content("/notice **hi**");
    assert_eq!(c["msgtype"], "m.notice");
    assert_eq!(c["formatted_body"], "<strong>hi</strong>");
}

#[test]
fn outgoing_mentions_replies_and_edits() {
    let c = markdown_to_content("hi [Bob](https://matrix.to/#/@bob:e.org) and @room");
    assert_eq!(
        c["m.mentions"],
        json!({"user_ids": ["@bob:e.org"], "room": true})
    );
    assert!(
        c["formatted_body"]
            .as_str()
            .is_some_and(|h| h.contains("href=\"https://matrix.to/#/@bob:e.org\""))
    );
    assert_eq!(
        markdown_to_content("mail me@roomy.org")["m.mentions"],
        json!({})
    );

    let mut reply = markdown_to_content("yes");
    reply_to(&mut reply, "$q", "@carol:e.org");
    assert_eq!(
        reply["m.relates_to"],
        json!({"m.in_reply_to": {"event_id": "$q"}})
    );
    assert_eq!(reply["m.mentions"]["user_ids"], json!(["@carol:e.org"]));
    assert_eq!(reply["body"], "yes");

    let edit = edit_of(markdown_to_content("**fixed**"), "$o");
    assert_eq!(
        edit["m.relates_to"],
        json!({"rel_type": "m.replace", "event_id": "$o"})
    );
    assert_eq!(edit["body"], "* **fixed**");
    assert_eq!(edit["formatted_body"], "* <strong>fixed</strong>");
    assert_eq!(
        edit["m.new_content"]["formatted_body"],
        "<strong>fixed</strong>"
    );
    assert_eq!(edit["m.mentions"], json!({}));
}
