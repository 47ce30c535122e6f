// The web server's own login (web mode only): POST _gomuks/auth sets the
// gomuks_auth cookie; the websocket and media then ride on that cookie.

const AUTH_URL = "_gomuks/auth";

/** Whether the cookie we hold is still good (the server refreshes it if so). */
export async function hasWebSession(): Promise<boolean> {
  const res = await fetch(AUTH_URL, { method: "POST", credentials: "same-origin" });
  return res.ok;
}

/** Logs into the web server with its username and password; throws a readable error. */
export async function webLogin(username: string, password: string): Promise<void> {
  const basic = btoa(String.fromCharCode(...new TextEncoder().encode(`${username}:${password}`)));
  let res: Response;
  try {
    res = await fetch(AUTH_URL, {
      method: "POST",
      credentials: "same-origin",
      headers: { Authorization: `Basic ${basic}` },
    });
  } catch {
    throw new Error("Cannot reach the Trellis server. Is it running?");
  }
  if (res.ok) return;
  if (res.status === 401 || res.status === 403) throw new Error("Wrong username or password.");
  if (res.status === 429) throw new Error("Too many attempts. Wait a minute and try again.");
  throw new Error(`The server refused the login (HTTP ${res.status}).`);
}
