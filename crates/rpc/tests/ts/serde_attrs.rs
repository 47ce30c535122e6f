//! The `#[serde(...)]` attributes crates/rpc uses. Each place (container,
//! field, variant) names the ones it understands; any other is an error,
//! since the generator cannot know what it does to the wire.

use syn::{Attribute, LitStr, Token};

/// The serde attributes of one item, as `name` or `name = "value"`.
#[derive(Default)]
pub struct Serde(Vec<(String, Option<String>)>);

impl Serde {
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }
}

/// Reads the serde attributes, refusing any not in `allowed`.
pub fn read(attrs: &[Attribute], allowed: &[&str]) -> Result<Serde, String> {
    let mut found = Serde::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            if !allowed.contains(&name.as_str()) {
                return Err(meta.error(format!(
                    "serde attribute `{name}` is not understood here (known: {})",
                    allowed.join(", ")
                )));
            }
            let value = if meta.input.peek(Token![=]) {
                Some(meta.value()?.parse::<LitStr>()?.value())
            } else {
                None
            };
            found.0.push((name, value));
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    }
    Ok(found)
}

/// The traits named in `#[derive(...)]`.
pub fn derives(attrs: &[Attribute]) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        attr.parse_nested_meta(|meta| {
            if let Some(last) = meta.path.segments.last() {
                names.push(last.ident.to_string());
            }
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    }
    Ok(names)
}
