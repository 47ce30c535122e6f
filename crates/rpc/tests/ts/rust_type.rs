//! Rust types as TypeScript types. Types are matched by their last path
//! segment (`std::collections::BTreeMap` and `BTreeMap` alike); a name that
//! is neither below nor declared in crates/rpc is an error.

use std::collections::BTreeSet;

use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type, TypePath};

/// The names a type may refer to: crates/rpc's own types and the generic
/// parameters of the item being written.
pub struct Scope<'a> {
    pub declared: &'a BTreeSet<String>,
    pub generics: &'a [String],
}

pub fn text(ty: &Type) -> String {
    ty.to_token_stream().to_string()
}

/// `T` when `ty` is `Option<T>`.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    match last_segment(ty)? {
        (name, args) if name == "Option" && args.len() == 1 => Some(args[0]),
        _ => None,
    }
}

/// Whether `ty` is the plain type `name` (last segment, no arguments).
fn is(ty: &Type, name: &str) -> bool {
    matches!(last_segment(ty), Some((n, args)) if n == name && args.is_empty())
}

pub fn to_ts(ty: &Type, scope: &Scope) -> Result<String, String> {
    let unknown = || format!("type `{}` has no TypeScript mapping", text(ty));
    if let Type::Reference(r) = ty {
        return if is(&r.elem, "str") {
            Ok("string".into())
        } else {
            Err(unknown())
        };
    }
    let (name, args) = last_segment(ty).ok_or_else(unknown)?;
    let ts = match (name.as_str(), args.as_slice()) {
        ("String" | "str", []) => "string".into(),
        ("i64" | "u64" | "i32" | "u32" | "usize" | "f64", []) => "number".into(),
        ("bool", []) => "boolean".into(),
        ("Option", [inner]) => format!("{} | null", to_ts(inner, scope)?),
        ("Vec", [inner]) => array(to_ts(inner, scope)?),
        ("BTreeMap" | "HashMap", [key, value]) => {
            if to_ts(key, scope)? != "string" {
                return Err(format!("map key of `{}` must be a string", text(ty)));
            }
            format!("Record<string, {}>", to_ts(value, scope)?)
        }
        // Raw JSON in crates/rpc is always an object (see model::JsonObject).
        ("Box", [inner]) if is(inner, "RawValue") => declared("JsonObject", scope, ty)?,
        ("Map", [key, value]) if is(key, "String") && is(value, "Value") => {
            "Record<string, unknown>".into()
        }
        ("Value", []) => "unknown".into(),
        (name, []) if scope.generics.iter().any(|g| g == name) => name.into(),
        (name, []) => declared(name, scope, ty)?,
        (name, args) => {
            let args: Result<Vec<_>, _> = args.iter().map(|a| to_ts(a, scope)).collect();
            format!("{}<{}>", declared(name, scope, ty)?, args?.join(", "))
        }
    };
    Ok(ts)
}

/// The last path segment's name and its type arguments.
pub fn last_segment(ty: &Type) -> Option<(String, Vec<&Type>)> {
    let Type::Path(TypePath { qself: None, path }) = ty else {
        return None;
    };
    let segment = path.segments.last()?;
    let args = match &segment.arguments {
        PathArguments::None => Vec::new(),
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .map(|arg| match arg {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect::<Option<_>>()?,
        PathArguments::Parenthesized(_) => return None,
    };
    Some((segment.ident.to_string(), args))
}

/// The names of crates/rpc types that `ty` mentions, for walking from one
/// type to the types of its fields.
pub fn mentioned(ty: &Type, out: &mut Vec<String>) {
    if let Type::Path(p) = ty {
        for segment in &p.path.segments {
            out.push(segment.ident.to_string());
            if let PathArguments::AngleBracketed(a) = &segment.arguments {
                for arg in &a.args {
                    if let GenericArgument::Type(t) = arg {
                        mentioned(t, out);
                    }
                }
            }
        }
    }
}

fn array(element: String) -> String {
    if element.contains(' ') {
        format!("({element})[]")
    } else {
        format!("{element}[]")
    }
}

fn declared(name: &str, scope: &Scope, ty: &Type) -> Result<String, String> {
    if scope.declared.contains(name) {
        Ok(name.into())
    } else {
        Err(format!(
            "type `{}` is not declared in crates/rpc and has no TypeScript mapping",
            text(ty)
        ))
    }
}
