// Release builds on Windows are GUI apps: no console window beside Trellis.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Same root config as build.rs; the path is relative to this crate's Cargo.toml.
    let context = tauri::generate_context!("../tauri.conf.json");
    if let Err(error) = tauri::Builder::default().run(context) {
        eprintln!("trellis: {error}");
        std::process::exit(1);
    }
}
