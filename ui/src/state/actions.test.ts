import { describe, expect, it } from "vitest";
import { RpcClient } from "../rpc/client";
import type { Transport, TransportHandlers } from "../rpc/transport";
import type { Envelope, PaginationResponse } from "../rpc/types";
import { appended, ME, room, sync, syncRoom, text } from "../test/fixtures";
import { Actions } from "./actions";
import { Store } from "./store";

/** The backend is the test: it sees each request and answers when it likes. */
class HeldTransport implements Transport {
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
  answer(e: Envelope, data: unknown) {
    this.handlers.message({ command: "response", request_id: e.request_id, data });
  }
}

const R = "!r:example.org";

function page(events: ReturnType<typeof text>[], has_more: boolean): PaginationResponse {
  return { events, related_events: [], receipts: {}, has_more, from_server: false };
}

function setup() {
  const t = new HeldTransport();
  const client = new RpcClient(t);
  client.start();
  const store = new Store();
  store.apply("client_state", {
    is_initialized: true,
    is_logged_in: true,
    is_verified: false,
    verification_state: { is_verified: false, state_checked: false, has_cross_signing: false, has_ssss: false },
    user_id: ME,
  });
  return { t, store, actions: new Actions(client, store) };
}

describe("paginate across a clear_state", () => {
  it("gives the new room its own first page, and drops the old room's", async () => {
    const { t, store, actions } = setup();
    store.applySync(appended(R, [text(5, R, "old", { timeline_rowid: 5 })], room(R)));
    const oldPage = actions.paginate(R);
    expect(t.sent.at(-1)!.data).toMatchObject({ room_id: R, max_timeline_id: 5 });

    // The connection came back as a new backend run: every room is replaced.
    store.applySync(sync({ clear_state: true, rooms: { [R]: syncRoom({ meta: room(R) }) } }));
    const newPage = actions.paginate(R);
    expect(t.sent).toHaveLength(2);
    expect(t.sent[1]!.data).toMatchObject({ room_id: R, max_timeline_id: 0 });

    // The old request's answer (nothing below rowid 5, history ends) lands first.
    t.answer(t.sent[0]!, page([], false));
    await oldPage;
    expect(store.rooms.get(R)!.hasMoreHistory).toBe(true);

    const a = text(4, R, "a", { timeline_rowid: 4 });
    const b = text(5, R, "b", { timeline_rowid: 5 });
    t.answer(t.sent[1]!, page([b, a], true));
    await newPage;
    const now = store.rooms.get(R)!;
    expect(now.timeline.map((r) => r.timeline_rowid)).toEqual([4, 5]);
    expect(now.hasMoreHistory).toBe(true);
  });

  it("still asks for one page at a time per room", () => {
    const { t, store, actions } = setup();
    store.applySync(appended(R, [], room(R)));
    void actions.paginate(R);
    void actions.paginate(R);
    expect(t.sent).toHaveLength(1);
  });
});

describe("markRead", () => {
  it("tries again after a receipt that could not go out", async () => {
    const { t, store, actions } = setup();
    store.applySync(appended(R, [text(7, R, "unread", { event_id: "$last" })], room(R, { unread_messages: 1 })));
    const r = store.rooms.get(R)!;
    t.connected = false;
    await expect(actions.markRead(r)).rejects.toThrow(/not connected/);
    t.connected = true;
    void actions.markRead(r);
    expect(t.sent.map((e) => e.command)).toEqual(["mark_read"]);
    expect(t.sent[0]!.data).toMatchObject({ room_id: R, event_id: "$last" });
    // Sent once: asking again for the same event does nothing.
    void actions.markRead(r);
    expect(t.sent).toHaveLength(1);
  });
});
