//! Writes crates/rpc's wire types as TypeScript (ui/src/rpc/generated.ts).
//! It reads the source with syn, so the Rust types need no extra derives or
//! attributes; whatever it does not understand is an error naming the type
//! and field, never a guess.

mod direction;
mod doc;
mod rust_type;
mod serde_attrs;
mod table;
#[cfg(test)]
mod tests;

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

use quote::ToTokens;
use syn::{
    Expr, ExprLit, Fields, GenericParam, Generics, Item, ItemEnum, ItemMod, ItemStruct, ItemType,
    Lit, Visibility,
};

use direction::Ways;
use rust_type::{Scope, to_ts};
use table::Table;

pub const REGENERATE: &str =
    "TRELLIS_WRITE_TYPES=1 cargo test -p trellis-rpc --test generated_types";

/// The modules lib.rs declares, in its order, as (file name, source).
pub fn read_crate(src: &Path) -> Result<Vec<(String, String)>, String> {
    let read = |file: &str| fs::read_to_string(src.join(file)).map_err(|e| format!("{file}: {e}"));
    let lib = syn::parse_file(&read("lib.rs")?).map_err(|e| format!("lib.rs: {e}"))?;
    lib.items
        .iter()
        .filter_map(|item| match item {
            Item::Mod(m) => Some(format!("{}.rs", m.ident)),
            _ => None,
        })
        .map(|file| Ok((file.clone(), read(&file)?)))
        .collect()
}

/// What every item needs to know about the others.
struct Context {
    declared: BTreeSet<String>,
    ways: BTreeMap<String, Ways>,
}

/// The TypeScript for `modules`, each a (file name, source) pair.
pub fn generate(modules: &[(String, String)]) -> Result<String, String> {
    let files = modules
        .iter()
        .map(|(name, source)| {
            syn::parse_file(source)
                .map(|file| (name, file))
                .map_err(|e| format!("{name}: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;

    let mut declared = BTreeSet::new();
    let mut edges = BTreeMap::new();
    let mut tables = Vec::new();
    for item in files.iter().flat_map(|(_, file)| &file.items) {
        match item {
            Item::Struct(s) if is_pub(&s.vis) => {
                declared.insert(s.ident.to_string());
                edges.insert(
                    s.ident.to_string(),
                    s.fields.iter().map(|f| &f.ty).collect(),
                );
            }
            Item::Enum(e) if is_pub(&e.vis) => {
                declared.insert(e.ident.to_string());
            }
            Item::Type(t) if is_pub(&t.vis) => {
                declared.insert(t.ident.to_string());
                edges.insert(t.ident.to_string(), vec![&*t.ty]);
            }
            Item::Macro(m) => tables.extend(table::read(m).transpose()?),
            _ => {}
        }
    }
    const SENT: Ways = Ways {
        out: false,
        into: true,
    };
    const ANSWERED: Ways = Ways {
        out: true,
        into: false,
    };
    let roots = tables
        .iter()
        .flat_map(|t: &Table| &t.entries)
        .flat_map(|e| {
            let params = e.params.iter().map(|p| (p, SENT));
            params.chain([(&e.payload, ANSWERED)])
        });
    let cx = Context {
        ways: direction::reach(&edges, roots),
        declared,
    };

    let mut out = format!(
        "// Generated from crates/rpc/src by crates/rpc/tests/generated_types.rs.\n\
         // Do not edit: change the Rust types, then run\n// {REGENERATE}\n"
    );
    for (name, file) in &files {
        out += &format!("\n// --- {name} ---\n");
        for item in &file.items {
            let ts = item_ts(item, &cx).map_err(|e| format!("{name}: {e}"))?;
            if !ts.is_empty() {
                out += "\n";
                out += &ts;
            }
        }
    }
    Ok(out)
}

fn item_ts(item: &Item, cx: &Context) -> Result<String, String> {
    match item {
        // Imports, methods and macro definitions put nothing on the wire.
        Item::Use(_) | Item::Impl(_) => Ok(String::new()),
        Item::Macro(m) if m.ident.is_some() => Ok(String::new()),
        Item::Macro(m) => match table::read(m) {
            Some(t) => table_ts(&t?, cx),
            None => Err(format!(
                "macro `{}!` is neither the command nor the event table",
                m.mac.path.to_token_stream()
            )),
        },
        // Private helpers (`is_zero`) stay in Rust.
        _ if is_private(item) => Ok(String::new()),
        Item::Struct(s) => struct_ts(s, cx).map_err(|e| format!("{}: {e}", s.ident)),
        Item::Enum(e) => enum_ts(e).map_err(|err| format!("{}: {err}", e.ident)),
        Item::Type(t) => alias_ts(t, cx).map_err(|e| format!("{}: {e}", t.ident)),
        Item::Mod(m) => consts_ts(m).map_err(|e| format!("mod {}: {e}", m.ident)),
        Item::Const(c) => Ok(format!(
            "{}export const {} = {};\n",
            doc::tsdoc(&doc::lines(&c.attrs), ""),
            c.ident,
            literal(&c.expr).map_err(|e| format!("{}: {e}", c.ident))?
        )),
        other => {
            let text = other.to_token_stream().to_string();
            let start: String = text.chars().take(60).collect();
            Err(format!("`{start}…` has no TypeScript form"))
        }
    }
}

fn struct_ts(s: &ItemStruct, cx: &Context) -> Result<String, String> {
    // deny_unknown_fields makes the backend stricter; the shape is the same.
    serde_attrs::read(&s.attrs, &["deny_unknown_fields"])?;
    let ways = ways(s, cx)?;
    let generics = generic_names(&s.generics)?;
    let scope = Scope {
        declared: &cx.declared,
        generics: &generics,
    };
    let Fields::Named(fields) = &s.fields else {
        return Err("only structs with named fields have a TypeScript form".into());
    };
    let docs = doc::tsdoc(&doc::lines(&s.attrs), "");
    let name = &s.ident;
    if fields.named.is_empty() {
        return Ok(format!(
            "{docs}export type {name} = Record<string, never>;\n"
        ));
    }
    let mut extends = Vec::new();
    let mut body = String::new();
    for f in &fields.named {
        let ident = f
            .ident
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        match member(f, ways, &scope).map_err(|e| format!("field {ident}: {e}"))? {
            Member::Flattened(parent) => extends.push(parent),
            Member::Field(text) => body += &text,
        }
    }
    // A generic payload is whatever the command carries; `unknown` until
    // the code using it says.
    let params = if generics.is_empty() {
        String::new()
    } else {
        let params: Vec<_> = generics.iter().map(|g| format!("{g} = unknown")).collect();
        format!("<{}>", params.join(", "))
    };
    let extends = if extends.is_empty() {
        String::new()
    } else {
        format!(" extends {}", extends.join(", "))
    };
    Ok(format!(
        "{docs}export interface {name}{params}{extends} {{\n{body}}}\n"
    ))
}

/// Which way a struct travels: from the tables, or for the envelope types
/// that are in none, from its derives.
fn ways(s: &ItemStruct, cx: &Context) -> Result<Ways, String> {
    if let Some(ways) = cx.ways.get(&s.ident.to_string()) {
        return Ok(*ways);
    }
    let derives = serde_attrs::derives(&s.attrs)?;
    let has = |name: &str| derives.iter().any(|d| d == name);
    match (has("Serialize"), has("Deserialize")) {
        (true, true) => Err(
            "is in no command or event table, so which way it travels is unknown: \
             use it in a table, or derive only the direction it goes"
                .into(),
        ),
        (false, false) => Err("derives neither Serialize nor Deserialize, and crates/rpc \
             holds wire types only"
            .into()),
        (out, into) => Ok(Ways { out, into }),
    }
}

enum Member {
    /// A `#[serde(flatten)]` struct, whose fields this one takes.
    Flattened(String),
    Field(String),
}

fn member(f: &syn::Field, ways: Ways, scope: &Scope) -> Result<Member, String> {
    let serde = serde_attrs::read(
        &f.attrs,
        &[
            "rename",
            "default",
            "skip_serializing_if",
            "flatten",
            "serialize_with",
        ],
    )?;
    if serde.has("flatten") {
        let parent = to_ts(&f.ty, scope)?;
        if !scope.declared.contains(&parent)
            || ["rename", "default", "skip_serializing_if"]
                .iter()
                .any(|a| serde.has(a))
        {
            return Err("flatten is understood on a plain crates/rpc struct only".into());
        }
        return Ok(Member::Flattened(parent));
    }
    let option = rust_type::option_inner(&f.ty);
    let skip = serde.value("skip_serializing_if");
    // (may be absent, may be null) in each direction. A `serialize_with`
    // function in crates/rpc always writes a value (`unsigned` as `{}`).
    let sent_by_backend = if serde.has("serialize_with") {
        (false, false)
    } else {
        (
            skip.is_some(),
            option.is_some() && skip != Some("Option::is_none"),
        )
    };
    let read_by_backend = (serde.has("default") || option.is_some(), option.is_some());
    let (optional, nullable) = match (ways.out, ways.into) {
        (true, true) if sent_by_backend != read_by_backend => {
            return Err(format!(
                "travels both ways but is {} when the backend sends it and {} when it reads it",
                presence(sent_by_backend),
                presence(read_by_backend)
            ));
        }
        (true, _) => sent_by_backend,
        _ => read_by_backend,
    };
    let ty = to_ts(option.unwrap_or(&f.ty), scope)?;
    // `unknown` already takes null.
    let nullable = nullable && ty != "unknown";
    let ident = f
        .ident
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let name = serde.value("rename").map_or_else(
        || ident.trim_start_matches("r#").to_string(),
        str::to_string,
    );
    let key = if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        name
    } else {
        serde_json::to_string(&name).map_err(|e| e.to_string())?
    };
    Ok(Member::Field(format!(
        "{}  {key}{}: {ty}{};\n",
        doc::tsdoc(&doc::lines(&f.attrs), "  "),
        if optional { "?" } else { "" },
        if nullable { " | null" } else { "" },
    )))
}

fn presence((optional, nullable): (bool, bool)) -> &'static str {
    match (optional, nullable) {
        (false, false) => "required",
        (true, false) => "optional",
        (false, true) => "nullable",
        (true, true) => "optional and nullable",
    }
}

/// A unit-variant enum: the union of its variants' names on the wire.
fn enum_ts(e: &ItemEnum) -> Result<String, String> {
    serde_attrs::read(&e.attrs, &[])?;
    let derives = serde_attrs::derives(&e.attrs)?;
    if !derives
        .iter()
        .any(|d| d == "Serialize" || d == "Deserialize")
    {
        return Err(
            "derives neither Serialize nor Deserialize, and crates/rpc holds wire types only"
                .into(),
        );
    }
    if !e.generics.params.is_empty() {
        return Err("generic enums have no TypeScript form".into());
    }
    let mut names = Vec::new();
    for v in &e.variants {
        if !matches!(v.fields, Fields::Unit) {
            return Err(format!(
                "{}: only unit variants have a TypeScript form",
                v.ident
            ));
        }
        let serde = serde_attrs::read(&v.attrs, &["rename"])
            .map_err(|err| format!("{}: {err}", v.ident))?;
        let name = serde
            .value("rename")
            .map_or_else(|| v.ident.to_string(), str::to_string);
        names.push(serde_json::to_string(&name).map_err(|e| e.to_string())?);
    }
    Ok(format!(
        "{}export type {} = {};\n",
        doc::tsdoc(&doc::lines(&e.attrs), ""),
        e.ident,
        names.join(" | ")
    ))
}

fn alias_ts(t: &ItemType, cx: &Context) -> Result<String, String> {
    if !generic_names(&t.generics)?.is_empty() {
        return Err("generic aliases have no TypeScript form".into());
    }
    let scope = Scope {
        declared: &cx.declared,
        generics: &[],
    };
    Ok(format!(
        "{}export type {} = {};\n",
        doc::tsdoc(&doc::lines(&t.attrs), ""),
        t.ident,
        to_ts(&t.ty, &scope)?
    ))
}

/// A module of constants (`unread_type`) as a const object (`UnreadType`).
fn consts_ts(m: &ItemMod) -> Result<String, String> {
    let Some((_, items)) = &m.content else {
        return Err("only inline modules of constants have a TypeScript form".into());
    };
    let mut body = String::new();
    for item in items {
        let Item::Const(c) = item else {
            return Err("only constants have a TypeScript form here".into());
        };
        body += &doc::tsdoc(&doc::lines(&c.attrs), "  ");
        let value = literal(&c.expr).map_err(|e| format!("{}: {e}", c.ident))?;
        body += &format!("  {}: {value},\n", pascal(&c.ident.to_string()));
    }
    Ok(format!(
        "{}export const {} = {{\n{body}}} as const;\n",
        doc::tsdoc(&doc::lines(&m.attrs), ""),
        pascal(&m.ident.to_string())
    ))
}

fn table_ts(t: &Table, cx: &Context) -> Result<String, String> {
    let scope = Scope {
        declared: &cx.declared,
        generics: &[],
    };
    let mut body = String::new();
    for e in &t.entries {
        let context = |err: String| format!("{} {}: {err}", t.interface, e.name);
        let payload = to_ts(&e.payload, &scope).map_err(context)?;
        let value = match &e.params {
            Some(params) => format!("[{}, {payload}]", to_ts(params, &scope).map_err(context)?),
            None => payload,
        };
        body += &doc::tsdoc(&doc::lines(&e.docs), "  ");
        body += &format!("  {}: {value};\n", e.name);
    }
    Ok(format!(
        "/** {} */\nexport interface {} {{\n{body}}}\n",
        t.doc, t.interface
    ))
}

fn literal(expr: &Expr) -> Result<String, String> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => serde_json::to_string(&s.value()).map_err(|e| e.to_string()),
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => Ok(i.base10_digits().to_string()),
        _ => Err("only string and integer literals have a TypeScript form".into()),
    }
}

fn generic_names(generics: &Generics) -> Result<Vec<String>, String> {
    generics
        .params
        .iter()
        .map(|p| match p {
            GenericParam::Type(t) if t.bounds.is_empty() => Ok(t.ident.to_string()),
            _ => Err("only unbounded type parameters have a TypeScript form".into()),
        })
        .collect()
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn is_private(item: &Item) -> bool {
    let vis = match item {
        Item::Const(i) => &i.vis,
        Item::Enum(i) => &i.vis,
        Item::Fn(i) => &i.vis,
        Item::Mod(i) => &i.vis,
        Item::Static(i) => &i.vis,
        Item::Struct(i) => &i.vis,
        Item::Trait(i) => &i.vis,
        Item::Type(i) => &i.vis,
        Item::Union(i) => &i.vis,
        _ => return false,
    };
    !is_pub(vis)
}

/// `unread_type` → `UnreadType`, `CANONICAL_ALIAS` → `CanonicalAlias`.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let lower = word.to_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}
