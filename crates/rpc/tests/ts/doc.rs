//! Rust doc comments as TSDoc.

use syn::{Attribute, Expr, ExprLit, Lit, Meta};

/// The `///` lines of an item, one leading space dropped from each.
pub fn lines(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| line.strip_prefix(' ').unwrap_or(&line).to_string())
        .collect()
}

/// A TSDoc block at `indent`, or nothing when there are no doc lines.
pub fn tsdoc(lines: &[String], indent: &str) -> String {
    let lines: Vec<String> = lines.iter().map(|l| l.replace("*/", "*\\/")).collect();
    match lines.as_slice() {
        [] => String::new(),
        [one] => format!("{indent}/** {one} */\n"),
        many => {
            let mut out = format!("{indent}/**\n");
            for line in many {
                if line.is_empty() {
                    out += &format!("{indent} *\n");
                } else {
                    out += &format!("{indent} * {line}\n");
                }
            }
            out + &format!("{indent} */\n")
        }
    }
}
