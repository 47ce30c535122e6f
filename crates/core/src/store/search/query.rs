//! The FTS5 MATCH expression for a person's search, built from its words.
//! What they type is never FTS5 syntax: each word is quoted (the last as a
//! prefix), and operators, quotes, stars and brackets are separators.

/// Longest search term taken, in characters.
pub const MAX_TERM_CHARS: usize = 1000;
/// Most words a search may have.
pub const MAX_WORDS: usize = 32;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the search term is longer than {MAX_TERM_CHARS} characters")]
    TooLong,
    #[error("the search term has more than {MAX_WORDS} words")]
    TooManyWords,
}

/// The words of `term` as the index's tokenizer (unicode61) would find
/// them: runs of letters, digits, combining marks and private-use
/// characters. Splitting where the tokenizer would not is the only thing
/// to avoid; a quoted word the tokenizer splits further is a phrase of its
/// parts, which matches the indexed text the same way.
pub fn words(term: &str) -> Result<Vec<&str>, QueryError> {
    if term.chars().count() > MAX_TERM_CHARS {
        return Err(QueryError::TooLong);
    }
    let words: Vec<&str> = term
        .split(|c: char| !is_token_char(c))
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() > MAX_WORDS {
        return Err(QueryError::TooManyWords);
    }
    Ok(words)
}

fn is_token_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c,
            '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}'
            | '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{FFFFD}' | '\u{100000}'..='\u{10FFFD}')
}

/// The MATCH expression: every word in `body` (the last one as a prefix),
/// within one of `rooms` and from one of `senders` when those are given.
/// `None` when the term has no words: nothing can match it.
pub fn match_expression(
    term: &str,
    rooms: &[String],
    senders: &[String],
) -> Result<Option<String>, QueryError> {
    let words = words(term)?;
    let Some((last, first)) = words.split_last() else {
        return Ok(None);
    };
    let mut parts: Vec<String> = first.iter().map(|w| format!("body : \"{w}\"")).collect();
    parts.push(format!("body : \"{last}\" *"));
    for (column, ids) in [("room", rooms), ("sender", senders)] {
        if !ids.is_empty() {
            let any: Vec<String> = ids
                .iter()
                .map(|id| format!("{column} : \"{}\"", id_token(id)))
                .collect();
            parts.push(format!("({})", any.join(" OR ")));
        }
    }
    Ok(Some(parts.join(" AND ")))
}

/// An ID as the one token the index holds for it (SQLite's `hex()`).
pub fn id_token(id: &str) -> String {
    id.bytes().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(term: &str) -> Option<String> {
        match_expression(term, &[], &[]).unwrap()
    }

    #[test]
    fn words_are_quoted_and_the_last_is_a_prefix() {
        assert_eq!(
            expr("Meet at the café"),
            Some(
                "body : \"Meet\" AND body : \"at\" AND body : \"the\" AND body : \"café\" *".into()
            )
        );
        assert_eq!(expr("addr"), Some("body : \"addr\" *".into()));
    }

    #[test]
    fn syntax_is_only_separators() {
        assert_eq!(expr("\"quoted\""), Some("body : \"quoted\" *".into()));
        assert_eq!(
            expr("AND(x OR y) NEAR"),
            Some(
                "body : \"AND\" AND body : \"x\" AND body : \"OR\" AND body : \"y\" AND body : \"NEAR\" *"
                    .into()
            )
        );
        assert_eq!(
            expr("col:value^"),
            Some("body : \"col\" AND body : \"value\" *".into())
        );
        for nothing in [
            "",
            "   ",
            "*",
            "\"",
            "\"\"",
            "AND(",
            "()",
            "-+^:*\"{}",
            "…!?",
        ] {
            let e = expr(nothing);
            if nothing == "AND(" {
                assert_eq!(e, Some("body : \"AND\" *".into()));
            } else {
                assert_eq!(e, None, "{nothing:?}");
            }
        }
    }

    #[test]
    fn marks_and_scripts_stay_inside_words() {
        assert_eq!(
            words("cafe\u{301} 東京 ١٢٣").unwrap(),
            ["cafe\u{301}", "東京", "١٢٣"]
        );
    }

    #[test]
    fn filters_are_token_columns() {
        let e = match_expression("hi", &["!a:x".into(), "!b:x".into()], &["@u:x".into()])
            .unwrap()
            .unwrap();
        assert_eq!(
            e,
            format!(
                "body : \"hi\" * AND (room : \"{}\" OR room : \"{}\") AND (sender : \"{}\")",
                id_token("!a:x"),
                id_token("!b:x"),
                id_token("@u:x")
            )
        );
        assert_eq!(id_token("!a:x"), "21613A78");
    }

    #[test]
    fn oversized_terms_are_refused() {
        assert_eq!(words(&"a".repeat(1001)), Err(QueryError::TooLong));
        assert_eq!(words(&"a ".repeat(33)), Err(QueryError::TooManyWords));
        assert_eq!(words(&"a ".repeat(32)).unwrap().len(), 32);
    }
}
