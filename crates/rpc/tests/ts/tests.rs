//! The generator's reading of serde, and its refusals, on small sources.

use super::generate;

fn ts(source: &str) -> Result<String, String> {
    generate(&[("m.rs".into(), source.into())])
}

#[test]
fn presence_depends_on_direction() {
    let out = ts(r#"
        commands! { X = "x": P => R, }
        #[derive(Serialize, Deserialize)]
        pub struct P {
            #[serde(default)]
            pub a: bool,
            pub b: Option<String>,
        }
        #[derive(Serialize, Deserialize)]
        pub struct R {
            #[serde(default)]
            pub a: bool,
            pub b: Option<String>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub c: Option<i64>,
            #[serde(rename = "m.d", skip_serializing_if = "Vec::is_empty")]
            pub d: Vec<String>,
        }
    "#)
    .unwrap();
    assert!(
        out.contains("export interface P {\n  a?: boolean;\n  b?: string | null;\n}"),
        "{out}"
    );
    assert!(
        out.contains("  a: boolean;\n  b: string | null;\n  c?: number;\n  \"m.d\"?: string[];\n"),
        "{out}"
    );
    assert!(out.contains("  x: [P, R];\n"), "{out}");
}

#[test]
fn unknown_serde_attribute_is_refused() {
    let err = ts(r#"
        #[derive(Serialize)]
        pub struct A {
            #[serde(alias = "b")]
            pub a: String,
        }
    "#)
    .unwrap_err();
    assert!(err.contains("A: field a: serde attribute `alias`"), "{err}");
}

#[test]
fn unknown_type_is_refused() {
    let err = ts("#[derive(Serialize)] pub struct A { pub at: std::time::Duration }").unwrap_err();
    assert!(
        err.contains("A: field at: type `std :: time :: Duration`"),
        "{err}"
    );
}

#[test]
fn field_read_differently_each_way_is_refused() {
    let err = ts(r#"
        commands! { X = "x": A => A, }
        #[derive(Serialize, Deserialize)]
        pub struct A {
            #[serde(default)]
            pub a: bool,
        }
    "#)
    .unwrap_err();
    assert!(err.contains("A: field a: travels both ways"), "{err}");
}

#[test]
fn struct_in_no_table_is_refused() {
    let err = ts("#[derive(Serialize, Deserialize)] pub struct A { pub a: bool }").unwrap_err();
    assert!(err.contains("A: is in no command or event table"), "{err}");
}
