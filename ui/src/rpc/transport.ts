import type { Envelope } from "./types";

/** Where the connection stands, for the UI's banner and the login flow. */
export type ConnectionStatus =
  | { state: "connecting" }
  | { state: "open" }
  /** Lost; a new attempt runs at `retryAt` (ms since epoch). */
  | { state: "reconnecting"; retryAt: number; reason: string }
  /** The web server wants its own login first (web mode only). */
  | { state: "auth-required" };

export interface TransportHandlers {
  /** One envelope from the backend: a reply or an event. */
  message(envelope: Envelope): void;
  status(status: ConnectionStatus): void;
}

/** A way to exchange envelopes with the backend: Tauri IPC or the websocket. */
export interface Transport {
  /** Starts the connection; handlers hear about everything from then on. */
  connect(handlers: TransportHandlers): void;
  /** Sends a request envelope; false if it could not go out (not connected). */
  send(envelope: Envelope): boolean;
  close(): void;
}

/** Parses one line (or a newline-joined batch) of JSON envelopes. */
export function parseEnvelopes(text: string): Envelope[] {
  const out: Envelope[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    out.push(JSON.parse(line) as Envelope);
  }
  return out;
}
