//! A small tree read back from ammonia's output, which is our input to
//! rendering and to markdown recovery (ammonia keeps its own DOM private).
//! Its output is regular: every `<` in text is escaped, attribute values are
//! double-quoted, void elements have no end tag. Reading it is where nesting
//! is capped, so everything after may recurse.

use super::{
    render::{LINK_EXTRA_ATTRIBUTES, MAX_DEPTH},
    sanitize::{TAG_ATTRIBUTES, TAGS},
};

#[derive(Debug)]
pub enum Node {
    Text(String),
    Element(Element),
}

#[derive(Debug, Default)]
pub struct Element {
    /// Names are the allowlist's own strings: no allocation per element.
    pub name: &'static str,
    pub attrs: Vec<(&'static str, String)>,
    pub children: Vec<Node>,
}

impl Element {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// All text below this element.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.push_text(&mut out);
        out
    }

    fn push_text(&self, out: &mut String) {
        for child in &self.children {
            match child {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.push_text(out),
            }
        }
    }
}

fn attribute_name(name: &str) -> Option<&'static str> {
    TAG_ATTRIBUTES
        .iter()
        .flat_map(|(_, attrs)| attrs.iter())
        .chain(LINK_EXTRA_ATTRIBUTES)
        .find(|a| **a == name)
        .copied()
}

pub fn is_void(name: &str) -> bool {
    matches!(name, "br" | "hr" | "img")
}

/// Reads ammonia's output into a root element (named ""). Elements nested
/// deeper than `MAX_DEPTH` are left out; their text is kept.
pub fn parse(html: &str) -> Element {
    let mut stack = vec![Element::default()];
    // Open elements left out for depth, whose end tags are still to come.
    let mut skipped = 0usize;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut stack, rest);
            break;
        };
        push_text(&mut stack, &rest[..lt]);
        rest = &rest[lt..];
        let Some((tag, after)) = read_tag(rest) else {
            // Not a tag ammonia writes; keep the character as text.
            push_text(&mut stack, "&lt;");
            rest = &rest[1..];
            continue;
        };
        rest = after;
        match tag {
            Tag::End(name) => {
                if skipped > 0 {
                    skipped -= 1;
                } else if stack.len() > 1 && stack.last().is_some_and(|e| e.name == name) {
                    close(&mut stack);
                }
            }
            Tag::Start(element) => {
                let void = is_void(element.name);
                if stack.len() > MAX_DEPTH {
                    skipped += usize::from(!void);
                } else if void {
                    if let Some(top) = stack.last_mut() {
                        top.children.push(Node::Element(element));
                    }
                } else {
                    stack.push(element);
                }
            }
        }
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack.pop().unwrap_or_default()
}

fn close(stack: &mut Vec<Element>) {
    if let (Some(done), Some(parent)) = (stack.pop(), stack.last_mut()) {
        parent.children.push(Node::Element(done));
    }
}

fn push_text(stack: &mut [Element], escaped: &str) {
    if escaped.is_empty() {
        return;
    }
    let Some(top) = stack.last_mut() else { return };
    let text = unescape(escaped);
    if let Some(Node::Text(prev)) = top.children.last_mut() {
        prev.push_str(&text);
    } else {
        top.children.push(Node::Text(text));
    }
}

enum Tag<'a> {
    Start(Element),
    End(&'a str),
}

/// Reads `<name a="v">` or `</name>` at the start of `s`.
fn read_tag(s: &str) -> Option<(Tag<'_>, &str)> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '-';
    if let Some(rest) = s.strip_prefix("</") {
        let end = rest.find(|c| !is_name(c))?;
        let after = rest[end..].strip_prefix('>')?;
        return Some((Tag::End(&rest[..end]), after));
    }
    let rest = s.strip_prefix('<')?;
    let end = rest.find(|c| !is_name(c))?;
    if end == 0 {
        return None;
    }
    let mut element = Element {
        name: TAGS.iter().find(|t| **t == &rest[..end]).copied()?,
        ..Element::default()
    };
    let mut rest = &rest[end..];
    loop {
        if let Some(after) = rest.strip_prefix('>') {
            return Some((Tag::Start(element), after));
        }
        rest = rest.strip_prefix(' ')?;
        let name_end = rest.find(|c| !is_name(c))?;
        let name = &rest[..name_end];
        let value_and_rest = rest[name_end..].strip_prefix("=\"")?;
        let value_end = value_and_rest.find('"')?;
        // Ammonia writes only allowlisted attributes; anything else is dropped.
        if let Some(key) = attribute_name(name) {
            element
                .attrs
                .push((key, unescape(&value_and_rest[..value_end])));
        }
        rest = &value_and_rest[value_end + 1..];
    }
}

/// Undoes the escapes html5ever's serializer writes.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let known = [
            ("&amp;", "&"),
            ("&lt;", "<"),
            ("&gt;", ">"),
            ("&quot;", "\""),
            ("&nbsp;", "\u{a0}"),
        ]
        .into_iter()
        .find(|(entity, _)| rest.starts_with(entity));
        match known {
            Some((entity, ch)) => {
                out.push_str(ch);
                rest = &rest[entity.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_serialized_html() {
        let root = parse(r#"a &lt;b&gt; <p class="x &amp; &quot;y&quot;">c<br>d</p>&amp;"#);
        assert_eq!(root.children.len(), 3);
        let Node::Element(p) = &root.children[1] else {
            panic!()
        };
        assert_eq!(p.name, "p");
        assert_eq!(p.attr("class"), Some("x & \"y\""));
        assert_eq!(p.text(), "cd");
        assert_eq!(root.text(), "a <b> cd&");
    }

    #[test]
    fn caps_depth_and_keeps_text() {
        let html = format!("{}deep{}after", "<b>".repeat(500), "</b>".repeat(500));
        let root = parse(&html);
        assert_eq!(root.text(), "deepafter");
        let mut depth = 0;
        let mut e = &root;
        while let Some(Node::Element(child)) = e.children.first() {
            depth += 1;
            e = child;
        }
        assert_eq!(depth, MAX_DEPTH);
    }
}
