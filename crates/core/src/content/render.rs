//! Writes the cleaned DOM back out as HTML: nesting capped, Matrix links
//! marked as pills, images without a loadable source reduced to their alt
//! text. Only elements and attributes ammonia kept, plus our pill markings,
//! are written; text and attribute values are always escaped.

use ammonia::rcdom::{Handle, NodeData};

use super::{escape::push_escaped, pill::Pill};

/// Elements nested deeper than this are dropped; their text is kept.
pub const MAX_DEPTH: usize = 100;

const HTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// What rendering found out besides the HTML itself.
#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub has_math: bool,
}

/// Renders the children of ammonia's root node.
pub fn render(root: &Handle) -> Rendered {
    let mut r = Rendered::default();
    for child in root.children.borrow().iter() {
        write_node(&mut r, child, 0);
    }
    r
}

fn write_node(r: &mut Rendered, node: &Handle, depth: usize) {
    let (name, attrs) = match &node.data {
        NodeData::Text { contents } => return push_escaped(&mut r.html, &contents.borrow()),
        NodeData::Element { name, attrs, .. } if &*name.ns == HTML_NS && depth < MAX_DEPTH => {
            (&*name.local, attrs.borrow())
        }
        // Too deep (or not HTML, which ammonia never keeps): text only.
        NodeData::Element { .. } => return push_escaped(&mut r.html, &text_content(node)),
        _ => return,
    };
    let attr = |key: &str| {
        attrs
            .iter()
            .find(|a| &*a.name.local == key)
            .map(|a| &*a.value)
    };
    if name == "img" && attr("src").is_none() {
        return push_escaped(&mut r.html, attr("alt").unwrap_or_default());
    }
    r.has_math |= matches!(name, "span" | "div") && attr("data-mx-maths").is_some();
    r.html.push('<');
    r.html.push_str(name);
    for a in attrs.iter() {
        push_attr(&mut r.html, &a.name.local, &a.value);
    }
    if name == "a" {
        if let Some(pill) = attr("href").and_then(Pill::parse) {
            push_attr(&mut r.html, "class", pill.class());
            push_attr(&mut r.html, "data-mx-pill", pill.target());
            if let Some(event_id) = pill.event_id() {
                push_attr(&mut r.html, "data-mx-event", event_id);
            }
        }
    }
    r.html.push('>');
    if matches!(name, "br" | "hr" | "img") {
        return;
    }
    let children = node.children.borrow();
    // The parser drops one newline right after <pre>; keep a leading one.
    if name == "pre"
        && children.first().is_some_and(
            |c| matches!(&c.data, NodeData::Text { contents } if contents.borrow().starts_with('\n')),
        )
    {
        r.html.push('\n');
    }
    for child in children.iter() {
        write_node(r, child, depth + 1);
    }
    r.html.push_str("</");
    r.html.push_str(name);
    r.html.push('>');
}

fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    push_escaped(out, value);
    out.push('"');
}

/// All text below `node`; iterative, as the subtree may be deep.
pub fn text_content(node: &Handle) -> String {
    let mut out = String::new();
    let mut stack = vec![node.clone()];
    while let Some(n) = stack.pop() {
        if let NodeData::Text { contents } = &n.data {
            out.push_str(&contents.borrow());
        }
        stack.extend(n.children.borrow().iter().rev().cloned());
    }
    out
}

/// Whether `attr` may appear on `tag` in our output: ammonia's allowlist,
/// `rel` on links, and the pill markings.
pub fn is_output_attribute(tag: &str, attr: &str) -> bool {
    super::sanitize::TAG_ATTRIBUTES
        .iter()
        .any(|(t, attrs)| *t == tag && attrs.contains(&attr))
        || (tag == "a" && matches!(attr, "rel" | "class" | "data-mx-pill" | "data-mx-event"))
}
