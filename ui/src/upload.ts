import { uploadUrl } from "./media";
import type { JsonObject } from "./rpc/types";

/**
 * Uploads a file through the transport's upload endpoint and returns the
 * m.room.message content (msgtype, url or file, info) to send. Web mode posts
 * to _gomuks/upload (cookie auth); the desktop shell is to serve the same
 * request on its media scheme (see media.ts).
 */
export async function uploadFile(file: File, encrypt: boolean): Promise<JsonObject> {
  const query = new URLSearchParams({ filename: file.name, encrypt: String(encrypt) });
  let res: Response;
  try {
    res = await fetch(uploadUrl(query), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": file.type || "application/octet-stream" },
      body: file,
    });
  } catch {
    throw new Error(`Could not upload ${file.name}: the server is unreachable.`);
  }
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    throw new Error(`Could not upload ${file.name}: ${text || `HTTP ${res.status}`}`);
  }
  return (await res.json()) as JsonObject;
}
