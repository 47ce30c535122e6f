//! The command and event tables: the `commands! { … }` and `events! { … }`
//! invocations in src/, read with the grammar their `macro_rules!` accept.

use syn::{Attribute, Ident, ItemMacro, LitStr, Token, Type, parse::ParseStream};

/// What a table lists for one name.
pub struct Entry {
    pub docs: Vec<Attribute>,
    pub name: String,
    /// The command's params; `None` for an event.
    pub params: Option<Type>,
    /// The command's result or the event's payload.
    pub payload: Type,
}

pub struct Table {
    /// The TypeScript interface the table becomes.
    pub interface: &'static str,
    pub doc: &'static str,
    pub entries: Vec<Entry>,
}

/// The table an invocation declares, `None` when it is not a table.
pub fn read(item: &ItemMacro) -> Option<Result<Table, String>> {
    let (interface, doc, with_params) = if item.mac.path.is_ident("commands") {
        (
            "Commands",
            "Params and result of each command, by name.",
            true,
        )
    } else if item.mac.path.is_ident("events") {
        (
            "BackendEvents",
            "The payload of each backend event, by name.",
            false,
        )
    } else {
        return None;
    };
    let entries = item
        .mac
        .parse_body_with(|input: ParseStream| {
            let mut entries = Vec::new();
            while !input.is_empty() {
                entries.push(entry(input, with_params)?);
            }
            Ok(entries)
        })
        .map_err(|e| format!("{interface} table: {e}"));
    Some(entries.map(|entries| Table {
        interface,
        doc,
        entries,
    }))
}

/// `#[doc] CONST = "name": Params => Result,` or
/// `#[doc] Variant / CONST = "name": Payload,`.
fn entry(input: ParseStream, with_params: bool) -> syn::Result<Entry> {
    let docs = input.call(Attribute::parse_outer)?;
    if let Some(other) = docs.iter().find(|a| !a.path().is_ident("doc")) {
        return Err(syn::Error::new_spanned(other, "only doc comments go here"));
    }
    input.parse::<Ident>()?;
    if !with_params {
        input.parse::<Token![/]>()?;
        input.parse::<Ident>()?;
    }
    input.parse::<Token![=]>()?;
    let name = input.parse::<LitStr>()?.value();
    input.parse::<Token![:]>()?;
    let first = input.parse::<Type>()?;
    let (params, payload) = if with_params {
        input.parse::<Token![=>]>()?;
        (Some(first), input.parse::<Type>()?)
    } else {
        (None, first)
    };
    input.parse::<Token![,]>()?;
    Ok(Entry {
        docs,
        name,
        params,
        payload,
    })
}
