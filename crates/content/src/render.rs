//! Writes the cleaned tree out as the HTML the UI renders: Matrix links
//! marked as pills, images without a loadable source reduced to their alt
//! text. Only allowlisted elements and attributes, plus the pill markings,
//! are written, and text and attribute values are always escaped, so the
//! result holds whatever the tree was read from.

use super::{
    escape::push_escaped,
    pill::Pill,
    sanitize::{TAG_ATTRIBUTES, TAGS},
    tree::{Element, Node, is_void},
};

/// Elements nested deeper than this are dropped; their text is kept.
pub const MAX_DEPTH: usize = 100;

/// What rendering found out besides the HTML itself.
#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub has_math: bool,
}

/// Renders the children of the tree's root.
pub fn render(root: &Element) -> Rendered {
    let mut r = Rendered::default();
    write_children(&mut r, root);
    r
}

fn write_children(r: &mut Rendered, e: &Element) {
    for child in &e.children {
        match child {
            Node::Text(t) => push_escaped(&mut r.html, t),
            Node::Element(c) if TAGS.contains(&c.name) => write_element(r, c),
            Node::Element(c) => push_escaped(&mut r.html, &c.text()),
        }
    }
}

fn write_element(r: &mut Rendered, e: &Element) {
    let name = e.name;
    if name == "img" && e.attr("src").is_none() {
        return push_escaped(&mut r.html, e.attr("alt").unwrap_or_default());
    }
    r.has_math |= matches!(name, "span" | "div") && e.attr("data-mx-maths").is_some();
    r.html.push('<');
    r.html.push_str(name);
    for (key, value) in &e.attrs {
        if is_output_attribute(name, key) {
            push_attr(&mut r.html, key, value);
        }
    }
    if name == "a"
        && let Some(pill) = e.attr("href").and_then(Pill::parse)
    {
        push_pill(&mut r.html, &pill);
    }
    r.html.push('>');
    if is_void(name) {
        return;
    }
    // The parser drops one newline right after <pre>; keep a leading one.
    if name == "pre" && matches!(e.children.first(), Some(Node::Text(t)) if t.starts_with('\n')) {
        r.html.push('\n');
    }
    write_children(r, e);
    r.html.push_str("</");
    r.html.push_str(name);
    r.html.push('>');
}

/// The class and data attributes by which the UI knows a pill.
pub fn push_pill(out: &mut String, pill: &Pill) {
    push_attr(out, "class", pill.class());
    push_attr(out, "data-mx-pill", pill.target());
    if let Some(event_id) = pill.event_id() {
        push_attr(out, "data-mx-event", event_id);
    }
}

fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    push_escaped(out, value);
    out.push('"');
}

/// What links carry besides the input allowlist: `rel` and the pill markings.
pub const LINK_EXTRA_ATTRIBUTES: &[&str] = &["rel", "class", "data-mx-pill", "data-mx-event"];

/// Whether `attr` may appear on `tag` in our output: the input allowlist,
/// `rel` on links (always `noopener noreferrer`), and the pill markings
/// (`class` and `data-mx-*` on links, written only by us).
pub fn is_output_attribute(tag: &str, attr: &str) -> bool {
    TAG_ATTRIBUTES
        .iter()
        .any(|(t, attrs)| *t == tag && attrs.contains(&attr))
        || (tag == "a" && LINK_EXTRA_ATTRIBUTES.contains(&attr))
}
