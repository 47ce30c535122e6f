import { hasWebSession } from "./webauth";
import { parseEnvelopes, type Transport, type TransportHandlers } from "./transport";
import type { Envelope, RunData } from "./types";

const PING_INTERVAL_MS = 15_000;
/** The spec asks clients to give up on a silent backend; pongs arrive every 15 s. */
const SILENCE_TIMEOUT_MS = 45_000;
const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/**
 * The gomuks websocket protocol: cookie auth, pings that acknowledge events,
 * resume with run_id + last_received_event, reconnect with back-off.
 */
export class WebSocketTransport implements Transport {
  private ws: WebSocket | null = null;
  private handlers: TransportHandlers | null = null;
  private runId: string | null = null;
  /** The most recent (lowest) backend event id seen; 0 before any. */
  private lastReceivedEvent = 0;
  private failures = 0;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Pings use their own id range so they never meet the client's request ids. */
  private pingId = 2 ** 30;
  private closed = false;

  connect(handlers: TransportHandlers): void {
    this.handlers = handlers;
    this.closed = false;
    handlers.status({ state: "connecting" });
    this.open();
  }

  send(envelope: Envelope): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(envelope));
    return true;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.stopTimers();
    this.ws?.close();
    this.ws = null;
  }

  private url(): string {
    const url = new URL("_gomuks/websocket", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    if (this.runId && this.lastReceivedEvent < 0) {
      url.searchParams.set("run_id", this.runId);
      url.searchParams.set("last_received_event", String(this.lastReceivedEvent));
    }
    return url.toString();
  }

  private open(): void {
    const ws = new WebSocket(this.url());
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.failures = 0;
      this.handlers?.status({ state: "open" });
      this.pingTimer = setInterval(() => this.ping(), PING_INTERVAL_MS);
      this.heard();
    };
    ws.onmessage = (msg) => {
      this.heard();
      if (typeof msg.data !== "string") return;
      for (const envelope of parseEnvelopes(msg.data)) this.receive(envelope);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopTimers();
      if (!this.closed) void this.retry(opened, ev.reason || `closed (${ev.code})`);
    };
  }

  private receive(envelope: Envelope): void {
    if (envelope.command === "pong") return;
    if (envelope.request_id < 0 && envelope.request_id < this.lastReceivedEvent) {
      this.lastReceivedEvent = envelope.request_id;
    }
    if (envelope.command === "run_id") {
      const runId = (envelope.data as RunData).run_id;
      // A new backend process: its event ids start over, so ours mean nothing to it.
      if (runId !== this.runId) this.lastReceivedEvent = envelope.request_id < 0 ? envelope.request_id : 0;
      this.runId = runId;
    }
    this.handlers?.message(envelope);
  }

  private ping(): void {
    this.send({
      command: "ping",
      request_id: this.pingId++,
      data: { last_received_id: this.lastReceivedEvent },
    });
  }

  /** Any frame from the backend proves it alive; silence past the timeout ends the socket. */
  private heard(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.ws?.close(4000, "backend silent"), SILENCE_TIMEOUT_MS);
  }

  private stopTimers(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.silenceTimer);
  }

  private async retry(wasOpen: boolean, reason: string): Promise<void> {
    // A socket refused before opening may mean the cookie expired: ask before retrying.
    if (!wasOpen) {
      const authed = await hasWebSession().catch(() => true);
      if (!authed) {
        this.handlers?.status({ state: "auth-required" });
        return;
      }
    }
    const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.failures);
    this.failures++;
    this.handlers?.status({ state: "reconnecting", retryAt: Date.now() + delay, reason });
    this.retryTimer = setTimeout(() => {
      if (!this.closed) this.open();
    }, delay);
  }
}
