import { uploadUrl } from "./media";
import { insideTauri } from "./rpc/tauri";
import type { JsonObject } from "./rpc/types";

/** POSTs to the transport's media endpoint and reads its JSON answer; `what` says what failed. */
async function post(url: string, what: string, init: RequestInit = {}): Promise<JsonObject> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", credentials: "same-origin", ...init });
  } catch {
    throw new Error(`Could not ${what}: the server is unreachable.`);
  }
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    throw new Error(`Could not ${what}: ${text || `HTTP ${res.status}`}`);
  }
  return (await res.json()) as JsonObject;
}

/**
 * Uploads a file through the transport's upload endpoint and returns the
 * m.room.message content (msgtype, url or file, info) to send. Web mode posts
 * to _gomuks/upload (cookie auth); the desktop shell serves the same request
 * on its media scheme (see media.ts).
 */
export async function uploadFile(file: File, encrypt: boolean): Promise<JsonObject> {
  const query = new URLSearchParams({ filename: file.name, encrypt: String(encrypt) });
  return post(uploadUrl(query), `upload ${file.name}`, {
    headers: { "Content-Type": file.type || "application/octet-stream" },
    // WebKitGTK's web process crashes sending a File or Blob to a custom scheme: bytes go instead.
    body: insideTauri() ? await file.arrayBuffer() : file,
  });
}

/** Desktop only: has the shell save a file (saveUrl in media.ts); returns where it went. */
export async function saveFile(url: string, name: string): Promise<string> {
  const answer = await post(url, `save ${name}`);
  return String(answer.path);
}
