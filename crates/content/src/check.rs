//! An independent, strict reader of our own output, for the fuzzers and
//! tests: only allowlisted elements and attributes, links and images with
//! allowed targets, every element closed in order, nothing unescaped.

use super::{
    render::{MAX_DEPTH, is_output_attribute},
    sanitize::{LINK_SCHEMES, TAGS},
    tree::is_void,
};

/// `Err` names the first thing in `html` that our sanitizer must never write.
pub fn check_output(html: &str) -> Result<(), String> {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(['<', '>', '&', '"']) {
        let at = &rest[i..];
        match at.as_bytes()[0] {
            b'&' => rest = &at[entity_len(at)?..],
            b'<' => {
                let end = at.find('>').ok_or("unterminated tag")?;
                let tag = &at[1..end];
                if let Some(name) = tag.strip_prefix('/') {
                    if open.pop() != Some(name) {
                        return Err(format!("unbalanced </{name}>"));
                    }
                } else {
                    let name = check_start_tag(tag)?;
                    if !is_void(name) {
                        open.push(name);
                        if open.len() > MAX_DEPTH {
                            return Err("nesting too deep".into());
                        }
                    }
                }
                rest = &at[end + 1..];
            }
            other => return Err(format!("raw {:?} in text", other as char)),
        }
    }
    match open.last() {
        Some(name) => Err(format!("<{name}> left open")),
        None => Ok(()),
    }
}

fn entity_len(at: &str) -> Result<usize, String> {
    ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
        .iter()
        .find(|e| at.starts_with(**e))
        .map(|e| e.len())
        .ok_or_else(|| format!("bare & at {:?}", at.chars().take(12).collect::<String>()))
}

/// Checks `name a="v" …` and returns the name.
fn check_start_tag(tag: &str) -> Result<&str, String> {
    let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
    if !TAGS.contains(&name) {
        return Err(format!("tag <{name}>"));
    }
    while !attrs.is_empty() {
        let (key, after) = attrs
            .split_once("=\"")
            .ok_or("attribute without a quoted value")?;
        let (value, after) = after.split_once('"').ok_or("unterminated attribute")?;
        if !is_output_attribute(name, key) {
            return Err(format!("attribute {key} on <{name}>"));
        }
        if value.contains('<') || value.contains('>') {
            return Err(format!("raw < or > in {key}"));
        }
        let mut v = value;
        while let Some(i) = v.find('&') {
            v = &v[i + entity_len(&v[i..])?..];
        }
        check_value(name, key, value)?;
        attrs = after.strip_prefix(' ').unwrap_or(after);
    }
    Ok(name)
}

fn check_value(tag: &str, key: &str, value: &str) -> Result<(), String> {
    let ok = match (tag, key) {
        ("a", "href") => value
            .split_once(':')
            .is_some_and(|(scheme, _)| LINK_SCHEMES.contains(&scheme)),
        ("a", "rel") => value == "noopener noreferrer",
        ("a", "target") => value == "_blank",
        ("img", "src") => value.starts_with("_gomuks/media/"),
        ("span", "data-mx-color" | "data-mx-bg-color") => {
            value.len() == 7 && value.starts_with('#')
        }
        ("code", "class") => value.starts_with("language-") && !value.contains(' '),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{key}={value:.60} on <{tag}>"))
    }
}
