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

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        let mut out = String::new();
        super::push_escaped(&mut out, r#"<a href="x">&'</a> ü"#);
        assert_eq!(out, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt; ü");
    }
}
