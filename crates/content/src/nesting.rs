//! Caps the nesting of a raw `formatted_body` before ammonia parses it.
//!
//! The HTML tree builder (html5ever, inside ammonia) checks scopes by walking
//! its stack of open elements on nearly every tag, so its cost grows with the
//! square of the nesting: 50 KB of unclosed `<ul><li>` took half a second
//! (seconds in a debug build). The tree we read ammonia's output into is
//! capped at `MAX_DEPTH` anyway, so a body that could nest deeper than
//! `PARSE_DEPTH` is tokenized here (html5ever's tokenizer, which is linear),
//! start tags deeper than that are dropped, their text kept, and the rest is
//! written back out as plain, regular HTML: escaped text, tags with
//! double-quoted attribute values, no comments. Ammonia's parser then reads
//! no tag that was not counted here, whatever the input's tricks.
//!
//! The depth counted bounds the parser's, up to the elements the parser adds
//! itself (a table's body and row, formatting elements reopened): every start
//! tag opens an element here until its own end tag arrives while it is the
//! innermost one. The implicit closings the parser does (`</div>` closing a
//! `<b>` inside it, and so on) are left to the parser, except the few in
//! `close_implied` that keep sloppy lists, paragraphs and tables flat.

use std::{borrow::Cow, cell::RefCell};

use html5ever::{
    LocalName,
    buffer_queue::BufferQueue,
    tendril::StrTendril,
    tokenizer::{
        Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts, states::RawKind,
    },
};

use super::{escape::push_escaped, render::MAX_DEPTH};

/// Elements nested deeper than this in the raw HTML, counting every tag,
/// are dropped before parsing; their text is kept. Twice the rendered cap,
/// so unwrapped tags (`font`, unknown ones) and misnesting rarely cost a
/// level that would have been rendered.
pub const PARSE_DEPTH: usize = 2 * MAX_DEPTH;

/// `html` with nesting capped at `PARSE_DEPTH`. A body with no more possible
/// start tags than that (a `<` and a letter; no tokenizer state reads one
/// from anything else) cannot nest deeper and is returned as it is: most
/// messages, which so skip the extra pass.
pub fn cap(html: &str) -> Cow<'_, str> {
    let mut start_tags = html
        .as_bytes()
        .windows(2)
        .filter(|w| w[0] == b'<' && w[1].is_ascii_alphabetic());
    if start_tags.nth(PARSE_DEPTH).is_none() {
        Cow::Borrowed(html)
    } else {
        Cow::Owned(rewrite(html))
    }
}

/// `html` tokenized and written out regularly, nesting capped; ammonia reads
/// it into the same tree as `html` wherever that tree is shallower (raw-text
/// elements and foreign content aside, see `State::tag`).
fn rewrite(html: &str) -> String {
    let tokenizer = Tokenizer::new(Capper::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    // Our sink never pauses the tokenizer for a script, so one feed reads it all.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    std::mem::take(&mut tokenizer.sink.0.borrow_mut().out)
}

#[derive(Default)]
struct Capper(RefCell<State>);

#[derive(Default)]
struct State {
    out: String,
    /// The elements open in what we wrote, innermost last.
    open: Vec<LocalName>,
    /// How many of `open` are `svg` or `math`: inside them the parser reads
    /// tags as foreign elements, which have no void or raw-text kinds.
    foreign: usize,
    /// Inside raw text whose end tag we do not write.
    raw: Option<RawContent>,
}

#[derive(Clone, Copy, PartialEq)]
enum RawContent {
    /// `script` and `style`: ammonia drops them with their content, so we
    /// write none of it.
    Hidden,
    /// `xmp`, `iframe`, `noembed`, `noframes`, `noscript` (and `plaintext`,
    /// to the end): their content is raw text, where escapes are not read,
    /// so it is written as text after the element, written empty.
    AfterElement,
}

impl TokenSink for Capper {
    type Handle = ();

    fn process_token(&self, token: Token, _line_number: u64) -> TokenSinkResult<()> {
        let mut state = self.0.borrow_mut();
        match token {
            Token::CharacterTokens(text) if state.raw != Some(RawContent::Hidden) => {
                push_escaped(&mut state.out, &text);
            }
            // Dropped in HTML content (the parser does), a replacement
            // character in foreign content (the parser writes one).
            Token::NullCharacterToken if state.foreign > 0 => state.out.push('\u{fffd}'),
            Token::TagToken(tag) => return state.tag(tag),
            // Comments and doctypes are dropped by ammonia and the parser.
            _ => {}
        }
        TokenSinkResult::Continue
    }

    /// CDATA sections are text in foreign content, bogus comments elsewhere.
    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.0.borrow().foreign > 0
    }
}

impl State {
    fn tag(&mut self, tag: Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        if tag.kind == TagKind::EndTag {
            // In raw text the tokenizer's only end tag is the element's own.
            if self.raw.take().is_none() && is_plain_name(name) {
                self.end_tag(name);
            }
            return TokenSinkResult::Continue;
        }
        // A name the allowlist cannot hold (`<a"b>`): ammonia would unwrap it.
        if !is_plain_name(name) {
            return TokenSinkResult::Continue;
        }
        let html = self.foreign == 0;
        if html {
            match name {
                "script" | "style" => {
                    self.raw = Some(RawContent::Hidden);
                    return TokenSinkResult::RawData(if name == "script" {
                        RawKind::ScriptData
                    } else {
                        RawKind::Rawtext
                    });
                }
                "xmp" | "iframe" | "noembed" | "noframes" | "noscript" | "plaintext" => {
                    // `plaintext` has no end tag; `xmp` closes a paragraph
                    // as it does.
                    let element = if name == "plaintext" { "xmp" } else { name };
                    if self.open.len() < PARSE_DEPTH {
                        self.out.push_str(&format!("<{element}></{element}>"));
                    }
                    if name == "plaintext" {
                        return TokenSinkResult::Plaintext;
                    }
                    self.raw = Some(RawContent::AfterElement);
                    return TokenSinkResult::RawData(RawKind::Rawtext);
                }
                _ if is_void(name) => {
                    self.start_tag(&tag);
                    return TokenSinkResult::Continue;
                }
                // At the cap, siblings are dropped too: nothing this deep is
                // rendered, and the parser's every tag there walks the cap.
                _ if self.open.len() < PARSE_DEPTH => self.close_implied(name),
                _ => {}
            }
        }
        let foreign_root = matches!(name, "svg" | "math");
        if self.open.len() < PARSE_DEPTH {
            self.start_tag(&tag);
            // The parser closes a self-closing foreign root at once; inside
            // foreign content it may not be foreign content any more.
            if !(html && foreign_root && tag.self_closing) {
                self.foreign += usize::from(foreign_root);
                self.open.push(tag.name.clone());
            }
        }
        match name {
            // Their content is text with escapes read, as we write it.
            "textarea" | "title" if html => TokenSinkResult::RawData(RawKind::Rcdata),
            _ => TokenSinkResult::Continue,
        }
    }

    /// Closes what a start tag `name` closes in the parser too, when it is
    /// the innermost open element: a paragraph, list item, option or table
    /// cell its like, a row the row or cell before it.
    fn close_implied(&mut self, name: &str) {
        let closes: &[&str] = match name {
            "p" => &["p"],
            "li" => &["li"],
            "dd" | "dt" => &["dd", "dt"],
            "option" => &["option"],
            "td" | "th" => &["td", "th"],
            "tr" => &["td", "th", "tr"],
            _ => return,
        };
        while self.open.last().is_some_and(|top| closes.contains(&&**top)) {
            let last = self.open.pop();
            // A row closes one cell and itself; the others close one like.
            if name != "tr" || last.is_some_and(|l| &*l == "tr") {
                break;
            }
        }
    }

    fn start_tag(&mut self, tag: &Tag) {
        let out = &mut self.out;
        out.push('<');
        out.push_str(&tag.name);
        for attr in &tag.attrs {
            let key: &str = &attr.name.local;
            // Ammonia keeps only allowlisted names, none of them odd.
            if is_plain_name(key) {
                out.push(' ');
                out.push_str(key);
                out.push_str("=\"");
                push_escaped(out, &attr.value);
                out.push('"');
            }
        }
        // Heeded in foreign content only, as in the input.
        if tag.self_closing {
            out.push('/');
        }
        out.push('>');
    }

    /// Writes `</name>`, which the parser acts on as it would have in the
    /// input, and closes `name` here if it is the innermost open element.
    fn end_tag(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        if self.open.last().is_some_and(|top| &**top == name) {
            self.open.pop();
            self.foreign -= usize::from(matches!(name, "svg" | "math"));
        }
    }
}

/// Elements the parser never leaves open in HTML content.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "image"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b':' | b'.')
        })
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::{render::render, sanitize::ammonia_clean, tree};

    /// What `sanitize_html` makes of `html` parsed as it is.
    fn rendered(html: &str) -> String {
        render(&tree::parse(&ammonia_clean(html))).html
    }

    /// The deepest nesting in regular HTML (ammonia's output).
    fn depth(html: &str) -> usize {
        let (mut open, mut deepest) = (0usize, 0);
        for tag in html.split('<').skip(1) {
            if tag.starts_with('/') {
                open = open.saturating_sub(1);
            } else if !["br", "hr", "img"].iter().any(|v| tag.starts_with(v)) {
                open += 1;
                deepest = deepest.max(open);
            }
        }
        deepest
    }

    #[test]
    fn bodies_with_few_tags_pass_as_they_are() {
        let few = "<b>x</b>".repeat(PARSE_DEPTH);
        assert!(matches!(cap(&few), Cow::Borrowed(_)));
        assert!(matches!(cap(&format!("{few}<i>")), Cow::Owned(_)));
        // Only a letter after `<` can start a tag.
        let no_tags = "a < b <3 </b> <!x> <?y>".repeat(500);
        assert!(matches!(cap(&no_tags), Cow::Borrowed(_)));
    }

    #[test]
    fn the_parser_never_nests_deeper_than_the_cap() {
        for levels in [300, 3_000, 8_000] {
            for (deep, tags_per_level) in [("<ul><li>", 2), ("<blockquote>", 1), ("<div><b>", 2)] {
                let body = format!("{}x", deep.repeat(levels / tags_per_level));
                let out = ammonia_clean(&cap(&body));
                let what = format!("{levels} levels of {deep}");
                assert!(depth(&out) <= PARSE_DEPTH, "{what}: {}", depth(&out));
                assert!(out.contains('x'), "{what}: the text stays");
            }
        }
    }

    /// Rewriting, done to big bodies only, changes nothing ammonia keeps:
    /// checked on every body, big or not, of the hostile corpus and on
    /// ordinary messages.
    #[test]
    fn rewriting_keeps_what_renders() {
        let corpus = include_str!("../../../tests/xss/payloads.jsonl");
        // Lone surrogates (a few payloads) cannot be Rust strings.
        let hostile: Vec<(String, String)> = corpus
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter_map(|p| {
                let field = |key: &str| p[key].as_str().map(str::to_owned);
                Some((field("name")?, field("formatted_body")?))
            })
            .collect();
        assert!(hostile.len() > 300);
        let ordinary = [
            "<p>Hi <a href=\"https://matrix.to/#/@a:e.org\">Alice</a>, see <code>x &lt; y</code> &amp; <em>this</em></p>",
            "<mx-reply><blockquote><a href=\"https://matrix.to/#/!r:e.org/$e\">In reply to</a><br>old</blockquote></mx-reply>new",
            "<pre><code class=\"language-rust\">\nfn main() {}\n</code></pre>",
            "<ol start=\"3\"><li>one<ul><li>two</li></ul></li><li><p>three</p></li></ol>",
            "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>",
            "<table><tr><td>sloppy<td>cells<tr><td>rows</table>",
            "<ul><li>unclosed<li>items<li><p>para<p>graphs</ul>",
            "<span data-mx-spoiler=\"why\">s</span> <span data-mx-color=\"#ff0000\">red</span><img src=\"mxc://e.org/a\" alt=\"pic\">",
            "<details><summary>more</summary>text</details><hr><h1>t</h1><del>d</del></br>",
            "<b>bold <i>both</b> italic</i> <div>a<p>b</div>c <font color=red>f</font>",
            "<!-- note --><script>alert(1)</script><style>p{}</style>after",
            "<xmp><b>shown</b></xmp> <textarea>a &amp; <b></textarea> <noscript><i>n</i></noscript>",
            "<svg><path/>svg text<a href=\"https://x\">drop</a></svg> <math><mi>x</mi></math>",
            "<p>a<xmp>raw</xmp>b</p><iframe src=\"https://x\"><b>f</b></iframe>",
            "<p>a<b>b<plaintext>c</b><i>the rest",
        ];
        // The cap itself (PARSE_DEPTH), and foreign content: raw text after
        // leaving `svg` for HTML is read as markup here, as text by the parser.
        let differing = [
            "nesting-table-500",
            "nesting-mixed",
            "nesting-a",
            "mxss-svg-p-style",
            "mxss-svg-p-style-2",
        ];
        let ordinary = ordinary
            .iter()
            .map(|b| ("ordinary".to_owned(), b.to_string()));
        for (name, body) in hostile.into_iter().chain(ordinary) {
            let (as_is, rewritten) = (rendered(&body), rendered(&rewrite(&body)));
            if differing.contains(&name.as_str()) {
                assert_ne!(
                    as_is, rewritten,
                    "{name} is as it was: take it off the list"
                );
            } else {
                assert_eq!(as_is, rewritten, "{name}: {body:?}");
            }
        }
    }
}
