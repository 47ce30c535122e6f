import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConnectionStatus } from "./transport";
import type { Envelope } from "./types";
import { WebSocketTransport } from "./websocket";

/** Stands in for the browser's WebSocket: records sockets, lets the test open, feed and close them. */
class FakeSocket {
  static readonly OPEN = 1;
  static sockets: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.sockets.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close(code = 1000, reason = "") {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  receive(...envelopes: Envelope[]) {
    this.onmessage?.({ data: envelopes.map((e) => JSON.stringify(e)).join("\n") });
  }
}

const last = () => FakeSocket.sockets[FakeSocket.sockets.length - 1]!;

function connect() {
  const transport = new WebSocketTransport();
  const messages: Envelope[] = [];
  const statuses: ConnectionStatus[] = [];
  transport.connect({ message: (m) => messages.push(m), status: (s) => statuses.push(s) });
  return { transport, messages, statuses };
}

beforeEach(() => {
  FakeSocket.sockets = [];
  vi.useFakeTimers();
  vi.stubGlobal("WebSocket", FakeSocket);
  vi.stubGlobal("window", { location: { href: "https://chat.example/" } });
  // The cookie is fine: the websocket path answers something other than 401.
  vi.stubGlobal("fetch", vi.fn(async () => ({ status: 400 })));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("WebSocketTransport", () => {
  it("connects to _gomuks/websocket on the page's origin, wss for https", () => {
    connect();
    expect(last().url).toBe("wss://chat.example/_gomuks/websocket");
  });

  it("acknowledges the newest event in its pings, and keeps pongs to itself", () => {
    const { messages } = connect();
    last().open();
    last().receive(
      { command: "run_id", request_id: -1, data: { run_id: "run-a", etag: "", vapid_key: "" } },
      { command: "sync_complete", request_id: -2, data: {} },
    );
    vi.advanceTimersByTime(15_000);
    const ping = JSON.parse(last().sent[0]!) as Envelope<{ last_received_id: number }>;
    expect(ping.command).toBe("ping");
    expect(ping.data.last_received_id).toBe(-2);
    last().receive({ command: "pong", request_id: ping.request_id, data: null });
    expect(messages.map((m) => m.command)).toEqual(["run_id", "sync_complete"]);
  });

  it("resumes with run_id and last_received_event after a drop, saying it is reconnecting", async () => {
    const { statuses } = connect();
    last().open();
    last().receive(
      { command: "run_id", request_id: -1, data: { run_id: "run-a", etag: "", vapid_key: "" } },
      { command: "typing", request_id: -7, data: { room_id: "!r", user_ids: [] } },
    );
    last().close(1006, "gone");
    await vi.advanceTimersByTimeAsync(0);
    expect(statuses.at(-1)).toMatchObject({ state: "reconnecting" });
    await vi.advanceTimersByTimeAsync(500);
    const url = new URL(last().url);
    expect(url.searchParams.get("run_id")).toBe("run-a");
    expect(url.searchParams.get("last_received_event")).toBe("-7");
    last().open();
    expect(statuses.at(-1)).toEqual({ state: "open" });
  });

  it("backs off, doubling, while the backend stays away", async () => {
    connect();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const count = FakeSocket.sockets.length;
      last().close(1006, "refused");
      let waited = 0;
      while (FakeSocket.sockets.length === count) {
        await vi.advanceTimersByTimeAsync(100);
        waited += 100;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000]);
  });

  it("asks for the web login when a socket is refused for want of a cookie", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => ({ status: 401 })));
    const { statuses } = connect();
    last().close(1006, "");
    await vi.advanceTimersByTimeAsync(0);
    expect(statuses.at(-1)).toEqual({ state: "auth-required" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.sockets).toHaveLength(1);
  });

  it("gives up on a silent backend and reconnects", async () => {
    connect();
    last().open();
    await vi.advanceTimersByTimeAsync(45_000);
    expect(FakeSocket.sockets[0]!.readyState).toBe(3);
  });
});
