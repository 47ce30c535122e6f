import { RpcClient } from "../rpc/client";
import type { Transport, TransportHandlers } from "../rpc/transport";
import type { Envelope } from "../rpc/types";

/** A transport whose backend is the test: it sees each request and answers when it likes. */
export class FakeTransport implements Transport {
  sent: Envelope[] = [];
  handlers!: TransportHandlers;
  connected = true;
  connect(h: TransportHandlers) {
    this.handlers = h;
    h.status({ state: "open" });
  }
  send(e: Envelope) {
    if (!this.connected) return false;
    this.sent.push(e);
    return true;
  }
  close() {}
  reply(command: "response" | "error", request_id: number, data: unknown) {
    this.handlers.message({ command, request_id, data });
  }
  answer(e: Envelope, data: unknown) {
    this.reply("response", e.request_id, data);
  }
}

/** A started client on a fresh fake transport. */
export function started() {
  const t = new FakeTransport();
  const c = new RpcClient(t);
  c.start();
  return { t, c };
}
