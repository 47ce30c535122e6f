//! HTML escaping for text and double-quoted attribute values.

/// Appends `s` with `& < > " '` escaped, which is safe both as element
/// text and inside a double-quoted attribute value.
pub fn push_escaped(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

pub fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    push_escaped(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(super::escaped(r#"<a href="x">&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
        assert_eq!(super::escaped("plain ünïcode"), "plain ünïcode");
    }
}
