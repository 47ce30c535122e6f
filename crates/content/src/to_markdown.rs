//! Markdown recovered from cleaned HTML: the composer's starting text when
//! editing a message that was not typed here (`edit_source`). Rendering the
//! result with `compose::markdown_to_content` gives back equivalent HTML.

use super::tree::{Element, Node};

/// Markdown for the children of the tree's root.
pub fn to_markdown(root: &Element) -> String {
    tidy(&children_md(root))
}

fn children_md(e: &Element) -> String {
    let mut out = String::new();
    for child in &e.children {
        match child {
            Node::Text(t) => push_text_md(&mut out, t),
            Node::Element(c) => out.push_str(&element_md(c)),
        }
    }
    out
}

fn element_md(e: &Element) -> String {
    let attr = |key: &str| e.attr(key);
    let inner = || children_md(e);
    let name = e.name;
    match name {
        "p" | "div" | "details" | "summary" | "caption" => block(&inner()),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let level = name[1..].parse().unwrap_or(1);
            block(&format!("{} {}", "#".repeat(level), one_line(&inner())))
        }
        "blockquote" => block(&prefix_lines(&tidy(&inner()), "> ", "> ")),
        "ul" | "ol" => block(&list_md(e, name == "ol")),
        "pre" => block(&code_block(e)),
        "code" => inline_code(&e.text()),
        "strong" | "b" => wrap("**", &inner()),
        "em" | "i" => wrap("_", &inner()),
        "del" | "s" => wrap("~~", &inner()),
        "a" => {
            let text = inner();
            match attr("href") {
                Some(href) if text == text_md(href) => format!("<{href}>"),
                Some(href) => format!("[{text}]({})", href.replace(')', "%29").replace(' ', "%20")),
                None => text,
            }
        }
        "span" if attr("data-mx-spoiler").is_some() => wrap("||", &inner()),
        "br" => "\n".to_owned(),
        "hr" => block("---"),
        "img" => attr("alt").map(text_md).unwrap_or_default(),
        "table" => block(&table_md(e)),
        _ => inner(),
    }
}

/// Text outside code: markdown's punctuation escaped, and whitespace that
/// only formatted the HTML source dropped.
fn text_md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_text_md(&mut out, text);
    out
}

fn push_text_md(out: &mut String, text: &str) {
    if text.trim().is_empty() && text.contains('\n') {
        return;
    }
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
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | '|' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
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
    let pad = if code.starts_with('`') || code.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{code}{pad}{ticks}")
}

fn code_block(pre: &Element) -> String {
    let code = pre.text();
    let language = pre
        .children
        .iter()
        .find_map(|c| match c {
            Node::Element(code) if code.name == "code" => code.attr("class"),
            _ => None,
        })
        .and_then(|class| class.strip_prefix("language-"))
        .unwrap_or_default();
    let fence = "`".repeat(longest_run(&code, '`').max(2) + 1);
    format!(
        "{fence}{language}\n{}\n{fence}",
        code.trim_end_matches('\n')
    )
}

fn longest_run(s: &str, c: char) -> usize {
    s.split(|x| x != c).map(str::len).max().unwrap_or(0)
}

fn list_md(list: &Element, ordered: bool) -> String {
    let start: u64 = list.attr("start").and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut items = Vec::new();
    for (number, item) in (start..).zip(elements(list)) {
        let body = tidy(&element_md(item));
        let marker = if ordered {
            format!("{number}. ")
        } else {
            "- ".to_owned()
        };
        let indent = " ".repeat(marker.len());
        items.push(prefix_lines(&body, &marker, &indent));
    }
    items.join("\n")
}

fn table_md(table: &Element) -> String {
    let sections = elements(table).filter(|e| matches!(e.name, "thead" | "tbody"));
    let rows: Vec<Vec<String>> = elements(table)
        .filter(|e| e.name == "tr")
        .chain(sections.flat_map(elements))
        .filter(|e| e.name == "tr")
        .map(|tr| {
            elements(tr)
                .filter(|c| matches!(c.name, "td" | "th"))
                .map(|c| one_line(&children_md(c)).replace('|', "\\|"))
                .collect()
        })
        .collect();
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

fn elements(e: &Element) -> impl Iterator<Item = &Element> {
    e.children.iter().filter_map(|c| match c {
        Node::Element(e) => Some(e),
        Node::Text(_) => None,
    })
}

fn prefix_lines(s: &str, first: &str, rest: &str) -> String {
    s.lines()
        .enumerate()
        .map(|(i, l)| {
            let p = if i == 0 { first } else { rest };
            if l.is_empty() {
                p.trim_end().to_owned()
            } else {
                format!("{p}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// At most one blank line in a row outside fenced code (whose lines are the
/// code's own, blank ones included), no blank lines at either end.
fn tidy(s: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    let mut fence: Option<&str> = None;
    for line in s.trim_matches('\n').split('\n') {
        let start = line.trim_start();
        let ticks = &start[..start.len() - start.trim_start_matches('`').len()];
        match fence {
            Some(open) if start.trim_end() == open => fence = None,
            Some(_) => {}
            None if ticks.len() >= 3 => fence = Some(ticks),
            None if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) => continue,
            None => {}
        }
        lines.push(line);
    }
    lines.join("\n").trim().to_owned()
}
