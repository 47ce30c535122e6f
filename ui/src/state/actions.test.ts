import { describe, expect, it } from "vitest";
import type { PaginationResponse } from "../rpc/types";
import { appended, loggedIn, room, sync, syncRoom, text } from "../test/fixtures";
import { started } from "../test/transport";
import { Actions } from "./actions";

const R = "!r:example.org";

function page(events: ReturnType<typeof text>[], has_more: boolean): PaginationResponse {
  return { events, related_events: [], receipts: {}, has_more, from_server: false };
}

function setup() {
  const { t, c } = started();
  const store = loggedIn();
  return { t, store, actions: new Actions(c, store) };
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
