// `sqlx::migrate!` embeds the migrations at compile time, but cargo only
// notices edits to files it already knew; a new migration must rebuild too.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
