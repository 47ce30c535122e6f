fn main() {
    // The app's own commands get permissions (allow-rpc-connect, …) that
    // capabilities/main.json grants to the main window only.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "rpc_connect",
        "rpc_send",
        "get_shell_settings",
        "set_shell_settings",
        "set_viewing_room",
        "open_link",
        "close_window",
    ]);
    // The package is the repository root (beside tauri.conf.json), so the
    // capabilities are found under src-tauri/ rather than tauri's default
    // ./capabilities; with a custom path, watching them is up to us.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(manifest);
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
