import { insideTauri } from "./rpc/tauri";

/** `avatar` asks the backend for a small square thumbnail; `full` is the file itself. */
export type MediaSize = "avatar" | "full";

const WINDOWS = typeof navigator !== "undefined" && navigator.userAgent.includes("Windows");
const MXC = /^mxc:\/\/([A-Za-z0-9.:\-[\]]+)\/([A-Za-z0-9_-]+)$/;

/**
 * The one place (with uploadUrl) that knows where media lives: the desktop shell's
 * trellis-media scheme, or the web server's _gomuks/media (same origin, cookie
 * auth). Returns undefined for anything that is not a well-formed mxc URI.
 */
export function mediaUrl(mxc: string | undefined, size: MediaSize, encrypted = false): string | undefined {
  const m = mxc ? MXC.exec(mxc) : null;
  if (!m) return undefined;
  const [, server, id] = m as unknown as [string, string, string];
  const query = new URLSearchParams({ encrypted: String(encrypted) });
  if (size !== "full") query.set("thumbnail", size);
  const path = `${encodeURIComponent(server)}/${encodeURIComponent(id)}?${query}`;
  return insideTauri() ? `${shellMediaBase()}${path}` : `_gomuks/media/${path}`;
}

/** Where a file is POSTed to upload it: the web server's _gomuks/upload, or the shell's scheme. */
export function uploadUrl(query: URLSearchParams): string {
  return insideTauri() ? `${shellMediaBase()}upload?${query}` : `_gomuks/upload?${query}`;
}

/**
 * Desktop only: where the Download button POSTs to have the shell save a file
 * in the download directory (WebKitGTK does not download from custom schemes).
 */
export function saveUrl(mxc: string | undefined, encrypted: boolean, filename: string): string | undefined {
  const url = insideTauri() ? mediaUrl(mxc, "full", encrypted) : undefined;
  if (!url) return undefined;
  const base = shellMediaBase();
  return `${base}save/${url.slice(base.length)}&${new URLSearchParams({ filename })}`;
}

/** WebView2 reaches custom schemes as http://{scheme}.localhost/. */
function shellMediaBase(): string {
  return WINDOWS ? "http://trellis-media.localhost/" : "trellis-media://";
}

/** sanitized_html points images at `_gomuks/media/{server}/{id}`: turn that into mediaUrl's form. */
export function rewriteHtmlMediaSrc(src: string): string | undefined {
  const m = /^_gomuks\/media\/([^/?]+)\/([^/?]+)/.exec(src);
  if (!m) return undefined;
  return mediaUrl(`mxc://${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`, "full");
}
