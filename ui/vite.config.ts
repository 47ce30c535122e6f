import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` talks to a running `trellis-server --listen` (default
// 127.0.0.1:29325; TRELLIS_BACKEND overrides). The Host header is kept so the
// backend's websocket Origin check sees the page's own origin.
const backend = process.env.TRELLIS_BACKEND ?? "http://127.0.0.1:29325";

export default defineConfig({
  plugins: [react()],
  // Tauri's webview is a current WebKitGTK/WebView2/WKWebView, so no legacy transpiling.
  build: { target: "es2022" },
  server: {
    proxy: { "/_gomuks": { target: backend, ws: true, changeOrigin: false } },
  },
});
