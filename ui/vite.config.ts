import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  // Tauri's webview is a current WebKitGTK/WebView2/WKWebView, so no legacy transpiling.
  build: { target: "es2022" },
});
