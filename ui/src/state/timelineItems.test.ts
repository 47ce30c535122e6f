import { describe, expect, it } from "vitest";
import { DAY, T0, text } from "../test/fixtures";
import { newRoom, mergeTimeline, putEvent } from "./room";
import { firstUnreadKey, receiptsByEvent, timelineItems, withUnreadLine } from "./timelineItems";
import { room } from "../test/fixtures";
import type { Event } from "../rpc/types";

function label(i: { kind: string; event?: Event }): string {
  return i.kind === "event" ? String(i.event!.content.body) : i.kind;
}

function roomWith(events: Event[]) {
  const r = newRoom(room("!r:x"));
  for (const e of events) putEvent(r, e, "@me:x");
  mergeTimeline(r, events.map((e) => ({ timeline_rowid: e.rowid, event_rowid: e.rowid })));
  return r;
}

describe("timelineItems", () => {
  it("puts a day separator before the first message of each day", () => {
    const r = roomWith([
      text(1, "!r:x", "a", { timestamp: T0 }),
      text(2, "!r:x", "b", { timestamp: T0 + 1000 }),
      text(3, "!r:x", "c", { timestamp: T0 + DAY }),
    ]);
    expect(timelineItems(r).map((i) => i.kind)).toEqual(["day", "event", "event", "day", "event"]);
  });

  it("groups consecutive messages of one sender, but not across senders, state events or long gaps", () => {
    const r = roomWith([
      text(1, "!r:x", "a", { timestamp: T0 }),
      text(2, "!r:x", "b", { timestamp: T0 + 60_000 }),
      text(3, "!r:x", "c", { timestamp: T0 + 120_000, sender: "@bob:x" }),
      text(4, "!r:x", "", { timestamp: T0 + 130_000, sender: "@bob:x", type: "m.room.topic", state_key: "", content: { topic: "t" } }),
      text(5, "!r:x", "d", { timestamp: T0 + 140_000, sender: "@bob:x" }),
      text(6, "!r:x", "e", { timestamp: T0 + 140_000 + 10 * 60_000, sender: "@bob:x" }),
    ]);
    const flags = timelineItems(r).flatMap((i) => (i.kind === "event" ? [i.continuation] : []));
    expect(flags).toEqual([false, true, false, false, false, false]);
  });

  it("hides edits and reactions (shown on their targets) but shows a redacted message as removed", () => {
    const r = roomWith([
      text(1, "!r:x", "original", { last_edit_rowid: 2 }),
      text(2, "!r:x", "* fixed", { relation_type: "m.replace", relates_to: "$e1" }),
      text(3, "!r:x", "", { type: "m.reaction", relation_type: "m.annotation", relates_to: "$e1" }),
      text(4, "!r:x", "gone", { redacted_by: "$r" }),
      text(5, "!r:x", "", { type: "m.room.redaction", content: { redacts: "$e4" } }),
    ]);
    const rows = timelineItems(r).flatMap((i) => (i.kind === "event" ? [i.event.rowid] : []));
    expect(rows).toEqual([1, 4]);
  });

  it("shows a receipt on a reaction under the message before it, and never our own", () => {
    const r = roomWith([
      text(1, "!r:x", "hello"),
      text(2, "!r:x", "", { type: "m.reaction", relation_type: "m.annotation", relates_to: "$e1" }),
      text(3, "!r:x", "later"),
    ]);
    const receipt = (user_id: string, event_id: string) => ({ user_id, receipt_type: "m.read", event_id, timestamp: 1 });
    r.receipts.set("@bob:x", receipt("@bob:x", "$e2"));
    r.receipts.set("@carol:x", receipt("@carol:x", "$e3"));
    r.receipts.set("@me:x", receipt("@me:x", "$e3"));
    const shown = receiptsByEvent(r, "@me:x");
    expect(shown.get("$e1")).toEqual(["@bob:x"]);
    expect(shown.get("$e3")).toEqual(["@carol:x"]);
    expect(shown.has("$e2")).toBe(false);
  });

  it("draws the new-messages line above the unread messages of others, and none when they are not loaded", () => {
    const r = roomWith([
      text(1, "!r:x", "read"),
      text(2, "!r:x", "new 1"),
      text(3, "!r:x", "mine", { sender: "@me:x" }),
      text(4, "!r:x", "new 2"),
    ]);
    const lined = (unread: number) => {
      const items = timelineItems(r);
      return withUnreadLine(items, firstUnreadKey(items, unread, "@me:x"));
    };
    const rows = (unread: number) => lined(unread).map(label);
    expect(rows(2)).toEqual(["day", "read", "unread", "new 1", "mine", "new 2"]);
    expect(rows(0)).toEqual(["day", "read", "new 1", "mine", "new 2"]);
    expect(rows(9)).toEqual(["day", "read", "new 1", "mine", "new 2"]);
    expect(lined(2)[3]!).toMatchObject({ kind: "event", continuation: false });
  });

  it("keeps the new-messages line above the same message as more arrive", () => {
    const r = roomWith([text(1, "!r:x", "read"), text(2, "!r:x", "new 1")]);
    const key = firstUnreadKey(timelineItems(r), 1, "@me:x");
    const later = text(3, "!r:x", "arrived while reading");
    putEvent(r, later, "@me:x");
    mergeTimeline(r, [{ timeline_rowid: 3, event_rowid: 3 }]);
    expect(withUnreadLine(timelineItems(r), key).map(label)).toEqual(["day", "read", "unread", "new 1", "arrived while reading"]);
    expect(withUnreadLine(timelineItems(r), undefined).map(label)).toEqual(["day", "read", "new 1", "arrived while reading"]);
  });
});
