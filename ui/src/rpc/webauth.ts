// The web server's own login (web mode only): POST _gomuks/auth with Basic
// credentials sets the gomuks_auth cookie; the websocket and media then ride
// on that cookie.
//
// A 401 that carries `WWW-Authenticate: Basic` makes Chromium hold a
// credentialed request open for its own password prompt, so nothing here sends
// one that can fail that way with credentials: checks use the websocket path
// (whose 401 has no such header), and the password is first tried with
// credentials omitted, where the browser never prompts.

const AUTH_URL = "_gomuks/auth";
const SOCKET_URL = "_gomuks/websocket";

/** Whether our cookie is accepted: the websocket path answers 401 only without a valid one. */
export async function hasWebSession(): Promise<boolean> {
  const res = await fetch(SOCKET_URL, { credentials: "same-origin" });
  return res.status !== 401;
}

function basic(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

function loginError(status: number): Error {
  if (status === 401 || status === 403) return new Error("Wrong username or password.");
  if (status === 429) return new Error("Too many attempts. Wait a minute and try again.");
  return new Error(`The server refused the login (HTTP ${status}).`);
}

/** Logs into the web server with its username and password; throws a readable error. */
export async function webLogin(username: string, password: string): Promise<void> {
  const headers = { Authorization: basic(username, password) };
  // Over plain http (a LAN address) a Secure cookie would never come back.
  const cookieQuery = window.location.protocol === "http:" ? "?insecure_cookie=true" : "";
  try {
    // Checks the password without the browser's prompt on failure…
    const check = await fetch(`${AUTH_URL}?output=json`, { method: "POST", credentials: "omit", headers });
    if (!check.ok) throw loginError(check.status);
    // …then, known good, asks for the cookie.
    const res = await fetch(AUTH_URL + cookieQuery, { method: "POST", credentials: "same-origin", headers });
    if (!res.ok) throw loginError(res.status);
  } catch (err) {
    if (err instanceof TypeError) throw new Error("Cannot reach the Trellis server. Is it running?", { cause: err });
    throw err;
  }
}
