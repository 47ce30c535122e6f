import { Channel, invoke } from "@tauri-apps/api/core";
import { parseEnvelopes, type Transport, type TransportHandlers } from "./transport";
import type { Envelope } from "./types";

/**
 * Tauri IPC: `rpc_connect { channel }` hands the shell a Channel on which every
 * reply and backend event arrives (as a JSON string or an already parsed
 * envelope); `rpc_send { line }` carries one request envelope as JSON. A webview
 * reload connects again and the shell answers with a fresh payload (clear_state).
 */
export class TauriTransport implements Transport {
  private open = false;
  private handlers: TransportHandlers | null = null;

  connect(handlers: TransportHandlers): void {
    this.handlers = handlers;
    handlers.status({ state: "connecting" });
    const channel = new Channel<string | Envelope>();
    channel.onmessage = (msg) => {
      const envelopes = typeof msg === "string" ? parseEnvelopes(msg) : [msg];
      for (const envelope of envelopes) handlers.message(envelope);
    };
    invoke("rpc_connect", { channel }).then(
      () => {
        this.open = true;
        handlers.status({ state: "open" });
      },
      (err: unknown) => {
        handlers.status({ state: "reconnecting", retryAt: Date.now() + 2000, reason: String(err) });
        setTimeout(() => this.connect(handlers), 2000);
      },
    );
  }

  send(envelope: Envelope): boolean {
    const handlers = this.handlers;
    if (!this.open || !handlers) return false;
    // A refused invoke still has to answer the request, or its caller would wait forever.
    invoke("rpc_send", { line: JSON.stringify(envelope) }).catch((err: unknown) => {
      handlers.message({ command: "error", request_id: envelope.request_id, data: String(err) });
    });
    return true;
  }

  close(): void {
    this.open = false;
  }
}

export function insideTauri(): boolean {
  return "__TAURI_INTERNALS__" in window;
}
