// The web server's own login (web mode only): POST _gomuks/auth with Basic
// credentials sets the gomuks_auth cookie; the websocket and media then ride
// on that cookie.
//
// A 401 that carries `WWW-Authenticate: Basic` makes the browser show its own
// password prompt over ours, so the login asks for none (`no_prompt`, as
// gomuks's frontend does) and the session check uses the websocket path,
// whose 401 has no such header.

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
  const cookieQuery = window.location.protocol === "http:" ? "&insecure_cookie=true" : "";
  try {
    const res = await fetch(`${AUTH_URL}?no_prompt=true${cookieQuery}`, {
      method: "POST",
      credentials: "same-origin",
      headers,
    });
    if (!res.ok) throw loginError(res.status);
  } catch (err) {
    if (err instanceof TypeError) throw new Error("Cannot reach the Trellis server. Is it running?", { cause: err });
    throw err;
  }
}
