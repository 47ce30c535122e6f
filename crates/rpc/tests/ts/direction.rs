//! Which way each type travels. A field's presence depends on it: what the
//! backend sends lacks only fields serde skips when serializing, while what
//! the UI sends may leave out every field serde fills in by default.

use std::collections::BTreeMap;

use syn::Type;

use super::rust_type::mentioned;

#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Ways {
    /// Backend to UI: serialized by serde.
    pub out: bool,
    /// UI to backend: deserialized by serde.
    pub into: bool,
}

/// Marks every type reachable from `roots`, following `edges` (the types of
/// a struct's fields, or an alias's target).
pub fn reach<'a>(
    edges: &BTreeMap<String, Vec<&'a Type>>,
    roots: impl IntoIterator<Item = (&'a Type, Ways)>,
) -> BTreeMap<String, Ways> {
    let mut marked: BTreeMap<String, Ways> = BTreeMap::new();
    let mut todo: Vec<(&Type, Ways)> = roots.into_iter().collect();
    while let Some((ty, ways)) = todo.pop() {
        let mut names = Vec::new();
        mentioned(ty, &mut names);
        for name in names {
            let Some(next) = edges.get(&name) else {
                continue;
            };
            let seen = marked.entry(name).or_default();
            let merged = Ways {
                out: seen.out || ways.out,
                into: seen.into || ways.into,
            };
            if merged != *seen {
                *seen = merged;
                todo.extend(next.iter().map(|t| (*t, merged)));
            }
        }
    }
    marked
}
