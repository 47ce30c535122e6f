//! Markdown recovered from cleaned HTML: the composer's starting text when
//! editing a message that was not typed here (`edit_source`). Rendering the
//! result with `compose::markdown_to_content` gives back equivalent HTML.

use std::rc::Rc;

use ammonia::rcdom::{Handle, NodeData};

use super::render::{MAX_DEPTH, text_content};

/// Markdown for the children of ammonia's root node.
pub fn to_markdown(root: &Handle) -> String {
    tidy(&children_md(root, 0))
}

fn children_md(node: &Handle, depth: usize) -> String {
    let mut out = String::new();
    for child in node.children.borrow().iter() {
        out.push_str(&node_md(child, depth));
    }
    out
}

fn node_md(node: &Handle, depth: usize) -> String {
    let (name, attrs) = match &node.data {
        NodeData::Text { contents } => return text_md(&contents.borrow()),
        NodeData::Element { name, attrs, .. } if depth < MAX_DEPTH => (&*name.local, attrs.borrow()),
        NodeData::Element { .. } => return text_md(&text_content(node)),
        _ => return String::new(),
    };
    let attr = |key: &str| {
        attrs
            .iter()
            .find(|a| &*a.name.local == key)
            .map(|a| a.value.to_string())
    };
    let inner = || children_md(node, depth + 1);
    match name {
        "p" | "div" | "details" | "summary" | "caption" => block(&inner()),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let level = name[1..].parse().unwrap_or(1);
            block(&format!("{} {}", "#".repeat(level), one_line(&inner())))
        }
        "blockquote" => block(&prefix_lines(&tidy(&inner()), "> ", "> ")),
        "ul" | "ol" => block(&list_md(node, name == "ol", attr("start"), depth)),
        "pre" => block(&code_block(node)),
        "code" => inline_code(&text_content(node)),
        "strong" | "b" => wrap("**", &inner()),
        "em" | "i" => wrap("_", &inner()),
        "del" | "s" => wrap("~~", &inner()),
        "a" => {
            let text = inner();
            match attr("href") {
                Some(href) if text == text_md(&href) => format!("<{href}>"),
                Some(href) => format!("[{text}]({})", href.replace(')', "%29").replace(' ', "%20")),
                None => text,
            }
        }
        "span" if attr("data-mx-spoiler").is_some() => wrap("||", &inner()),
        "br" => "\n".to_owned(),
        "hr" => block("---"),
        "img" => attr("alt").map(|a| text_md(&a)).unwrap_or_default(),
        "table" => block(&table_md(node, depth)),
        _ => inner(),
    }
}

/// Text outside code: markdown's punctuation escaped, and whitespace that
/// only formatted the HTML source dropped.
fn text_md(text: &str) -> String {
    if text.trim().is_empty() && text.contains('\n') {
        return String::new();
    }
    let mut out = String::with_capacity(text.len());
    let mut last_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | '|' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn block(s: &str) -> String {
    format!("\n\n{}\n\n", s.trim())
}

fn wrap(marker: &str, s: &str) -> String {
    if s.trim().is_empty() {
        return s.to_owned();
    }
    format!("{marker}{s}{marker}")
}

fn one_line(s: &str) -> String {
    s.trim().replace('\n', " ")
}

fn inline_code(code: &str) -> String {
    let ticks = "`".repeat(longest_run(code, '`') + 1);
    let pad = if code.starts_with('`') || code.ends_with('`') { " " } else { "" };
    format!("{ticks}{pad}{code}{pad}{ticks}")
}

fn code_block(pre: &Handle) -> String {
    let code = text_content(pre);
    let language = pre
        .children
        .borrow()
        .iter()
        .find_map(|c| match &c.data {
            NodeData::Element { name, attrs, .. } if &*name.local == "code" => attrs
                .borrow()
                .iter()
                .find(|a| &*a.name.local == "class")
                .and_then(|a| a.value.strip_prefix("language-").map(str::to_owned)),
            _ => None,
        })
        .unwrap_or_default();
    let fence = "`".repeat(longest_run(&code, '`').max(2) + 1);
    format!("{fence}{language}\n{}\n{fence}", code.trim_end_matches('\n'))
}

fn longest_run(s: &str, c: char) -> usize {
    s.split(|x| x != c).map(str::len).max().unwrap_or(0)
}

fn list_md(list: &Handle, ordered: bool, start: Option<String>, depth: usize) -> String {
    let mut number: u64 = start.and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut items = Vec::new();
    for item in list.children.borrow().iter() {
        let body = tidy(&node_md(item, depth + 1));
        if body.is_empty() && !is_element(item, "li") {
            continue;
        }
        let marker = if ordered { format!("{number}. ") } else { "- ".to_owned() };
        number += 1;
        let indent = " ".repeat(marker.len());
        items.push(prefix_lines(&body, &marker, &indent));
    }
    items.join("\n")
}

fn table_md(table: &Handle, depth: usize) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut stack = vec![table.clone()];
    while let Some(n) = stack.pop() {
        if is_element(&n, "tr") {
            let cells = n
                .children
                .borrow()
                .iter()
                .filter(|c| is_element(c, "td") || is_element(c, "th"))
                .map(|c| one_line(&children_md(c, depth + 3)).replace('|', "\\|"))
                .collect();
            rows.push(cells);
        } else if !is_element(&n, "table") || Rc::ptr_eq(&n, table) {
            stack.extend(n.children.borrow().iter().rev().cloned());
        }
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return String::new();
    }
    let line = |cells: &[String]| {
        let mut padded = cells.to_vec();
        padded.resize(width, String::new());
        format!("| {} |", padded.join(" | "))
    };
    let mut out = vec![line(&rows[0]), line(&vec!["---".to_owned(); width])];
    out.extend(rows[1..].iter().map(|r| line(r)));
    out.join("\n")
}

fn is_element(node: &Handle, tag: &str) -> bool {
    matches!(&node.data, NodeData::Element { name, .. } if &*name.local == tag)
}

fn prefix_lines(s: &str, first: &str, rest: &str) -> String {
    s.lines()
        .enumerate()
        .map(|(i, l)| {
            let p = if i == 0 { first } else { rest };
            if l.is_empty() { p.trim_end().to_owned() } else { format!("{p}{l}") }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// At most one blank line in a row, no blank lines at either end.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut newlines = 0;
    for c in s.trim_matches('\n').chars() {
        if c == '\n' {
            newlines += 1;
            if newlines > 2 {
                continue;
            }
        } else {
            newlines = 0;
        }
        out.push(c);
    }
    out.trim().to_owned()
}
