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
    let attributes = tauri_build::Attributes::new().app_manifest(manifest);
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
